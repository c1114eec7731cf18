"""Schemas of the proposals API (tag `proposals`)."""

from datetime import datetime

from ninja import Field, Schema

from .models import ProposalStatus
from .models.proposals import ANSWERED_STATUSES

STATUSES = ", ".join(ProposalStatus.values)
STATUS_PATTERN = f"^({'|'.join(ProposalStatus.values)})?$"
STAFF_STATUS_PATTERN = f"^({'|'.join([ProposalStatus.UNDER_REVIEW, *ANSWERED_STATUSES])})$"
LANGUAGE_PATTERN = "^(fr|en|es)$"
MAX_PAGE_SIZE = 50


class AuthorOut(Schema):
    display_name: str = Field(..., description="What the person chose to be called; may be empty.")


class AnswerOut(Schema):
    status: str = Field(..., description=f"The official status given with the answer: {STATUSES}.")
    text: str
    language: str
    answered_at: datetime


class ProposalOut(Schema):
    id: int
    consultation: int
    title: str
    body: str
    language: str = Field(..., description="The language the idea is written in (fr, en, es).")
    author: AuthorOut
    district: str | None = Field(..., description="The district's slug, when the idea names one.")
    place_name: str
    status: str = Field(..., description=f"One of {STATUSES}.")
    support_count: int
    support_threshold: int | None = Field(
        ..., description="The supports that oblige the city to answer (none: no obligation)."
    )
    threshold_reached_at: datetime | None
    city_committed: bool = Field(
        ..., description="The threshold was reached and the city has not answered yet."
    )
    answer: AnswerOut | None = Field(..., description="The city's official answer, once given.")
    created_at: datetime
    updated_at: datetime
    is_mine: bool
    i_support: bool
    hidden: bool = Field(..., description="Hidden by staff (seen only by its author and staff).")
    hidden_reason: str = Field(..., description="Why, for its author and staff; else empty.")


class ProposalPageOut(Schema):
    items: list[ProposalOut]
    next_cursor: str | None


class StaffProposalPageOut(Schema):
    items: list[ProposalOut]
    count: int
    page: int
    pages: int


class ProposalIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=5000)
    language: str = Field("fr", pattern=LANGUAGE_PATTERN)
    district: str | None = Field(None, description="A district's slug of the municipality.")
    place_name: str = Field("", max_length=200)
    age_confirmed: bool = Field(
        False, description="The person declares the consultation's minimum age, when it has one."
    )


class ProposalPatch(Schema):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=5000)
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN)
    district: str | None = None
    place_name: str | None = Field(None, max_length=200)


class AnswerIn(Schema):
    status: str = Field(..., pattern=STAFF_STATUS_PATTERN)
    answer: str = Field(..., max_length=5000)
    language: str = Field("fr", pattern=LANGUAGE_PATTERN)


class StatusIn(Schema):
    status: str = Field(..., pattern=STAFF_STATUS_PATTERN)


class HideIn(Schema):
    reason: str = Field(..., max_length=500)
