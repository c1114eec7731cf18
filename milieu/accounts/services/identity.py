"""Citizen ids (issued on verification, confirmed yearly), revocation, background checks and the
consent to share a home verification with a visited municipality."""

import logging
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from milieu.accounts.access import access_forget
from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from ..models import (
    BackgroundCheck,
    CitizenId,
    Membership,
    ResidencyShareConsent,
    User,
    Verification,
)

logger = logging.getLogger("milieu.audit")
VALIDITY = timedelta(days=365)
REMINDER_DAYS = (30, 7, 1)  # days before expiry
CONFIRM_WINDOW = timedelta(days=30)  # confirmation opens this long before expiry


def check_digit(text: str) -> str:
    """Luhn check digit over the characters of `text` read in base 36 (A=10 … Z=35)."""
    digits = "".join(str(int(char, 36)) for char in text if char.isalnum())
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def citizen_id_number(code: str, year: int, serial: int) -> str:
    body = f"{code}-{year}-{serial:06d}"
    return f"{body}-{check_digit(body)}"


def citizen_id_number_is_valid(number: str) -> bool:
    body, _sep, digit = number.strip().upper().rpartition("-")
    return bool(body) and digit.isdigit() and check_digit(body) == digit


@transaction.atomic
def citizen_id_issue(*, verification: Verification, decided_by: User | None) -> CitizenId:
    """Approve a pending verification and issue (or renew) the citizen's id for one year.

    Called by the verification methods once they have established residency; the method has
    already checked the actor's permission. Serials are per municipality and year, allocated under
    a lock on the municipality row (and protected by a unique constraint).
    """
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    if verification.status != Verification.Status.PENDING:
        raise ApplicationError(_("This verification has already been decided."), code="decided")
    municipality = Municipality.objects.select_for_update().get(pk=verification.municipality_id)
    now = timezone.now()
    verification.status = Verification.Status.APPROVED
    verification.decided_by = decided_by
    verification.decided_at = now
    verification.save(update_fields=["status", "decided_by", "decided_at"])

    citizen_id = (
        CitizenId.objects.select_for_update()
        .filter(user=verification.user, municipality=municipality, revoked_at__isnull=True)
        .first()
    )
    if citizen_id is not None:  # re-verified: the same id, valid one more year
        citizen_id.verification = verification
        citizen_id.confirmed_at = now
        citizen_id.expires_at = now + VALIDITY
        citizen_id.reminded_days = []
        citizen_id.save()
    else:
        year = now.year
        last = CitizenId.objects.filter(municipality=municipality, year=year).aggregate(
            last=Max("serial")
        )["last"]
        serial = (last or 0) + 1
        citizen_id = CitizenId.objects.create(
            user=verification.user,
            municipality=municipality,
            verification=verification,
            number=citizen_id_number(municipality.id_code, year, serial),
            year=year,
            serial=serial,
            issued_at=now,
            confirmed_at=now,
            expires_at=now + VALIDITY,
        )
    has_home = Membership.objects.filter(user=verification.user, is_home=True).exists()
    Membership.objects.update_or_create(
        user=verification.user,
        municipality=municipality,
        defaults={"is_home": True} if not has_home else {},
    )
    logger.info(
        "citizen_id_issued",
        extra={
            "citizen_id": citizen_id.pk,
            "verification": verification.pk,
            "method": verification.method,
            "decided_by": decided_by.pk if decided_by else None,
        },
    )
    return citizen_id


def _own_citizen_id(actor: User, citizen_id: CitizenId) -> CitizenId:
    locked = CitizenId.objects.select_for_update().filter(pk=citizen_id.pk, user=actor).first()
    if locked is None or locked.revoked_at is not None:
        raise NotFound(_("This citizen id does not exist."))
    return locked


@transaction.atomic
def citizen_id_confirm(*, actor: User, citizen_id: CitizenId) -> CitizenId:
    """ "Nothing has changed": the citizen renews their id for one year, in two clicks.

    Open from 30 days before expiry, and after expiry (which restores the trust level)."""
    citizen_id = _own_citizen_id(actor, citizen_id)
    now = timezone.now()
    if citizen_id.expires_at - now > CONFIRM_WINDOW:
        raise ApplicationError(
            _("You can confirm your citizen id up to 30 days before it expires."),
            code="too_early",
        )
    citizen_id.confirmed_at = now
    citizen_id.expires_at = now + VALIDITY
    citizen_id.reminded_days = []
    citizen_id.save(update_fields=["confirmed_at", "expires_at", "reminded_days"])
    logger.info("citizen_id_confirmed", extra={"citizen_id": citizen_id.pk})
    return citizen_id


@transaction.atomic
def citizen_id_surrender(*, actor: User, citizen_id: CitizenId) -> CitizenId:
    """ "I moved": the citizen gives up the id of the municipality they left."""
    citizen_id = _own_citizen_id(actor, citizen_id)
    citizen_id.revoked_at = timezone.now()
    citizen_id.revoked_by = actor
    citizen_id.save(update_fields=["revoked_at", "revoked_by"])
    return citizen_id


