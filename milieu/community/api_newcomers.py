"""The newcomers API: the resource directory (public; staff manage it), my newcomer and buddy
profiles, my pairings and their workflow, and the coordinators' queue, matches and pairings.
The same selectors, services, permissions and errors as the pages."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core import caching
from milieu.core.errors import NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory.selectors import municipality_get

from . import matching
from .models import BuddyProfile, NewcomerProfile, NewcomerResource, Pairing, PairingFeedback
from .schemas_newcomers import (
    BuddyProfileIn,
    BuddyProfileOut,
    EndIn,
    FeedbackIn,
    FeedbackOut,
    MatchesOut,
    NewcomerProfileIn,
    NewcomerProfileOut,
    PairingOut,
    PairingPageOut,
    PairingStaffOut,
    PairingStaffPageOut,
    ProposeIn,
    QueuePageOut,
    ResourceIn,
    ResourceOut,
    ResourcePageOut,
    ResourcePatchIn,
)
from .selectors import newcomers as selectors
from .services import newcomers as services

router = Router(tags=["community"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
COORDINATE = "community.coordinate_pairing"
MANAGE = "community.manage_resources"
BASE = "/municipalities/{slug}/newcomers"


# --- Outputs ------------------------------------------------------------------------------------


def _reasons(explanation) -> list[dict]:
    return [r._asdict() for r in matching.reasons(explanation)]


def _resource_out(resource: NewcomerResource) -> dict:
    shown = selectors.shown(resource)
    return {
        "id": resource.pk,
        "category": resource.category,
        "category_label": shown.category_label,
        "name": resource.name,
        "description": shown.description,
        "description_language": shown.language,
        "description_fr": resource.description_fr,
        "description_en": resource.description_en,
        "description_es": resource.description_es,
        "url": resource.url,
        "phone": resource.phone,
        "email": resource.email,
        "address": resource.address,
        "languages": resource.languages or [],
        "published": resource.published,
    }


def _feedback_out(pairing: Pairing, feedback: PairingFeedback) -> dict:
    return {
        "id": feedback.pk,
        "author_role": "newcomer" if feedback.author_id == pairing.newcomer.user_id else "buddy",
        "rating": feedback.rating,
        "comment": feedback.comment,
        "created_at": feedback.created_at,
    }


def _pairing_staff_out(pairing: Pairing) -> dict:
    return {
        "id": pairing.pk,
        "state": pairing.state,
        "newcomer_id": pairing.newcomer_id,
        "newcomer_name": pairing.newcomer.user.display_name,
        "buddy_id": pairing.buddy_id,
        "buddy_name": pairing.buddy.user.display_name,
        "proposed_at": pairing.proposed_at,
        "note": pairing.note,
        "score": pairing.score,
        "reasons": _reasons(pairing.explanation),
        "newcomer_accepted_at": pairing.newcomer_accepted_at,
        "buddy_accepted_at": pairing.buddy_accepted_at,
        "started_at": pairing.started_at,
        "ended_at": pairing.ended_at,
        "end_reason": pairing.end_reason,
        "next_checkin_at": pairing.next_checkin_at,
        "checkins_sent": pairing.checkins_sent,
        "feedback": [_feedback_out(pairing, f) for f in pairing.feedback.all()],
    }


def _pairing_out(user, pairing: Pairing) -> dict:
    other = selectors.other_person(user, pairing)
    if user.pk == pairing.newcomer.user_id:
        role = "newcomer"
    elif user.pk == pairing.buddy.user_id:
        role = "buddy"
    else:
        role = "coordinator"
    return {
        "id": pairing.pk,
        "municipality": pairing.municipality.slug,
        "state": pairing.state,
        "role": role,
        "proposed_at": pairing.proposed_at,
        "note": pairing.note,
        "score": pairing.score,
        "reasons": _reasons(pairing.explanation),
        "newcomer_accepted": pairing.newcomer_accepted_at is not None,
        "buddy_accepted": pairing.buddy_accepted_at is not None,
        "started_at": pairing.started_at,
        "ended_at": pairing.ended_at,
        "end_reason": pairing.end_reason,
        "next_checkin_at": pairing.next_checkin_at,
        "other": (
            {"display_name": other.display_name, "handle": selectors.handle_of(other)}
            if other is not None
            else None
        ),
        "actions": services.allowed_actions(user, pairing),
        "feedback_given": bool(getattr(pairing, "has_feedback", False)),
    }


def _newcomer_out(profile: NewcomerProfile) -> dict:
    return {
        "id": profile.pk,
        "arrival_date": profile.arrival_date,
        "languages_spoken": profile.languages_spoken,
        "languages_wanted": profile.languages_wanted,
        "needs": profile.needs,
        "interests": profile.interests,
        "availability": profile.availability,
        "district_id": profile.district_id,
        "about": profile.about,
        "seeking": profile.seeking,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


def _buddy_out(profile: BuddyProfile) -> dict:
    return {
        "id": profile.pk,
        "languages": profile.languages,
        "interests": profile.interests,
        "availability": profile.availability,
        "district_id": profile.district_id,
        "capacity": profile.capacity,
        "about": profile.about,
        "active": profile.active,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


# --- Resource directory -------------------------------------------------------------------------


@router.get(
    f"{BASE}/resources",
    response={200: ResourcePageOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
)
def resources_list(
    request: MilieuRequest,
    slug: str,
    category: NewcomerResource.Category | None = None,
    language: str | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The municipality's published resources for newcomers, by category then name (public;
    paginated: `limit`, `offset`). `description` is in the reader's language (Accept-Language),
    or French; `language` keeps the resources serving people in that language."""
    municipality = municipality_get(slug=slug)
    found = selectors.resource_list(
        municipality=municipality, category=category or None, language=language or None
    )
    return {
        "items": [_resource_out(r) for r in found[offset : offset + limit]],
        "count": found.count(),
    }


