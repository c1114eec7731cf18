"""Registry match and letter code: claim an address, print letters, enter the code."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milieu.core.errors import ApplicationError, Conflict
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from ...models import User, Verification
from ...selectors.verification import (
    POSTAL_CODE_RE,
    civic_address_match,
    normalise_civic_number,
    normalise_postal_code,
    street_key,
)
from ...verification import REGISTRY_LETTER
from ..identity import citizen_id_issue
from ._common import DECIDE, START, _fields_error, _pending_conflict, logger

# --- Registry match and letter code -------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I: 32 symbols, 40 bits
CODE_LENGTH = 8
MAX_CODE_ATTEMPTS = 5
LETTERS_PER_BATCH = 500
_CODE_SALT = "milieu.accounts.letter_code"


def normalise_code(value: str) -> str:
    """What the citizen typed, as the code is stored: `abcd-efgh` → `ABCDEFGH`."""
    return "".join(char for char in (value or "").upper() if char.isalnum())


def format_code(code: str) -> str:
    """The printed form, in two groups of four: `ABCD-EFGH`."""
    return f"{code[:4]}-{code[4:]}"


def _code_hash(verification_id: int, code: str, secret: str | None = None) -> str:
    digest = salted_hmac(
        _CODE_SALT, f"{verification_id}:{code}", secret=secret, algorithm="sha256"
    ).hexdigest()
    return f"hmac-sha256${digest}"


def _code_matches(verification: Verification, code: str) -> bool:
    """Compare in constant time, against the current secret key and its fallbacks."""
    if not verification.letter_code_hash:
        return False
    secrets_to_try = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(_code_hash(verification.pk, code, key), verification.letter_code_hash)
        for key in secrets_to_try
    )


@transaction.atomic
def verification_claim_address(
    *,
    actor: User,
    municipality: Municipality,
    civic_number: str,
    street: str,
    postal_code: str,
) -> Verification:
    """The citizen gives their address; if the registry has it, a letter will be mailed there.

    The verification waits (pending, no code yet) until staff print the next batch of letters.
    """
    require(actor, START, municipality, _("Log in to verify your residency."))
    errors: dict[str, list[str]] = {}
    civic = normalise_civic_number(civic_number)
    if not civic:
        errors["civic_number"] = [_("This field is required.")]
    if not street_key(street):
        errors["street"] = [_("This field is required.")]
    postal = normalise_postal_code(postal_code)
    if not POSTAL_CODE_RE.match(postal):
        errors["postal_code"] = [_("Enter a postal code such as H0H 0H0.")]
    if errors:
        raise _fields_error(errors)
    address = civic_address_match(
        municipality=municipality, civic_number=civic, street=street, postal_code=postal
    )
    if address is None:
        raise ApplicationError(
            _(
                "This address is not in the civic registry of %(municipality)s. Check the civic "
                "number, the street and the postal code, or send a proof of address instead."
            )
            % {"municipality": municipality.name},
            code="unknown_address",
        )
    verification = Verification(
        user=actor, municipality=municipality, method=REGISTRY_LETTER, address=address
    )
    try:
        with transaction.atomic():
            verification.save()
    except IntegrityError:
        raise _pending_conflict() from None
    logger.info(
        "verification_started",
        extra={"verification": verification.pk, "method": REGISTRY_LETTER},
    )
    return verification


@dataclass(frozen=True)
class Letter:
    """One letter of a printed batch. `code` is the clear code: print it, never store it."""

    verification: Verification
    code: str

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def postal_code(self) -> str:
        """As written on an envelope: `H0H 0H0`."""
        code = self.verification.address.postal_code if self.verification.address else ""
        return f"{code[:3]} {code[3:]}".strip()


@transaction.atomic
def letters_print_batch(
    *,
    actor: User,
    municipality: Municipality,
    verification_ids: Iterable[int] | None = None,
) -> list[Letter]:
    """Draw the codes of the letters to mail, mark them printed, and return them for printing.

    Without `verification_ids`: the pending letters not printed yet (at most 500 per batch).
    With them: those pending letters again (lost in the mail, printer jam): each gets a new
    code, and the code of the previous print stops working.
    """
    require(
        actor, DECIDE, municipality, _("You are not allowed to print this municipality's letters.")
    )
    qs = Verification.objects.filter(
        municipality=municipality,
        method=REGISTRY_LETTER,
        status=Verification.Status.PENDING,
        address__isnull=False,
    )
    if verification_ids is None:
        qs = qs.filter(letter_printed_at__isnull=True)
    else:
        qs = qs.filter(pk__in=list(verification_ids))
    ids = list(qs.select_for_update().order_by("pk").values_list("pk", flat=True))
    verifications = list(
        Verification.objects.filter(pk__in=ids[:LETTERS_PER_BATCH])
        .select_related("user", "address", "municipality")
        .order_by("address__postal_code", "address__street_key", "address__civic_number", "pk")
    )
    now = timezone.now()
    letters = []
    for verification in verifications:
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        verification.letter_code_hash = _code_hash(verification.pk, code)
        verification.letter_printed_at = now
        verification.failed_attempts = 0
        letters.append(Letter(verification=verification, code=code))
    Verification.objects.bulk_update(
        verifications, ["letter_code_hash", "letter_printed_at", "failed_attempts"]
    )
    logger.info(
        "letters_printed",
        extra={"actor": actor.pk, "municipality": municipality.pk, "count": len(letters)},
    )
    return letters


def _refuse_an_earlier_code(
    actor: User, municipality: Municipality, code: str, *, exclude: Verification | None
) -> None:
    """A code of an earlier letter is refused as such, and does not count as a wrong attempt."""
    earlier = Verification.objects.filter(
        user=actor, municipality=municipality, method=REGISTRY_LETTER
    ).exclude(letter_code_hash="")
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude.pk)
    for verification in earlier.order_by("-created_at")[:20]:
        if not _code_matches(verification, code):
            continue
        if verification.status in {Verification.Status.APPROVED, Verification.Status.REVOKED}:
            raise Conflict(
                _("This code has already been used: a letter code works only once."),
                code="code_used",
            )
        raise ApplicationError(
            _("This code is no longer valid. Give your address again to receive a new letter."),
            code="code_expired",
        )


@transaction.atomic
def _check_code(
    *, actor: User, municipality: Municipality, code: str
) -> tuple[Verification | None, ApplicationError | None]:
    """Everything but raising the wrong-code error, so that the failed attempt is committed."""
    require(actor, START, municipality, _("Log in to verify your residency."))
    clean = normalise_code(code)
    if len(clean) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in clean):
        raise _fields_error(
            {"code": [_("The code has 8 letters and digits, as printed on your letter.")]}
        )
    pending = (
        Verification.objects.select_for_update()
        .filter(
            user=actor,
            municipality=municipality,
            method=REGISTRY_LETTER,
            status=Verification.Status.PENDING,
        )
        .first()
    )
    _refuse_an_earlier_code(actor, municipality, clean, exclude=pending)
    if pending is None:
        raise ApplicationError(
            _("No letter is waiting for a code here. Give your address first."),
            code="no_letter",
        )
    if pending.letter_printed_at is None or not pending.letter_code_hash:
        raise ApplicationError(
            _("Your letter has not been mailed yet. Enter the code once it has arrived."),
            code="letter_not_sent",
        )
    if not _code_matches(pending, clean):
        pending.failed_attempts += 1
        left = MAX_CODE_ATTEMPTS - pending.failed_attempts
        fields = ["failed_attempts"]
        if left <= 0:
            pending.status = Verification.Status.REFUSED
            pending.decided_at = timezone.now()
            pending.note = _("Too many wrong codes.")
            fields += ["status", "decided_at", "note"]
            error = ApplicationError(
                _(
                    "Too many wrong codes: this letter is cancelled. Give your address again to "
                    "receive a new letter."
                ),
                code="too_many_attempts",
            )
        else:
            error = ApplicationError(
                ngettext(
                    "This is not the code of your letter. %(count)d attempt left.",
                    "This is not the code of your letter. %(count)d attempts left.",
                    left,
                )
                % {"count": left},
                code="wrong_code",
            )
        pending.save(update_fields=fields)
        logger.info(
            "letter_code_wrong",
            extra={"verification": pending.pk, "attempts": pending.failed_attempts},
        )
        return None, error
    citizen_id_issue(verification=pending, decided_by=None)
    pending.refresh_from_db()
    return pending, None


def verification_enter_code(*, actor: User, municipality: Municipality, code: str) -> Verification:
    """The citizen types the code of their letter; the right code makes them a resident.

    A wrong code counts as a failed attempt (committed even though an error is raised: do not
    call this inside a transaction you roll back); the fifth one cancels the letter. A code
    works once. Returns the approved verification.
    """
    verification, error = _check_code(actor=actor, municipality=municipality, code=code)
    if error is not None:
        raise error
    assert verification is not None
    return verification
