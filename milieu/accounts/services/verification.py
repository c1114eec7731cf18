"""Residency verification: the civic registry, letters with one-time codes, proofs of address,
verification at the counter and assisted accounts.

The evidence is not kept, only the decision:

- A letter's one-time code exists in clear only in the printed batch. It is drawn when staff
  print the batch (not when the citizen claims the address, since nothing clear may wait in the
  database until then) and only its HMAC is stored. Printing a letter again draws a new code, and
  the old one stops working.
- A proof of address is deleted from storage as soon as staff decide (once the decision commits).

Every method ends in `citizen_id_issue`, which approves the verification and issues the id.
"""

import csv
import io
import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.territory.models import District, Municipality

from ..models import CivicAddress, Membership, User, Verification
from ..selectors.verification import (
    POSTAL_CODE_RE,
    civic_address_match,
    normalise_civic_number,
    normalise_postal_code,
    street_key,
)
from ..verification import COUNTER, DOCUMENT, REGISTRY_LETTER
from .identity import citizen_id_issue

logger = logging.getLogger("milieu.audit")

START = "accounts.start_verification"
DECIDE = "accounts.decide_verification"
MANAGE_REGISTRY = "accounts.manage_civic_registry"

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _fields_error(errors: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."), code="validation", extra={"fields": errors}
    )


def _pending_conflict() -> Conflict:
    return Conflict(
        _(
            "You already have a verification in progress here. Finish it, or withdraw it "
            "before starting another one."
        ),
        code="pending",
    )


def _delete_on_commit(storage: Storage, name: str | None) -> None:
    """Delete a stored file once the transaction that recorded the decision has committed."""
    if name:
        transaction.on_commit(partial(storage.delete, name))


# --- The civic registry -------------------------------------------------------------------------