def _managed_resource(request: AuthenticatedRequest, slug: str, resource_id: int):
    municipality = municipality_get(slug=slug)
    require(request.user, MANAGE, municipality)
    return selectors.resource_get(municipality=municipality, resource_id=resource_id)


@router.post(f"{BASE}/resources", response={201: ResourceOut, **ERRORS})
def resources_create(request: AuthenticatedRequest, slug: str, payload: ResourceIn):
    """Add a resource to the directory (staff with MFA)."""
    resource = services.resource_create(
        actor=request.user, municipality=municipality_get(slug=slug), **payload.dict()
    )
    return Status(201, _resource_out(resource))


@router.patch(f"{BASE}/resources/{{int:resource_id}}", response={200: ResourceOut, **ERRORS})
def resources_update(
    request: AuthenticatedRequest, slug: str, resource_id: int, payload: ResourcePatchIn
):
    """Change some fields of a resource; `{"published": false}` unpublishes it (staff)."""
    resource = _managed_resource(request, slug, resource_id)
    values = payload.dict(exclude_unset=True)
    resource = services.resource_update(actor=request.user, resource=resource, **values)
    return _resource_out(resource)


@router.delete(f"{BASE}/resources/{{int:resource_id}}", response={204: None, **ERRORS})
def resources_delete(request: AuthenticatedRequest, slug: str, resource_id: int):
    """Delete a resource for good (staff)."""
    resource = _managed_resource(request, slug, resource_id)
    services.resource_delete(actor=request.user, resource=resource)
    return Status(204, None)


# --- My profiles --------------------------------------------------------------------------------


@router.get(f"{BASE}/me", response={200: NewcomerProfileOut, **ERRORS})
def my_newcomer_profile(request: AuthenticatedRequest, slug: str):
    """My newcomer profile in the municipality (404 until I create it with PUT)."""
    municipality = municipality_get(slug=slug)
    selectors.require_module(municipality)
    profile = selectors.newcomer_profile_of(user=request.user, municipality=municipality)
    if profile is None:
        raise NotFound(_("You have no newcomer profile here yet."))
    return _newcomer_out(profile)


@router.put(f"{BASE}/me", response={200: NewcomerProfileOut, **ERRORS})
def my_newcomer_profile_save(request: AuthenticatedRequest, slug: str, payload: NewcomerProfileIn):
    """Create or replace my newcomer profile ("I am new here"; members who may take part)."""
    profile = services.newcomer_profile_save(
        actor=request.user, municipality=municipality_get(slug=slug), **payload.dict()
    )
    return _newcomer_out(profile)


