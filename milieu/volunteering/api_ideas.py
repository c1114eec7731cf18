"""The project incubator's API: a municipality's published ideas and my own, an idea with its
supports, offers of help and partner offers, and every step — with the selectors, services,
permissions and errors of the pages (`views_ideas`).

Who sees what. Published ideas: the members of their municipality and its staff with MFA; a
draft: its author only; anything else is *not found*. Who offered help is shown to the author and
the staff only; partner offers to the author, the staff and the offering organisation's team
(accepted partners to everyone).

Lists are paged by an opaque `cursor`, newest first.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.cursor import keyset_page
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors_ideas as selectors
from .models import IdeaHelpOffer, IdeaPartnerOffer, Organisation, ProjectIdea
from .permissions import MODULE
from .schemas_ideas import (
    AdoptionIn,
    HelpOfferIn,
    HelpOfferOut,
    IdeaDetailOut,
    IdeaIn,
    IdeaPageOut,
    IdeaPatch,
    IdeasQuery,
    IdeaStateIn,
    MyIdeasQuery,
    PartnerDecisionIn,
    PartnerOfferIn,
    PartnerOfferOut,
)
from .services import incubator as services

router = Router(tags=["incubator"], auth=django_auth)
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
MUNICIPAL = "/municipalities/{slug}/ideas"
IDEA = "/ideas/{idea_id}"


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


# --- Shapes ---------------------------------------------------------------------------------------


def _skills(skills) -> list[dict]:
    return [{"slug": skill.slug, "name": skill.name} for skill in skills]


def _idea(request: AuthenticatedRequest, idea: ProjectIdea) -> dict:
    return {
        "id": idea.pk,
        "municipality": idea.municipality.slug,
        "title": idea.title,
        "need": idea.need,
        "description": idea.description,
        "help_wanted": idea.help_wanted,
        "skills_wanted": _skills(idea.skills_wanted.all()),
        "district": (
            {"slug": idea.district.slug, "name": idea.district.name} if idea.district else None
        ),
        "state": idea.state,
        "author": {"display_name": idea.author.display_name},
        "is_mine": idea.author_id == request.user.pk,
        "supporters_count": idea.supporters_count,
        "i_support": bool(getattr(idea, "is_supported", False)),
        "adopted": idea.adopted_at is not None,
        "adopted_at": idea.adopted_at,
        "adoption_note": idea.adoption_note,
        "published_at": idea.published_at,
        "created_at": idea.created_at,
        "updated_at": idea.updated_at,
    }


def _help_offer(request: AuthenticatedRequest, offer: IdeaHelpOffer) -> dict:
    return {
        "id": offer.pk,
        "person": {"display_name": offer.user.display_name},
        "is_mine": offer.user_id == request.user.pk,
        "skills": _skills(offer.skills.all()),
        "message": offer.message,
        "created_at": offer.created_at,
    }


def _partner_offer(offer: IdeaPartnerOffer) -> dict:
    return {
        "id": offer.pk,
        "organisation": {"id": offer.organisation.pk, "name": offer.organisation.name},
        "message": offer.message,
        "status": offer.status,
        "created_at": offer.created_at,
        "decided_at": offer.decided_at,
    }


def _detail(request: AuthenticatedRequest, idea: ProjectIdea) -> dict:
    detail = selectors.idea_detail(visible_to=request.user, idea=idea)
    mine = detail.my_help_offer
    return {
        **_idea(request, idea),
        "can_edit": detail.can_edit,
        "can_join": detail.can_join,
        "can_adopt": detail.is_staff,
        "next_states": detail.next_states,
        "help_offers_count": detail.help_offers_count,
        "my_help_offer": _help_offer(request, mine) if mine is not None else None,
        "help_offers": [_help_offer(request, offer) for offer in detail.help_offers],
        "partner_offers": [_partner_offer(offer) for offer in detail.partner_offers],
        "partner_organisations": [
            {"id": org.pk, "name": org.name} for org in detail.my_organisations
        ],
    }


def _get(request: AuthenticatedRequest, idea_id: int) -> ProjectIdea:
    return selectors.idea_get(visible_to=request.user, idea_id=idea_id)


def _shown(request: AuthenticatedRequest, idea_id: int) -> dict:
    return _detail(request, _get(request, idea_id))


# --- A municipality's ideas -----------------------------------------------------------------------


@router.get(MUNICIPAL, response={200: IdeaPageOut, **ERRORS})
def idea_list(request: AuthenticatedRequest, slug: str, query: Query[IdeasQuery]):
    """The municipality's published ideas, newest published first (its members and its staff).
    Filters: `state`, `district`, words (`q`), `adopted`."""
    municipality = _municipality(slug)
    ideas = selectors.idea_list(
        visible_to=request.user,
        municipality=municipality,
        filters=selectors.IdeaFilters(
            state=query.state or "",
            district=query.district or "",
            text=(query.q or "").strip(),
            adopted=query.adopted,
        ),
    )
    items, next_cursor = keyset_page(ideas, ("-published_at", "-pk"), query.cursor, query.limit)
    for idea in items:
        idea.municipality = municipality
    return {"items": [_idea(request, idea) for idea in items], "next_cursor": next_cursor}


@router.post(MUNICIPAL, response={201: IdeaDetailOut, **ERRORS})
def idea_create(request: AuthenticatedRequest, slug: str, payload: IdeaIn):
    """Propose an idea (the municipality's members): a draft only I see, or published at once
    (`publish`). 429 `rate_limited`."""
    municipality = _municipality(slug)
    if not selectors.may_read_ideas(request.user, municipality):
        raise NotFound(_("This page does not exist."))
    values = payload.dict()
    publish = values.pop("publish")
    idea = services.idea_create(
        actor=request.user, municipality=municipality, values=values, publish=publish
    )
    return Status(201, _shown(request, idea.pk))


@router.get(f"{MUNICIPAL}/mine", response={200: IdeaPageOut, **ERRORS})
def my_idea_list(request: AuthenticatedRequest, slug: str, query: Query[MyIdeasQuery]):
    """My ideas in this municipality, drafts and closed ones too, newest first."""
    municipality = _municipality(slug)
    if not selectors.may_read_ideas(request.user, municipality):
        raise NotFound(_("This page does not exist."))
    ideas = selectors.my_idea_list(author=request.user, municipality=municipality)
    items, next_cursor = keyset_page(ideas, ("-created_at", "-pk"), query.cursor, query.limit)
    for idea in items:
        idea.municipality = municipality
    return {"items": [_idea(request, idea) for idea in items], "next_cursor": next_cursor}


# --- One idea -------------------------------------------------------------------------------------


@router.get(IDEA, response={200: IdeaDetailOut, **ERRORS})
def idea_get(request: AuthenticatedRequest, idea_id: int):
    """An idea, with its offers of help and partner offers as far as I may see them."""
    return _shown(request, idea_id)


@router.patch(IDEA, response={200: IdeaDetailOut, **ERRORS})
def idea_update(request: AuthenticatedRequest, idea_id: int, payload: IdeaPatch):
    """Change my idea while it is a draft or open; only the fields given change. 409
    `wrong_state` after that."""
    idea = _get(request, idea_id)
    values = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name == "district"
    }
    services.idea_update(actor=request.user, idea=idea, values=values)
    return _shown(request, idea_id)


@router.post(f"{IDEA}/publish", response={200: IdeaDetailOut, **ERRORS})
def idea_publish(request: AuthenticatedRequest, idea_id: int):
    """Publish my draft: it becomes open. 409 `wrong_state` when it is not a draft."""
    services.idea_publish(actor=request.user, idea=_get(request, idea_id))
    return _shown(request, idea_id)


@router.post(f"{IDEA}/state", response={200: IdeaDetailOut, **ERRORS})
def idea_set_state(request: AuthenticatedRequest, idea_id: int, payload: IdeaStateIn):
    """Move my idea along: partnered → in_progress → done, or any active state → closed.
    409 `wrong_state` for any other step."""
    services.idea_set_state(actor=request.user, idea=_get(request, idea_id), state=payload.state)
    return _shown(request, idea_id)


@router.post(f"{IDEA}/support", response={200: IdeaDetailOut, **ERRORS})
def idea_support(request: AuthenticatedRequest, idea_id: int):
    """Support an active idea (not my own: 403 `own_idea`). 409 `already_supported`."""
    services.idea_support(actor=request.user, idea=_get(request, idea_id))
    return _shown(request, idea_id)


@router.delete(f"{IDEA}/support", response={200: IdeaDetailOut, **ERRORS})
def idea_unsupport(request: AuthenticatedRequest, idea_id: int):
    """Withdraw my support. 409 `not_supported`."""
    services.idea_unsupport(actor=request.user, idea=_get(request, idea_id))
    return _shown(request, idea_id)


@router.post(f"{IDEA}/help-offers", response={201: HelpOfferOut, **ERRORS})
def help_offer_create(request: AuthenticatedRequest, idea_id: int, payload: HelpOfferIn):
    """Offer my help to an active idea: skills (slugs) and/or a message. The author is told.
    409 `already_offered`."""
    offer = services.help_offer_create(
        actor=request.user,
        idea=_get(request, idea_id),
        skills=payload.skills,
        message=payload.message,
    )
    return Status(201, _help_offer(request, offer))


@router.delete(f"{IDEA}/help-offers/mine", response={204: None, **ERRORS})
def help_offer_withdraw(request: AuthenticatedRequest, idea_id: int):
    """Withdraw my offer of help (404 when I made none)."""
    services.help_offer_withdraw(actor=request.user, idea=_get(request, idea_id))
    return Status(204, None)


@router.post(f"{IDEA}/partner-offers", response={201: PartnerOfferOut, **ERRORS})
def partner_offer_create(request: AuthenticatedRequest, idea_id: int, payload: PartnerOfferIn):
    """Offer to partner an active idea for an organisation whose team I am on (verified, and
    serving the idea's municipality). The author is told. 409 `already_offered`."""
    idea = _get(request, idea_id)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise ApplicationError(
            _("Please correct the form."),
            code="validation",
            extra={"fields": {"organisation_id": [_("Unknown organisation.")]}},
        )
    offer = services.partner_offer_create(
        actor=request.user, idea=idea, organisation=organisation, message=payload.message
    )
    return Status(201, _partner_offer(offer))


@router.post(
    f"{IDEA}/partner-offers/{{offer_id}}/decision", response={200: PartnerOfferOut, **ERRORS}
)
def partner_offer_decide(
    request: AuthenticatedRequest, idea_id: int, offer_id: int, payload: PartnerDecisionIn
):
    """The author accepts (an open idea becomes partnered) or declines an organisation's offer;
    its team is told. 409 `wrong_state` when it was already answered."""
    idea = _get(request, idea_id)
    offer = selectors.partner_offer_get(idea=idea, offer_id=offer_id)
    decided = services.partner_offer_decide(
        actor=request.user, offer=offer, accept=payload.decision == "accept"
    )
    return _partner_offer(decided)


@router.post(f"{IDEA}/adoption", response={200: IdeaDetailOut, **ERRORS})
def idea_adopt(request: AuthenticatedRequest, idea_id: int, payload: AdoptionIn):
    """The municipality's staff (with MFA) adopt a published idea for the city, with a note
    (again: the note changes). The author is told. 409 `wrong_state` for a closed idea."""
    services.idea_adopt(actor=request.user, idea=_get(request, idea_id), note=payload.note)
    return _shown(request, idea_id)


@router.delete(f"{IDEA}/adoption", response={200: IdeaDetailOut, **ERRORS})
def idea_unadopt(request: AuthenticatedRequest, idea_id: int):
    """The staff withdraw an adoption. 409 `not_adopted`."""
    services.idea_unadopt(actor=request.user, idea=_get(request, idea_id))
    return _shown(request, idea_id)
