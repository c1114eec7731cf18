"""Proof of address: upload, staff decision, deletion of the file at the decision."""

import io
import uuid
from typing import IO

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import Conflict, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from ...models import User, Verification
from ...verification import DOCUMENT
from ..identity import citizen_id_issue
from ._common import DECIDE, START, _delete_on_commit, _fields_error, _pending_conflict, logger

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