@router.get(f"{BASE}/buddy", response={200: BuddyProfileOut, **ERRORS})
def my_buddy_profile(request: AuthenticatedRequest, slug: str):
    """My buddy profile in the municipality (404 until I create it with PUT)."""
    municipality = municipality_get(slug=slug)
    selectors.require_module(municipality)
    profile = selectors.buddy_profile_of(user=request.user, municipality=municipality)
    if profile is None:
        raise NotFound(_("You have no buddy profile here yet."))
    return _buddy_out(profile)


@router.put(f"{BASE}/buddy", response={200: BuddyProfileOut, **ERRORS})
def my_buddy_profile_save(request: AuthenticatedRequest, slug: str, payload: BuddyProfileIn):
    """Create or replace my buddy profile ("I want to welcome newcomers")."""
    profile = services.buddy_profile_save(
        actor=request.user, municipality=municipality_get(slug=slug), **payload.dict()
    )
    return _buddy_out(profile)


# --- My pairings --------------------------------------------------------------------------------


@router.get("/community/pairings", response={200: PairingPageOut, 401: ErrorOut})
def pairings_mine(
    request: AuthenticatedRequest,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The pairings I am one of the two people of, in every municipality, newest first
    (paginated: `limit`, `offset`)."""
    found = selectors.pairing_list_mine(visible_to=request.user)
    items = [_pairing_out(request.user, p) for p in found[offset : offset + limit]]
    return {"items": items, "count": found.count()}


def _pairing(request: AuthenticatedRequest, pairing_id: int) -> Pairing:
    return selectors.pairing_get(visible_to=request.user, pairing_id=pairing_id)


def _fresh(request: AuthenticatedRequest, pairing_id: int) -> dict:
    return _pairing_out(request.user, _pairing(request, pairing_id))


@router.get("/community/pairings/{int:pairing_id}", response={200: PairingOut, **ERRORS})
def pairing_detail(request: AuthenticatedRequest, pairing_id: int):
    """One pairing, for its two people (the other's name and handle once it has started) and
    its coordinators (whose view is logged)."""
    pairing = _pairing(request, pairing_id)
    if not selectors.is_party(request.user, pairing):
        selectors.log_access(request.user, [pairing.newcomer], "pairing")
    return _pairing_out(request.user, pairing)


@router.post("/community/pairings/{int:pairing_id}/accept", response={200: PairingOut, **ERRORS})
def pairing_accept(request: AuthenticatedRequest, pairing_id: int):
    """Accept a proposed pairing; it starts once both have accepted (409 otherwise)."""
    services.pairing_accept(actor=request.user, pairing=_pairing(request, pairing_id))
    return _fresh(request, pairing_id)


@router.post("/community/pairings/{int:pairing_id}/decline", response={200: PairingOut, **ERRORS})
def pairing_decline(request: AuthenticatedRequest, pairing_id: int):
    """Decline a proposed pairing (409 once it has started or closed)."""
    services.pairing_decline(actor=request.user, pairing=_pairing(request, pairing_id))
    return _fresh(request, pairing_id)


@router.post("/community/pairings/{int:pairing_id}/end", response={200: PairingOut, **ERRORS})
def pairing_end(request: AuthenticatedRequest, pairing_id: int, payload: EndIn):
    """End an active pairing early, saying why (either side or a coordinator)."""
    services.pairing_end(
        actor=request.user, pairing=_pairing(request, pairing_id), reason=payload.reason
    )
    return _fresh(request, pairing_id)


@router.post("/community/pairings/{int:pairing_id}/complete", response={200: PairingOut, **ERRORS})
def pairing_complete(request: AuthenticatedRequest, pairing_id: int):
    """Mark an active pairing completed (either side or a coordinator)."""
    services.pairing_complete(actor=request.user, pairing=_pairing(request, pairing_id))
    return _fresh(request, pairing_id)


@router.post("/community/pairings/{int:pairing_id}/feedback", response={201: FeedbackOut, **ERRORS})
def pairing_feedback(request: AuthenticatedRequest, pairing_id: int, payload: FeedbackIn):
    """Once completed or ended, each of its two people rates the pairing once (1 to 5)."""
    pairing = _pairing(request, pairing_id)
    feedback = services.pairing_feedback(
        actor=request.user, pairing=pairing, rating=payload.rating, comment=payload.comment
    )
    return Status(201, _feedback_out(pairing, feedback))


# --- Coordinators -------------------------------------------------------------------------------


@router.get(f"{BASE}/queue", response={200: QueuePageOut, **ERRORS})
def queue(
    request: AuthenticatedRequest,
    slug: str,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """Newcomers looking for a buddy without a pairing in progress, longest waiting first
    (coordinators; each view is logged)."""
    municipality = municipality_get(slug=slug)
    found = selectors.newcomer_queue(visible_to=request.user, municipality=municipality)
    profiles = list(found[offset : offset + limit])
    selectors.log_access(request.user, profiles, "newcomer_queue")
    items = [
        {
            "id": p.pk,
            "display_name": p.user.display_name,
            "arrival_date": p.arrival_date,
            "district": p.district.name if p.district else None,
            "languages_spoken": p.languages_spoken,
            "languages_wanted": p.languages_wanted,
            "needs": p.needs,
            "waiting_since": p.created_at,
        }
        for p in profiles
    ]
    return {"items": items, "count": found.count()}


@router.get(f"{BASE}/{{int:profile_id}}/matches", response={200: MatchesOut, **ERRORS})
def matches(
    request: AuthenticatedRequest,
    slug: str,
    profile_id: int,
    limit: int = Query(10, ge=1, le=50),
):
    """The best buddies for a newcomer, best first, each with its score (0-100) and reasons
    (coordinators; the view of the newcomer's profile is logged)."""
    municipality = municipality_get(slug=slug)
    require(request.user, COORDINATE, municipality)
    profile = selectors.newcomer_profile_get(
        visible_to=request.user,
        municipality=municipality,
        profile_id=profile_id,
        what="newcomer_matches",
    )
    selectors.require_module(municipality)  # asked again by `newcomer_matches`, kept or not
    # Kept with the ranking (`matching.rank_buddies`), in each language its reasons are read in.
    key = f"community:api-matches:v1:{matching.ranking_key(profile, limit)}:{get_language()}"
    return caching.json_response(
        key,
        lambda: MatchesOut.model_validate(_matches(request, profile, limit)).model_dump(),
        matching.MATCHES_SECONDS,
    )


def _matches(request: AuthenticatedRequest, profile: NewcomerProfile, limit: int) -> dict:
    found = selectors.newcomer_matches(visible_to=request.user, newcomer=profile, limit=limit)
    return {
        "newcomer_id": profile.pk,
        "matches": [
            {
                "buddy_id": m.buddy.pk,
                "display_name": m.buddy.user.display_name,
                "district": m.buddy.district.name if m.buddy.district else None,
                "languages": m.buddy.languages,
                "interests": m.buddy.interests,
                "availability": m.buddy.availability,
                "capacity": m.buddy.capacity,
                "open_pairings": m.open_pairings,
                "score": m.score,
                "common_language": m.common_language,
                "reasons": [r._asdict() for r in m.reasons],
            }
            for m in found
        ],
    }


@router.post(f"{BASE}/pairings", response={201: PairingStaffOut, **ERRORS})
def propose(request: AuthenticatedRequest, slug: str, payload: ProposeIn):
    """Propose a buddy to a newcomer (coordinators). 409 when the newcomer already has a
    pairing in progress or the buddy cannot take them."""
    municipality = municipality_get(slug=slug)
    require(request.user, COORDINATE, municipality)
    newcomer = selectors.newcomer_profile_get(
        visible_to=request.user,
        municipality=municipality,
        profile_id=payload.newcomer_id,
        what="newcomer_propose",
    )
    buddy = selectors.buddy_profile_get(municipality=municipality, buddy_id=payload.buddy_id)
    pairing = services.pairing_propose(
        actor=request.user, newcomer=newcomer, buddy=buddy, note=payload.note
    )
    pairing = selectors.pairing_get(
        visible_to=request.user, pairing_id=pairing.pk, municipality=municipality
    )
    return Status(201, _pairing_staff_out(pairing))


@router.get(f"{BASE}/pairings", response={200: PairingStaffPageOut, **ERRORS})
def pairings(
    request: AuthenticatedRequest,
    slug: str,
    state: Pairing.State | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The municipality's pairings, newest first, optionally in one `state` (coordinators;
    paginated: `limit`, `offset`)."""
    municipality = municipality_get(slug=slug)
    found = selectors.pairing_list(visible_to=request.user, municipality=municipality, state=state)
    page = list(found[offset : offset + limit])
    selectors.log_access(request.user, [p.newcomer for p in page], "pairing_list")
    return {"items": [_pairing_staff_out(p) for p in page], "count": found.count()}
