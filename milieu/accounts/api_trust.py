"""API of the citizen's own identity (ids, trust, sharing) and of staff background checks."""

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors, services
from .models import BackgroundCheck, TrustLevel, User
from .schemas_trust import (
    AuthorizationOut,
    BackgroundCheckIn,
    BackgroundCheckOut,
    CitizenIdOut,
    IdentityOut,
)

router = Router(tags=["identity"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/me/identity", response={200: IdentityOut, 401: ErrorOut}, auth=django_auth)
def my_identity(request: AuthenticatedRequest):
    """My citizen ids, and my trust level in each of my municipalities."""
    user = request.user
    shared = {c.municipality_id for c in selectors.residency_consent_list(user=user)}
    memberships = list(selectors.membership_list(user=user))
    levels = selectors.trust_levels(user=user, municipalities=[m.municipality for m in memberships])
    trust = [
        {
            "municipality": m.municipality.slug,
            "is_home": m.is_home,
            "trust_level": TrustLevel(levels[m.municipality_id]).name.lower(),
            "residency_shared": m.municipality_id in shared,
        }
        for m in memberships
    ]
    return {"citizen_ids": list(selectors.citizen_id_list(user=user)), "trust": trust}


@router.post(
    "/me/citizen-ids/{citizen_id}/confirm", response={200: CitizenIdOut, **ERRORS}, auth=django_auth
)
def confirm_citizen_id(request: AuthenticatedRequest, citizen_id: int):
    """Nothing has changed: renew my citizen id for one year (from 30 days before expiry)."""
    return services.citizen_id_confirm(
        actor=request.user,
        citizen_id=selectors.citizen_id_get(user=request.user, citizen_id_pk=citizen_id),
    )


@router.post(
    "/me/citizen-ids/{citizen_id}/surrender",
    response={200: CitizenIdOut, **ERRORS},
    auth=django_auth,
)
def surrender_citizen_id(request: AuthenticatedRequest, citizen_id: int):
    """I have moved: withdraw this citizen id."""
    return services.citizen_id_surrender(
        actor=request.user,
        citizen_id=selectors.citizen_id_get(user=request.user, citizen_id_pk=citizen_id),
    )


@router.put("/me/residency-sharing/{slug}", response={204: None, **ERRORS}, auth=django_auth)
def share_residency(request: AuthenticatedRequest, slug: str):
    """Let this visited municipality rely on my home municipality's verification."""
    services.residency_share_grant(
        actor=request.user, municipality=territory_selectors.municipality_get(slug=slug)
    )
    return Status(204, None)


@router.delete("/me/residency-sharing/{slug}", response={204: None, **ERRORS}, auth=django_auth)
def stop_sharing_residency(request: AuthenticatedRequest, slug: str):
    services.residency_share_withdraw(
        actor=request.user, municipality=territory_selectors.municipality_get(slug=slug)
    )
    return Status(204, None)


@router.get(
    "/me/authorizations", response={200: list[AuthorizationOut], 401: ErrorOut}, auth=django_auth
)
def list_authorizations(request: AuthenticatedRequest):
    """The services that signed in with Milieu and what each receives about me."""
    return selectors.oidc_authorizations(user=request.user)


@router.delete(
    "/me/authorizations/{application_id}", response={204: None, **ERRORS}, auth=django_auth
)
def revoke_authorization(request: AuthenticatedRequest, application_id: int):
    """Withdraw a service's access: its tokens stop working at once."""
    services.oidc_authorization_revoke(actor=request.user, application_id=application_id)
    return Status(204, None)


@router.get(
    "/municipalities/{slug}/background-checks",
    response={200: list[BackgroundCheckOut], **ERRORS},
    auth=django_auth,
)
@paginate
def list_background_checks(request: AuthenticatedRequest, slug: str):
    municipality = territory_selectors.municipality_get(slug=slug)
    require(request.user, "accounts.record_background_check", municipality)
    return selectors.background_check_list(municipality=municipality)


@router.post(
    "/municipalities/{slug}/background-checks",
    response={201: BackgroundCheckOut, **ERRORS},
    auth=django_auth,
)
def record_background_check(request: AuthenticatedRequest, slug: str, payload: BackgroundCheckIn):
    municipality = territory_selectors.municipality_get(slug=slug)
    require(request.user, "accounts.record_background_check", municipality)
    person = User.objects.filter(email__iexact=payload.email.strip()).first()
    if person is None:
        raise ApplicationError(
            _("No account uses this email address."),
            code="validation",
            extra={"fields": {"email": [_("No account with this address.")]}},
        )
    check = services.background_check_record(
        actor=request.user,
        municipality=municipality,
        user=person,
        kind=payload.kind,
        checked_on=payload.checked_on,
        expires_on=payload.expires_on,
    )
    return Status(201, check)


@router.delete(
    "/municipalities/{slug}/background-checks/{check_id}",
    response={204: None, **ERRORS},
    auth=django_auth,
)
def revoke_background_check(request: AuthenticatedRequest, slug: str, check_id: int):
    municipality = territory_selectors.municipality_get(slug=slug)
    require(request.user, "accounts.record_background_check", municipality)
    check = BackgroundCheck.objects.filter(pk=check_id, municipality=municipality).first()
    if check is None:
        raise NotFound(_("This background check does not exist."))
    services.background_check_revoke(actor=request.user, municipality=municipality, check=check)
    return Status(204, None)