@transaction.atomic
def verification_revoke(*, actor: User, verification: Verification, reason: str) -> Verification:
    """Staff withdraw an approved verification; the citizen id it issued is revoked with it."""
    municipality = verification.municipality
    require(
        actor,
        "accounts.revoke_verification",
        municipality,
        _("You are not allowed to revoke this municipality's verifications."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the verification is revoked."),
            code="validation",
            extra={"fields": {"reason": [_("This field is required.")]}},
        )
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    if verification.status != Verification.Status.APPROVED:
        raise ApplicationError(_("Only an approved verification can be revoked."), code="state")
    now = timezone.now()
    verification.status = Verification.Status.REVOKED
    verification.revoked_by = actor
    verification.revoked_at = now
    verification.note = reason[:500]
    verification.save(update_fields=["status", "revoked_by", "revoked_at", "note"])
    CitizenId.objects.filter(verification=verification, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    access_forget(verification.user_id)
    logger.info("verification_revoked", extra={"actor": actor.pk, "verification": verification.pk})
    return verification


def _send_reminder(citizen_id: CitizenId, days_left: int) -> None:
    """Through the notification service: the person's channels for the "account" topic."""
    from milieu.notifications.services import notify

    user = citizen_id.user
    with translation.override(user.preferred_language):
        context = {"citizen_id": citizen_id, "days_left": days_left, "user": user}
        subject = render_to_string("accounts/email/citizen_id_reminder_subject.txt", context)
        body = render_to_string("accounts/email/citizen_id_reminder_message.txt", context)
        url = reverse("accounts:identity")
    notify(
        user=user,
        topic="account",
        key=f"citizen_id_reminder:{citizen_id.pk}:{citizen_id.expires_at.date()}:{days_left}",
        title=" ".join(subject.replace("[Milieu]", "").split()),
        body=body.strip(),
        url=url,
        municipality=citizen_id.municipality,
    )


def citizen_id_send_reminders(*, now: datetime | None = None) -> int:
    """Remind citizens 30, 7 and 1 days before their id expires (once per threshold).

    Run daily (`manage.py send_citizen_id_reminders`, or its task). A citizen first reached
    inside a later threshold gets one reminder, not a burst. Returns the number sent.
    """
    from ..selectors.identity import citizen_ids_due_for_reminder

    now = now or timezone.now()
    sent = 0
    for citizen_id in citizen_ids_due_for_reminder(now=now, horizon_days=max(REMINDER_DAYS)):
        left = citizen_id.expires_at - now
        due = [d for d in REMINDER_DAYS if left <= timedelta(days=d)]
        missing = [d for d in due if d not in citizen_id.reminded_days]
        if not missing:
            continue
        with transaction.atomic():
            locked = CitizenId.objects.select_for_update().get(pk=citizen_id.pk)
            if all(d in locked.reminded_days for d in due):
                continue
            locked.reminded_days = sorted(set(locked.reminded_days) | set(due), reverse=True)
            locked.save(update_fields=["reminded_days"])
            _send_reminder(citizen_id, days_left=max(left.days, 0) + (1 if left.seconds else 0))
        sent += 1
    return sent


@transaction.atomic
def background_check_record(
    *,
    actor: User,
    municipality: Municipality,
    user: User,
    kind: str,
    checked_on: date,
    expires_on: date,
) -> BackgroundCheck:
    require(
        actor,
        "accounts.record_background_check",
        municipality,
        _("You are not allowed to record background checks here."),
    )
    errors: dict[str, list[str]] = {}
    if not (kind or "").strip():
        errors["kind"] = [_("This field is required.")]
    if expires_on <= checked_on:
        errors["expires_on"] = [_("The expiry must come after the date of the check.")]
    if checked_on > timezone.localdate():
        errors["checked_on"] = [_("The check cannot be in the future.")]
    if not Membership.objects.filter(user=user, municipality=municipality).exists():
        errors["email"] = [_("This person is not a member of the municipality.")]
    if errors:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": errors}
        )
    check = BackgroundCheck.objects.create(
        user=user,
        municipality=municipality,
        kind=kind.strip()[:100],
        checked_on=checked_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    logger.info("background_check_recorded", extra={"actor": actor.pk, "check": check.pk})
    return check


@transaction.atomic
def background_check_revoke(
    *, actor: User, municipality: Municipality, check: BackgroundCheck
) -> BackgroundCheck:
    require(
        actor,
        "accounts.record_background_check",
        municipality,
        _("You are not allowed to record background checks here."),
    )
    if check.municipality_id != municipality.pk or check.revoked_at is not None:
        raise NotFound(_("This background check does not exist."))
    check.revoked_at = timezone.now()
    check.save(update_fields=["revoked_at"])
    return check


@transaction.atomic
def residency_share_grant(*, actor: User, municipality: Municipality) -> ResidencyShareConsent:
    """Let a visited municipality rely on the verification of the actor's home municipality."""
    membership = Membership.objects.filter(user=actor, municipality=municipality).first()
    if membership is None:
        raise PermissionDenied(_("Join this municipality before sharing your residency with it."))
    if membership.is_home:
        raise ApplicationError(
            _("This is your home municipality: it already knows your residency."), code="home"
        )
    try:
        with transaction.atomic():
            consent = ResidencyShareConsent.objects.create(user=actor, municipality=municipality)
    except IntegrityError:
        consent = ResidencyShareConsent.objects.get(
            user=actor, municipality=municipality, withdrawn_at__isnull=True
        )
    return consent


@transaction.atomic
def residency_share_withdraw(*, actor: User, municipality: Municipality) -> None:
    updated = ResidencyShareConsent.objects.filter(
        user=actor, municipality=municipality, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    access_forget(actor.pk)
    if not updated:
        raise NotFound(_("You do not share your residency with this municipality."))
