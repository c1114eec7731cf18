"""Residency verification over the API: the same selectors and services as the pages."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from milieu.core.errors import NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors, services
from .models import User
from .schemas_identity import (
    AddressClaimIn,
    AssistedAccountIn,
    AssistedAccountOut,
    AssistedAccountPatch,
    CounterIn,
    DecisionIn,
    LetterCodeIn,
    MethodOut,
    RegistryImportOut,
    RevokeIn,
    StaffVerificationOut,
    VerificationOut,
)
from .verification import all_methods

router = Router(tags=["identity"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
BASE = "/municipalities/{slug}/identity"


# --- Citizens -----------------------------------------------------------------------------------


@router.get(f"{BASE}/methods", response={200: list[MethodOut], 404: ErrorOut})
def list_methods(request: MilieuRequest, slug: str):
    """The ways to verify one's residency in this municipality."""
    territory_selectors.municipality_get(slug=slug)
    return [
        {
            "key": m.key,
            "name": str(m.name),
            "description": str(m.description),
            "citizen_starts": m.citizen_starts,
        }
        for m in all_methods()
    ]


@router.get(f"{BASE}/verification", response={200: VerificationOut, **ERRORS}, auth=django_auth)
def my_verification(request: AuthenticatedRequest, slug: str):
    """My latest verification in this municipality (404 if I never asked)."""
    municipality = territory_selectors.municipality_get(slug=slug)
    verification = selectors.verification_current(user=request.user, municipality=municipality)
    if verification is None:
        raise NotFound(_("You have not asked to be verified here."))
    return verification


@router.delete(f"{BASE}/verification", response={200: VerificationOut, **ERRORS}, auth=django_auth)
def withdraw_verification(request: AuthenticatedRequest, slug: str):
    """Withdraw my pending verification (a letter's code stops working, a document is deleted)."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return services.verification_withdraw(actor=request.user, municipality=municipality)


@router.post(f"{BASE}/address-claims", response={201: VerificationOut, **ERRORS}, auth=django_auth)
def claim_address(request: AuthenticatedRequest, slug: str, payload: AddressClaimIn):
    """Claim an address of the civic registry: a letter with a one-time code will be mailed."""
    municipality = territory_selectors.municipality_get(slug=slug)
    verification = services.verification_claim_address(
        actor=request.user, municipality=municipality, **payload.dict()
    )
    return Status(201, verification)


@router.post(f"{BASE}/letter-code", response={200: VerificationOut, **ERRORS}, auth=django_auth)
def enter_code(request: AuthenticatedRequest, slug: str, payload: LetterCodeIn):
    """Enter the code of the letter. A wrong code counts; the fifth cancels the letter."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return services.verification_enter_code(
        actor=request.user, municipality=municipality, code=payload.code
    )


@router.post(f"{BASE}/documents", response={201: VerificationOut, **ERRORS}, auth=django_auth)
def submit_document(request: AuthenticatedRequest, slug: str, file: File[UploadedFile]):
    """Send a proof of address (multipart; PDF, JPEG or PNG by content; 5 MB at most)."""
    municipality = territory_selectors.municipality_get(slug=slug)
    verification = services.verification_submit_document(
        actor=request.user, municipality=municipality, file=file
    )
    return Status(201, verification)


# --- Staff --------------------------------------------------------------------------------------


@router.post(f"{BASE}/registry", response={200: RegistryImportOut, **ERRORS}, auth=django_auth)
def import_registry(
    request: AuthenticatedRequest,
    slug: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
):
    """Import the civic-address registry (CSV, multipart). `dry_run` checks without importing;
    a real import of a file with wrong lines is refused (400) and lists them in `fields.file`."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return services.civic_registry_import(
        actor=request.user, municipality=municipality, file=file, dry_run=dry_run
    )


@router.get(
    f"{BASE}/verifications",
    response={200: list[StaffVerificationOut], **ERRORS},
    auth=django_auth,
)
@paginate
def list_verifications(
    request: AuthenticatedRequest,
    slug: str,
    method: str | None = None,
    status: str | None = None,
):
    """The municipality's verifications, newest first (`status=pending&method=document`: the
    proofs of address to review)."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return selectors.verification_list(
        visible_to=request.user, municipality=municipality, method=method, status=status
    )


