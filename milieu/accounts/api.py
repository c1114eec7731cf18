import hashlib

from django.db import transaction
from django.http import HttpResponse
from ninja import Router, Status
from ninja.security import django_auth

from milieu.core import caching
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors, services
from .access import access_facts
from .permissions import has_mfa
from .schemas import MeOut, MePatch, RoleIn, RoleOut

router = Router(tags=["accounts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


ME_CACHE_SECONDS = 300


def _me(user) -> HttpResponse:
    """What GET /api/v1/me says, kept in the cache for the current state of the person's access
    facts (their memberships and roles: any change makes a new version) and account fields.
    Built in `MeOut`'s shape from compiled queries (`selectors.my_memberships`, `my_roles`)."""
    fields = (user.email, user.display_name, user.preferred_language, user.profile_visibility)
    digest = hashlib.sha256(repr(fields).encode()).hexdigest()[:16]
    key = f"accounts:me:v1:{user.pk}:{access_facts(user).version}:{digest}"
    return caching.json_response(key, lambda: _me_from_database(user), ME_CACHE_SECONDS)


def _me_from_database(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "profile_visibility": user.profile_visibility,
        "mfa_enabled": has_mfa(user),
        "memberships": selectors.my_memberships(user=user),
        "roles": selectors.my_roles(user=user),
    }


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=django_auth)
def get_me(request: AuthenticatedRequest):
    """The logged-in person's own account."""
    return _me(request.user)


@router.patch("/me", response={200: MeOut, **ERRORS}, auth=django_auth)
def update_me(request: AuthenticatedRequest, payload: MePatch):
    data = payload.dict(exclude_unset=True)
    home_slug = data.pop("home_municipality", None)
    district_id = data.pop("home_district", None)
    with transaction.atomic():  # all or nothing: a bad district leaves the profile unchanged
        user = services.profile_update(actor=request.user, **data)
        if home_slug is not None:
            municipality = territory_selectors.municipality_get(slug=home_slug)
            district = None
            if district_id is not None:
                district = territory_selectors.district_get(
                    municipality=municipality, district_id=district_id
                )
            services.home_set(actor=user, municipality=municipality, district=district)
    return _me(user)


@router.get(
    "/municipalities/{slug}/roles", response={200: list[RoleOut], **ERRORS}, auth=django_auth
)
def list_roles(request: AuthenticatedRequest, slug: str):
    municipality = territory_selectors.municipality_get(slug=slug)
    return list(selectors.role_list(visible_to=request.user, municipality=municipality))


@router.post("/municipalities/{slug}/roles", response={201: RoleOut, **ERRORS}, auth=django_auth)
def grant_role(request: AuthenticatedRequest, slug: str, payload: RoleIn):
    municipality = territory_selectors.municipality_get(slug=slug)
    assignment = services.role_grant(
        actor=request.user, municipality=municipality, email=payload.email, role=payload.role
    )
    return Status(201, assignment)


@router.delete(
    "/municipalities/{slug}/roles/{assignment_id}",
    response={204: None, **ERRORS},
    auth=django_auth,
)
def revoke_role(request: AuthenticatedRequest, slug: str, assignment_id: int):
    municipality = territory_selectors.municipality_get(slug=slug)
    assignment = selectors.role_get(
        visible_to=request.user, municipality=municipality, assignment_id=assignment_id
    )
    services.role_revoke(actor=request.user, municipality=municipality, assignment=assignment)
    return Status(204, None)
