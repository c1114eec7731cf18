"""Schemas of the project incubator's API (`api_ideas`). Text lengths are checked by the
services, which answer 400 `validation` with the field, as the pages do."""

from datetime import datetime

from ninja import Field, Schema

from .models import IdeaState, PartnerOfferStatus
from .selectors_ideas import PUBLISHED_STATES

STATES = ", ".join(IdeaState.values)
STATE_PATTERN = f"^({'|'.join(PUBLISHED_STATES)})$"
AUTHOR_STATE_PATTERN = f"^({'|'.join(IdeaState.values)})$"
MAX_PAGE_SIZE = 50


class IdeaSkillOut(Schema):
    slug: str
    name: str = Field(..., description="In the request's language.")


class IdeaPersonOut(Schema):
    display_name: str = Field(..., description="What the person chose to be called; may be empty.")


class IdeaDistrictOut(Schema):
    slug: str
    name: str


class IdeaOut(Schema):
    id: int
    municipality: str = Field(..., description="The municipality's slug.")
    title: str
    need: str
    description: str
    help_wanted: str
    skills_wanted: list[IdeaSkillOut]
    district: IdeaDistrictOut | None = Field(..., description="None: the whole municipality.")
    state: str = Field(..., description=STATES)
    author: IdeaPersonOut
    is_mine: bool
    supporters_count: int
    i_support: bool = Field(..., description="Whether the reader supports it.")
    adopted: bool = Field(..., description="Adopted by the city.")
    adopted_at: datetime | None
    adoption_note: str
    published_at: datetime | None = Field(..., description="None for a draft.")
    created_at: datetime
    updated_at: datetime


class IdeaPageOut(Schema):
    items: list[IdeaOut]
    next_cursor: str | None = Field(
        ..., description="Pass it as `cursor` for the next (older) page; none at the end."
    )


class HelpOfferOut(Schema):
    id: int
    person: IdeaPersonOut
    is_mine: bool
    skills: list[IdeaSkillOut]
    message: str
    created_at: datetime


class IdeaOrganisationOut(Schema):
    id: int
    name: str


class PartnerOfferOut(Schema):
    id: int
    organisation: IdeaOrganisationOut
    message: str
    status: str = Field(..., description=", ".join(PartnerOfferStatus.values))
    created_at: datetime
    decided_at: datetime | None


class IdeaDetailOut(IdeaOut):
    can_edit: bool = Field(..., description="The author, while it is a draft or open.")
    can_join: bool = Field(..., description="The reader may support it and offer help.")
    can_adopt: bool = Field(..., description="The municipality's staff (with MFA).")
    next_states: list[str] = Field(
        ..., description="The states its author may move it to now (`POST …/state`)."
    )
    help_offers_count: int
    my_help_offer: HelpOfferOut | None
    help_offers: list[HelpOfferOut] = Field(
        ..., description="Who offered help: for the author and the staff only (else empty)."
    )
    partner_offers: list[PartnerOfferOut] = Field(
        ...,
        description=(
            "Accepted partners for everyone; every offer for the author and the staff; its own "
            "offers for an organisation's team."
        ),
    )
    partner_organisations: list[IdeaOrganisationOut] = Field(
        ...,
        description=(
            "The reader's verified organisations that serve the municipality and may still "
            "offer to partner."
        ),
    )


class IdeasQuery(Schema):
    state: str | None = Field(None, pattern=STATE_PATTERN, description=STATES)
    district: str | None = Field(None, description="A district's slug.")
    q: str | None = Field(None, max_length=100, description="Words of the title, need or project.")
    adopted: bool | None = Field(None, description="Only adopted (true) or not adopted (false).")
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class MyIdeasQuery(Schema):
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class IdeaIn(Schema):
    title: str = Field(..., description="At most 150 characters.")
    need: str = Field(..., description="At most 3000 characters.")
    description: str = Field(..., description="At most 5000 characters.")
    help_wanted: str = Field("", description="At most 2000 characters.")
    skills_wanted: list[str] = Field(default_factory=list, description="Skills' slugs.")
    district: str | None = Field(None, description="A district's slug; none: everywhere.")
    publish: bool = Field(False, description="Publish at once; else a draft only I see.")


class IdeaPatch(Schema):
    title: str | None = Field(None, description="At most 150 characters.")
    need: str | None = Field(None, description="At most 3000 characters.")
    description: str | None = Field(None, description="At most 5000 characters.")
    help_wanted: str | None = Field(None, description="At most 2000 characters.")
    skills_wanted: list[str] | None = Field(None, description="Skills' slugs.")
    district: str | None = Field(None, description="A district's slug; empty: everywhere.")


class HelpOfferIn(Schema):
    skills: list[str] = Field(default_factory=list, description="Skills' slugs.")
    message: str = Field("", description="At most 1000 characters.")


class PartnerOfferIn(Schema):
    organisation_id: int
    message: str = Field("", description="At most 1000 characters.")


class PartnerDecisionIn(Schema):
    decision: str = Field(..., pattern="^(accept|decline)$")


class IdeaStateIn(Schema):
    state: str = Field(..., pattern=AUTHOR_STATE_PATTERN, description="in_progress, done, closed")


class AdoptionIn(Schema):
    note: str = Field("", description="At most 500 characters.")