@router.post(
    f"{BASE}/verifications/{{verification_id}}/decision",
    response={200: StaffVerificationOut, **ERRORS},
    auth=django_auth,
)
def decide_document(
    request: AuthenticatedRequest, slug: str, verification_id: int, payload: DecisionIn
):
    """Approve or refuse (with a reason) a proof of address; the file is deleted either way."""
    municipality = territory_selectors.municipality_get(slug=slug)
    verification = selectors.verification_get(
        visible_to=request.user, municipality=municipality, verification_id=verification_id
    )
    return services.verification_decide_document(
        actor=request.user,
        verification=verification,
        approve=payload.approve,
        reason=payload.reason,
    )


@router.post(
    f"{BASE}/verifications/{{verification_id}}/revocation",
    response={200: StaffVerificationOut, **ERRORS},
    auth=django_auth,
)
def revoke_verification(
    request: AuthenticatedRequest, slug: str, verification_id: int, payload: RevokeIn
):
    """Revoke an approved verification; the citizen id it issued is revoked with it."""
    municipality = territory_selectors.municipality_get(slug=slug)
    verification = selectors.verification_get(
        visible_to=request.user, municipality=municipality, verification_id=verification_id
    )
    return services.verification_revoke(
        actor=request.user, verification=verification, reason=payload.reason
    )


@router.post(f"{BASE}/counter", response={201: StaffVerificationOut, **ERRORS}, auth=django_auth)
def verify_at_counter(request: AuthenticatedRequest, slug: str, payload: CounterIn):
    """Verify in person the resident who owns the account with this email."""
    municipality = territory_selectors.municipality_get(slug=slug)
    user = selectors.user_for_counter(
        visible_to=request.user, municipality=municipality, email=payload.email
    )
    verification = services.verification_at_counter(
        actor=request.user, municipality=municipality, user=user, note=payload.note
    )
    return Status(201, verification)


@router.get(
    f"{BASE}/assisted-accounts",
    response={200: list[AssistedAccountOut], **ERRORS},
    auth=django_auth,
)
@paginate
def list_assisted_accounts(request: AuthenticatedRequest, slug: str):
    """Accounts the municipality created for residents and still manages."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return selectors.assisted_account_list(visible_to=request.user, municipality=municipality)


@router.post(
    f"{BASE}/assisted-accounts", response={201: AssistedAccountOut, **ERRORS}, auth=django_auth
)
def create_assisted_account(request: AuthenticatedRequest, slug: str, payload: AssistedAccountIn):
    """Create an account for a resident without a computer (consent required), verified at once."""
    municipality = territory_selectors.municipality_get(slug=slug)
    user = services.assisted_account_create(
        actor=request.user, municipality=municipality, **payload.dict()
    )
    return Status(201, user)


@router.patch(
    f"{BASE}/assisted-accounts/{{user_id}}",
    response={200: AssistedAccountOut, **ERRORS},
    auth=django_auth,
)
def update_assisted_account(
    request: AuthenticatedRequest, slug: str, user_id: int, payload: AssistedAccountPatch
):
    """Change the name or email of an assisted account, until its owner takes it over."""
    municipality = territory_selectors.municipality_get(slug=slug)
    try:
        user = selectors.assisted_account_get(
            visible_to=request.user, municipality=municipality, user_id=user_id
        )
    except NotFound:
        # The service says whether the owner took the account over or it was never assisted.
        other = User.objects.filter(pk=user_id).first()
        if other is None:
            raise Http404 from None
        user = other
    return services.assisted_account_update(
        actor=request.user, municipality=municipality, user=user, **payload.dict(exclude_unset=True)
    )


@router.get(
    f"{BASE}/decisions", response={200: list[StaffVerificationOut], **ERRORS}, auth=django_auth
)
@paginate
def list_decisions(
    request: AuthenticatedRequest,
    slug: str,
    method: str | None = None,
    status: str | None = None,
):
    """Every decision (who, when, method, outcome, revocation), newest first."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return selectors.decision_log(
        visible_to=request.user, municipality=municipality, method=method, status=status
    )