MAX_REGISTRY_BYTES = 20 * 1024 * 1024
IMPORT_BATCH_SIZE = 1000
# Column names accepted in the header, French spellings included.
REGISTRY_COLUMNS = {
    "civic_number": "civic_number",
    "civic_no": "civic_number",
    "number": "civic_number",
    "numero_civique": "civic_number",
    "no_civique": "civic_number",
    "street": "street",
    "rue": "street",
    "voie": "street",
    "postal_code": "postal_code",
    "code_postal": "postal_code",
    "district": "district",
    "quartier": "district",
    "secteur": "district",
}
REQUIRED_COLUMNS = ("civic_number", "street", "postal_code")


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class RegistryImportReport:
    """What an import did, or (dry run, or a file with errors) would do."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_name(value: str) -> str:
    key = street_key(value).replace(" ", "_")
    return REGISTRY_COLUMNS.get(key, key)


def _read_text(file: IO[Any]) -> str:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_REGISTRY_BYTES:
        raise _file_error(_("The file is larger than 20 MB; split it into several files."))
    if hasattr(file, "seek"):
        file.seek(0)
    raw = file.read(MAX_REGISTRY_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_REGISTRY_BYTES:
        raise _file_error(_("The file is larger than 20 MB; split it into several files."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise _file_error(_("This is not a CSV text file. Export the registry as CSV (UTF-8)."))


def _file_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="validation", extra={"fields": {"file": [message]}})


def _cell(record: list[str], index: dict[str, int], name: str) -> str:
    position = index.get(name)
    return record[position].strip() if position is not None and position < len(record) else ""


def _district_lookup(municipality: Municipality) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for district in District.objects.filter(municipality=municipality):
        lookup[street_key(district.name)] = district.pk
        lookup[street_key(district.slug)] = district.pk
    return lookup


def _parse_registry(
    text: str, municipality: Municipality
) -> tuple[list[tuple[str, str, str, str, int | None]], list[RowError], int]:
    """Rows as (civic_number, street, street_key, postal_code, district_id), and row errors."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_header_name(name) for name in next(reader)]
    except StopIteration:
        raise _file_error(_("The file is empty.")) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise _file_error(
            _("The first line must name the columns %(required)s (and optionally %(optional)s).")
            % {"required": "civic_number, street, postal_code", "optional": "district"}
        )
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "district") if name in header}
    districts = _district_lookup(municipality)
    rows: list[tuple[str, str, str, str, int | None]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    count = 0
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        cell = partial(_cell, record, index)
        messages: list[str] = []
        civic = normalise_civic_number(cell("civic_number"))
        if not civic:
            messages.append(_("The civic number is missing."))
        elif len(civic) > 16 or not civic[0].isdigit():
            messages.append(_("The civic number “%(value)s” is not valid.") % {"value": civic})
        street = " ".join(cell("street").split())
        key = street_key(street)
        if not street:
            messages.append(_("The street is missing."))
        elif len(street) > 200 or not key:
            messages.append(_("The street “%(value)s” is not valid.") % {"value": street[:50]})
        postal = normalise_postal_code(cell("postal_code"))
        if not postal:
            messages.append(_("The postal code is missing."))
        elif not POSTAL_CODE_RE.match(postal):
            messages.append(
                _("The postal code “%(value)s” is not a Canadian postal code.")
                % {"value": cell("postal_code")[:20]}
            )
        district_id = None
        district_name = cell("district")
        if district_name:
            district_id = districts.get(street_key(district_name))
            if district_id is None:
                messages.append(
                    _("The district “%(value)s” does not exist in this municipality.")
                    % {"value": district_name[:50]}
                )
        if not messages:
            unique = (postal, civic, key)
            if unique in seen:
                messages.append(_("Same address as line %(line)d.") % {"line": seen[unique]})
            else:
                seen[unique] = line
        if messages:
            errors.append(RowError(line=line, messages=messages))
        else:
            rows.append((civic, street, key, postal, district_id))
    if count == 0:
        raise _file_error(_("The file has no address under its first line."))
    return rows, errors, count


@transaction.atomic
def civic_registry_import(
    *, actor: User, municipality: Municipality, file: IO[Any], dry_run: bool = False
) -> RegistryImportReport:
    """Create or update the municipality's civic addresses from a CSV file.

    Columns (first line): civic_number, street, postal_code, and optionally district (a district
    of this municipality, by name or slug); commas, semicolons or tabs; UTF-8 or Windows-1252.
    Nothing is imported while a single line is wrong: a dry run reports every bad line by its
    number, and a real import of such a file is refused with the same report
    (`error.extra["report"]`). Importing the same file again changes nothing but `imported_at`.
    Addresses missing from the file are kept.
    """
    require(
        actor,
        MANAGE_REGISTRY,
        municipality,
        _("You are not allowed to manage this municipality's civic registry."),
    )
    text = _read_text(file)
    rows, errors, count = _parse_registry(text, municipality)
    existing = set(
        CivicAddress.objects.filter(municipality=municipality).values_list(
            "postal_code", "civic_number", "street_key"
        )
    )
    created = sum(1 for civic, _s, key, postal, _d in rows if (postal, civic, key) not in existing)
    report = RegistryImportReport(
        dry_run=dry_run,
        rows=count,
        created=created,
        updated=len(rows) - created,
        errors=errors,
    )
    if errors and not dry_run:
        lines = [
            _("Line %(line)d: %(problem)s") % {"line": e.line, "problem": " ".join(e.messages)}
            for e in errors
        ]
        raise ApplicationError(
            ngettext(
                "%(count)d line is wrong; nothing was imported.",
                "%(count)d lines are wrong; nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
            code="validation",
            extra={"fields": {"file": lines}, "report": report},
        )
    if dry_run:
        return report
    now = timezone.now()
    CivicAddress.objects.bulk_create(
        (
            CivicAddress(
                municipality_id=municipality.pk,
                civic_number=civic,
                street=street,
                street_key=key,
                postal_code=postal,
                district_id=district_id,
                imported_at=now,
            )
            for civic, street, key, postal, district_id in rows
        ),
        batch_size=IMPORT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["municipality", "postal_code", "civic_number", "street_key"],
        update_fields=["street", "district", "imported_at"],
    )
    report.imported = True
    logger.info(
        "civic_registry_imported",
        extra={
            "actor": actor.pk,
            "municipality": municipality.pk,
            "created": report.created,
            "updated": report.updated,
        },
    )
    return report


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


# --- Proof of address ---------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_KINDS = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def _document_kind(file: IO[bytes]) -> str | None:
    """The kind of a proof of address by its content (never its name), or None."""
    file.seek(0)
    head = file.read(16)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(max(0, size - 4096))
        kind = "pdf" if b"%%EOF" in file.read() else None
    elif head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        from PIL import Image, UnidentifiedImageError

        file.seek(0)
        try:
            with Image.open(file) as image:
                image.verify()
                kind = {"JPEG": "jpg", "PNG": "png"}.get(image.format or "")
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
            kind = None
    file.seek(0)
    return kind


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
    return int(size)


@transaction.atomic
def verification_submit_document(
    *, actor: User, municipality: Municipality, file: IO[bytes]
) -> Verification:
    """The citizen sends a proof of address (PDF, JPEG or PNG, at most 5 MB) for staff to review."""
    require(actor, START, municipality, _("Log in to verify your residency."))
    if file is None or _file_size(file) == 0:
        raise _fields_error({"file": [_("Choose a file.")]})
    if _file_size(file) > MAX_DOCUMENT_BYTES:
        raise _fields_error({"file": [_("The file is larger than 5 MB; send a lighter one.")]})
    kind = _document_kind(file)
    if kind is None:
        raise _fields_error(
            {"file": [_("This file is not a PDF, JPEG or PNG document; send one of those.")]}
        )
    if not isinstance(file, File):
        file = File(file)
    verification = Verification(user=actor, municipality=municipality, method=DOCUMENT)
    try:
        with transaction.atomic():
            verification.save()
    except IntegrityError:
        raise _pending_conflict() from None
    # A random name: the citizen's file name may say who they are.
    verification.document.save(f"{uuid.uuid4().hex}.{kind}", file, save=False)
    try:
        verification.save(update_fields=["document"])
    except Exception:
        verification.document.storage.delete(verification.document.name or "")
        raise
    logger.info("verification_started", extra={"verification": verification.pk, "method": DOCUMENT})
    return verification


@transaction.atomic
def verification_decide_document(
    *, actor: User, verification: Verification, approve: bool, reason: str = ""
) -> Verification:
    """Staff approve (the citizen id is issued) or refuse with a reason; either way the file is
    deleted from storage once the decision is recorded. Only the decision is kept."""
    municipality = verification.municipality
    require(
        actor, DECIDE, municipality, _("You are not allowed to decide this municipality's files.")
    )
    locked = (
        Verification.objects.select_for_update()
        .filter(pk=verification.pk, municipality=municipality, method=DOCUMENT)
        .first()
    )
    if locked is None:
        raise NotFound(_("This verification does not exist."))
    if locked.status != Verification.Status.PENDING:
        raise Conflict(_("This verification has already been decided."), code="decided")
    if locked.user_id == actor.pk:
        raise PermissionDenied(_("Ask a colleague: you cannot decide your own verification."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise _fields_error({"reason": [_("Say why the proof of address is refused.")]})
    if len(reason) > 500:
        raise _fields_error({"reason": [_("Use at most 500 characters.")]})
    name = locked.document.name
    storage = locked.document.storage
    locked.document = ""
    locked.note = reason
    locked.save(update_fields=["document", "note"])
    if approve:
        citizen_id_issue(verification=locked, decided_by=actor)
        locked.refresh_from_db()
    else:
        locked.status = Verification.Status.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    _delete_on_commit(storage, name)
    logger.info(
        "verification_decided",
        extra={"actor": actor.pk, "verification": locked.pk, "outcome": locked.status},
    )
    return locked


@transaction.atomic
def verification_withdraw(*, actor: User, municipality: Municipality) -> Verification:
    """The citizen withdraws their pending verification (a wrong address, a lost letter)."""
    require(actor, START, municipality, _("Log in to verify your residency."))
    pending = (
        Verification.objects.select_for_update()
        .filter(user=actor, municipality=municipality, status=Verification.Status.PENDING)
        .first()
    )
    if pending is None:
        raise NotFound(_("You have no verification in progress here."))
    _close_pending(pending, decided_by=actor, note=_("Withdrawn by the citizen."))
    return pending


def _close_pending(verification: Verification, *, decided_by: User, note: str) -> None:
    name, storage = verification.document.name, verification.document.storage
    verification.document = ""
    verification.status = Verification.Status.REFUSED
    verification.decided_by = decided_by
    verification.decided_at = timezone.now()
    verification.note = note
    verification.save(update_fields=["document", "status", "decided_by", "decided_at", "note"])
    _delete_on_commit(storage, name)


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
    from ..selectors.verification import assisted_account_get

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
