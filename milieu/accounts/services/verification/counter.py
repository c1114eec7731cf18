"""At the counter: in-person verification and assisted accounts."""

import uuid

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from ...models import Membership, User, Verification
from ...verification import COUNTER
from ..identity import citizen_id_issue
from ._common import DECIDE, LANGUAGE_CODES, _fields_error, logger
from .document import _close_pending

# --- At the counter -----------------------------------------------------------------------------

ASSISTED_EMAIL_DOMAIN = "assisted.invalid"  # RFC 2606: never delivered anywhere


def is_placeholder_email(email: str) -> bool:
    """True for the address an assisted account without email carries (it cannot log in)."""
    return (email or "").lower().endswith("@" + ASSISTED_EMAIL_DOMAIN)


def _clean_note(note: str, errors: dict[str, list[str]]) -> str:
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = [_("Use at most 500 characters.")]
    return note


def _counter_verify(
    *, actor: User, municipality: Municipality, user: User, **extra
) -> Verification:
    for pending in Verification.objects.select_for_update().filter(
        user=user, municipality=municipality, status=Verification.Status.PENDING
    ):
        _close_pending(
            pending, decided_by=actor, note=_("Replaced by a verification at the counter.")
        )
    verification = Verification.objects.create(
        user=user, municipality=municipality, method=COUNTER, **extra
    )
    citizen_id_issue(verification=verification, decided_by=actor)
    verification.refresh_from_db()
    return verification


@transaction.atomic
def verification_at_counter(
    *, actor: User, municipality: Municipality, user: User, note: str = ""
) -> Verification:
    """Staff verify a resident in person (a verification in progress is replaced)."""
    require(actor, DECIDE, municipality, _("You are not allowed to verify residents here."))
    if user.pk == actor.pk:
        raise PermissionDenied(_("Ask a colleague: you cannot verify your own residency."))
    if not user.is_active:
        raise ApplicationError(_("This account is deactivated."), code="inactive")
    errors: dict[str, list[str]] = {}
    note = _clean_note(note, errors)
    if errors:
        raise _fields_error(errors)
    verification = _counter_verify(actor=actor, municipality=municipality, user=user, note=note)
    logger.info(
        "verification_decided",
        extra={"actor": actor.pk, "verification": verification.pk, "method": COUNTER},
    )
    return verification


def _clean_email(email: str, errors: dict[str, list[str]], *, exclude: User | None = None) -> str:
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
        return email
    if is_placeholder_email(email):
        errors["email"] = [_("Enter the resident's own email address.")]
        return email
    taken = User.objects.filter(email__iexact=email)
    taken_addresses = EmailAddress.objects.filter(email__iexact=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
        taken_addresses = taken_addresses.exclude(user=exclude)
    if taken.exists() or taken_addresses.exists():
        errors["email"] = [
            _("An account already uses this address: verify that account at the counter instead.")
        ]
    return email


def _placeholder_email() -> str:
    return f"{uuid.uuid4().hex}@{ASSISTED_EMAIL_DOMAIN}"


def _record_email(user: User, email: str) -> None:
    """Replace the account's addresses by `email`, unverified (the owner confirms it)."""
    EmailAddress.objects.filter(user=user).delete()
    if email:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)


@transaction.atomic
def assisted_account_create(
    *,
    actor: User,
    municipality: Municipality,
    display_name: str,
    consent: bool,
    email: str = "",
    preferred_language: str = "",
    note: str = "",
) -> User:
    """Create an account for a resident without a computer, verified at the counter at once.

    The resident's consent is required and recorded (`Verification.consent_recorded_at`).
    Without an email address the account gets an undeliverable placeholder address and no
    password: it cannot log in. Staff of the municipality manage it (display name, email) from
    the counter page until its owner takes it over: once an email is added, the resident
    chooses a password with "Forgot your password?", and from their first login only they can
    change the account.
    """
    require(actor, DECIDE, municipality, _("You are not allowed to verify residents here."))
    errors: dict[str, list[str]] = {}
    display_name = " ".join((display_name or "").split())
    if not display_name:
        errors["display_name"] = [_("This field is required.")]
    elif len(display_name) > 80:
        errors["display_name"] = [_("Use at most 80 characters.")]
    if consent is not True:
        errors["consent"] = [
            _("The resident must agree to the creation of the account before it is created.")
        ]
    clean_email = _clean_email(email, errors)
    language = preferred_language or (municipality.languages or [settings.LANGUAGE_CODE])[0]
    if language not in LANGUAGE_CODES:
        errors["preferred_language"] = [_("Choose French, English or Spanish.")]
    note = _clean_note(note, errors)
    if errors:
        raise _fields_error(errors)
    user = User(
        email=clean_email or _placeholder_email(),
        display_name=display_name,
        preferred_language=language,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise _fields_error(
            {"email": [_("An account already uses this address: verify that account instead.")]}
        ) from None
    _record_email(user, clean_email)
    Membership.objects.update_or_create(
        user=user, municipality=municipality, defaults={"is_home": True}
    )
    _counter_verify(
        actor=actor,
        municipality=municipality,
        user=user,
        note=note,
        consent_recorded_at=timezone.now(),
    )
    logger.info(
        "assisted_account_created",
        extra={"actor": actor.pk, "user": user.pk, "municipality": municipality.pk},
    )
    return user


@transaction.atomic
def assisted_account_update(
    *,
    actor: User,
    municipality: Municipality,
    user: User,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Staff change the display name or email of an assisted account the municipality manages.

    `email=""` removes the address (the account can no longer log in). Refused once the owner
    has taken the account over (a password chosen or a login), so that nobody else can take it.
    """
    from ...selectors.verification import assisted_account_get

    require(actor, DECIDE, municipality, _("You are not allowed to verify residents here."))
    try:
        candidate = assisted_account_get(
            visible_to=actor, municipality=municipality, user_id=user.pk
        )
    except NotFound:
        if User.objects.filter(
            pk=user.pk,
            verifications__municipality=municipality,
            verifications__consent_recorded_at__isnull=False,
        ).exists():
            raise PermissionDenied(
                _("The resident now manages this account; only they can change it.")
            ) from None
        raise
    candidate = User.objects.select_for_update().get(pk=candidate.pk)
    errors: dict[str, list[str]] = {}
    if display_name is not None:
        display_name = " ".join(display_name.split())
        if not display_name:
            errors["display_name"] = [_("This field is required.")]
        elif len(display_name) > 80:
            errors["display_name"] = [_("Use at most 80 characters.")]
    clean_email = _clean_email(email, errors, exclude=candidate) if email is not None else None
    if errors:
        raise _fields_error(errors)
    if display_name is not None:
        candidate.display_name = display_name
    if clean_email and clean_email != candidate.email:
        candidate.email = clean_email
        _record_email(candidate, clean_email)
    elif clean_email == "" and not is_placeholder_email(candidate.email):
        candidate.email = _placeholder_email()
        _record_email(candidate, "")
    try:
        with transaction.atomic():
            candidate.save(update_fields=["display_name", "email"])
    except IntegrityError:
        raise _fields_error({"email": [_("An account already uses this address.")]}) from None
    logger.info("assisted_account_updated", extra={"actor": actor.pk, "user": candidate.pk})
    return candidate
