"""Every write of council meetings: meetings and their agenda, documents, minutes, and the
questions residents send before a meeting.

Values arrive as a dict of plain values (a form's `cleaned_data` or an API payload) and are
checked here, so that the pages and the API refuse the same things with the same messages
(`field_error`, code `validation`). Every service checks its permission again; a refused write
leaves the database as it was.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from milieu.core import ratelimit
from milieu.core.errors import Conflict, NotFound, PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.notifications.services import notify_after_commit

from .models import (
    QUESTION_MAX_LENGTH,
    QUESTIONS_CLOSE_BEFORE,
    QUESTIONS_PER_PERSON,
    AgendaItem,
    CitizenQuestion,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingStatus,
    QuestionStatus,
)

TOPIC = "participation"
logger = logging.getLogger("milieu.participation")
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
LIMITS = {"question": [Limit(20, 3600), Limit(50, 86_400)]}
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    if required and not value:
        raise field_error(field, _("This field is required."))
    return value


def _moment(values: dict[str, Any], field: str) -> datetime:
    value = values.get(field)
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise field_error(field, _("Enter a date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise field_error(
            field,
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


def _validate_meeting(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for code in LANGUAGE_CODES:
        clean[f"title_{code}"] = _text(values, f"title_{code}", 200)
    written = [code for code in LANGUAGE_CODES if clean[f"title_{code}"]]
    chosen = str(values.get("original_language") or "")
    if chosen and chosen not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose among French, English and Spanish."))
    clean["original_language"] = chosen if chosen in written else (written or ["fr"])[0]
    kind = str(values.get("kind") or MeetingKind.REGULAR)
    if kind not in MeetingKind.values:
        raise field_error("kind", _("Choose a regular or a special meeting."))
    clean["kind"] = kind
    clean["starts_at"] = _moment(values, "starts_at")
    if values.get("questions_close_at") in (None, ""):
        clean["questions_close_at"] = clean["starts_at"] - QUESTIONS_CLOSE_BEFORE
    else:
        clean["questions_close_at"] = _moment(values, "questions_close_at")
        if clean["questions_close_at"] > clean["starts_at"]:
            raise field_error(
                "questions_close_at", _("Questions must close before the meeting starts.")
            )
    clean["place"] = _text(values, "place", 200)
    url = _text(values, "live_stream_url", 300)
    if url:
        try:
            URLValidator(schemes=["https"])(url)
        except ValidationError:
            raise field_error(
                "live_stream_url", _("Enter a web address starting with https://.")
            ) from None
    clean["live_stream_url"] = url
    return clean


def meeting_values(meeting: Meeting) -> dict[str, Any]:
    """A meeting's current values, in the shape the services take (for a partial update)."""
    return {
        **{f"title_{code}": getattr(meeting, f"title_{code}") for code in LANGUAGE_CODES},
        "original_language": meeting.original_language,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "questions_close_at": meeting.questions_close_at,
        "place": meeting.place,
        "live_stream_url": meeting.live_stream_url,
    }


def _manage(actor, municipality) -> None:
    require(
        actor,
        "participation.manage_council",
        municipality,
        _("Only the municipality's staff manage council meetings."),
    )


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("municipality").get(pk=meeting.pk)


# --- Meetings -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor, municipality, values: dict[str, Any]) -> Meeting:
    """A draft meeting of the council; questions close two hours before it unless told."""
    _manage(actor, municipality)
    clean = _validate_meeting(values)
    return Meeting.objects.create(municipality=municipality, created_by=actor, **clean)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, values: dict[str, Any]) -> Meeting:
    _manage(actor, meeting.municipality)
    meeting = _locked(meeting)
    merged = {**meeting_values(meeting), **values}
    if "starts_at" in values and "questions_close_at" not in values:
        merged["questions_close_at"] = None  # follows the new start
    clean = _validate_meeting(merged)
    for field, value in clean.items():
        setattr(meeting, field, value)
    meeting.updated_at = timezone.now()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_publish(*, actor, meeting: Meeting) -> Meeting:
    _manage(actor, meeting.municipality)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise Conflict(_("This meeting is already published."), code="wrong_state")
    meeting.status = MeetingStatus.PUBLISHED
    meeting.published_at = meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "published_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor, meeting: Meeting) -> Meeting:
    _manage(actor, meeting.municipality)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise Conflict(_("Only a published meeting can be marked as held."), code="wrong_state")
    if meeting.starts_at > timezone.now():
        raise Conflict(_("This meeting has not started yet."), code="wrong_state")
    meeting.status = MeetingStatus.HELD
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    _manage(actor, meeting.municipality)
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED):
        raise Conflict(_("This meeting can no longer be cancelled."), code="wrong_state")
    meeting.status = MeetingStatus.CANCELLED
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def minutes_publish(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    """Publish (or correct) the minutes of a held meeting. Everyone who asked a question that
    they did not withdraw is told once, the first time."""
    _manage(actor, meeting.municipality)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise Conflict(
            _("Minutes are published once the meeting is marked as held."), code="wrong_state"
        )
    text = _text({"minutes": minutes}, "minutes", 100_000, required=True)
    first = meeting.minutes_published_at is None
    meeting.minutes = text.replace("\r\n", "\n")
    now = timezone.now()
    if first:
        meeting.minutes_published_at = now
    meeting.updated_at = now
    meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
    if first:
        askers = (
            CitizenQuestion.objects.filter(meeting=meeting)
            .exclude(status=QuestionStatus.WITHDRAWN)
            .values_list("author_id", flat=True)
            .distinct()
            .order_by("author_id")
        )
        title = meeting.title
        date = meeting.starts_at.date().isoformat()
        for author_id in askers:
            notify_after_commit(
                user_id=author_id,
                topic=TOPIC,
                key=f"council:minutes:{meeting.pk}",
                title=lambda: (
                    _("The minutes of “%(title)s” (%(date)s) are published.")
                    % {"title": title, "date": date}
                ),
                url_name="council:meeting",
                url_kwargs={
                    "municipality_slug": meeting.municipality.slug,
                    "meeting_id": meeting.pk,
                },
                municipality=meeting.municipality,
            )
    return meeting


# --- Agenda -------------------------------------------------------------------------------------


def _validate_item(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "number": _text(values, "number", 12),
        "title": _text(values, "title", 300, required=True),
        "description": _text(values, "description", 5000),
    }
    position = values.get("position")
    if position in (None, ""):
        clean["position"] = None
    else:
        try:
            clean["position"] = int(position)
        except (TypeError, ValueError):
            raise field_error("position", _("Enter a whole number.")) from None
        if not 0 <= clean["position"] <= 1000:
            raise field_error("position", _("Enter a number between 0 and 1,000."))
    return clean


@transaction.atomic
def agenda_item_add(*, actor, meeting: Meeting, values: dict[str, Any]) -> AgendaItem:
    _manage(actor, meeting.municipality)
    meeting = _locked(meeting)
    clean = _validate_item(values)
    if clean["position"] is None:
        last = meeting.items.order_by("-position").values_list("position", flat=True).first()
        clean["position"] = (last or 0) + 1
    return AgendaItem.objects.create(meeting=meeting, **clean)


@transaction.atomic
def agenda_item_update(*, actor, item: AgendaItem, values: dict[str, Any]) -> AgendaItem:
    _manage(actor, item.meeting.municipality)
    merged = {
        "number": item.number,
        "title": item.title,
        "description": item.description,
        "position": item.position,
        **values,
    }
    clean = _validate_item(merged)
    if clean["position"] is None:
        clean["position"] = item.position
    for field, value in clean.items():
        setattr(item, field, value)
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, actor, item: AgendaItem) -> None:
    """Remove an item; its questions and documents stay with the meeting, under "other"."""
    _manage(actor, item.meeting.municipality)
    item.delete()


# --- Documents ----------------------------------------------------------------------------------


def _check_pdf(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        raise field_error("file", _("Choose a PDF file."))
    if size > DOCUMENT_MAX_BYTES:
        raise field_error("file", _("A document is at most 20 MB."))
    if size == 0:
        raise field_error("file", _("This file is empty."))
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip(b"\x00\t\n\r\x0c ").startswith(PDF_MAGIC):
        raise field_error("file", _("Only PDF documents are accepted."))
    return int(size)


@transaction.atomic
def document_add(
    *, actor, meeting: Meeting, title: str, upload, agenda_item: AgendaItem | int | None = None
) -> MeetingDocument:
    """Attach a PDF (checked by its content, not its name; at most 20 MB) to the meeting, or to
    one of its agenda items."""
    _manage(actor, meeting.municipality)
    clean_title = _text({"title": title}, "title", 200, required=True)
    item = _item_of(meeting, agenda_item)
    size = _check_pdf(upload)
    document = MeetingDocument(
        meeting=meeting, agenda_item=item, title=clean_title, size=size, uploaded_by=actor
    )
    name = f"{meeting.pk}-{get_random_string(16).lower()}.pdf"
    document.file.save(name, File(upload), save=False)
    document.save()
    return document


@transaction.atomic
def document_delete(*, actor, document: MeetingDocument) -> None:
    _manage(actor, document.meeting.municipality)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _item_of(meeting: Meeting, agenda_item: AgendaItem | int | str | None) -> AgendaItem | None:
    if agenda_item in (None, "", "other"):
        return None
    wanted = getattr(agenda_item, "pk", agenda_item)
    try:
        return AgendaItem.objects.get(meeting=meeting, pk=int(wanted))  # type: ignore[arg-type]
    except (AgendaItem.DoesNotExist, TypeError, ValueError):
        raise field_error("agenda_item", _("Choose an item of this meeting's agenda.")) from None


# --- Questions ----------------------------------------------------------------------------------


@transaction.atomic
def question_submit(
    *, actor, meeting: Meeting, text: str, agenda_item: AgendaItem | int | str | None = None
) -> CitizenQuestion:
    """A resident's question before the meeting, on an agenda item or on other business; at most
    `QUESTIONS_PER_PERSON` (withdrawn ones aside) per person and meeting."""
    meeting = _locked(meeting)  # one question at a time per meeting: the limit holds under races
    if not meeting.questions_open():
        raise PermissionDenied(_("Questions for this meeting are closed."), code="closed")
    require(
        actor,
        "participation.ask_council_question",
        meeting,
        _("Only verified residents of the municipality send questions to its council."),
    )
    clean = _text({"text": text}, "text", QUESTION_MAX_LENGTH, required=True)
    item = _item_of(meeting, agenda_item)
    asked = (
        CitizenQuestion.objects.filter(meeting=meeting, author=actor)
        .exclude(status=QuestionStatus.WITHDRAWN)
        .count()
    )
    if asked >= QUESTIONS_PER_PERSON:
        raise Conflict(
            _("You have sent %(count)s questions for this meeting, the most allowed.")
            % {"count": QUESTIONS_PER_PERSON},
            code="limit",
        )
    ratelimit.hit("participation.council_question", actor.pk, limits=LIMITS["question"])
    return CitizenQuestion.objects.create(
        meeting=meeting, agenda_item=item, author=actor, text=clean
    )


@transaction.atomic
def question_withdraw(*, actor, question: CitizenQuestion) -> CitizenQuestion:
    question = (
        CitizenQuestion.objects.select_for_update()
        .select_related("meeting__municipality")
        .get(pk=question.pk)
    )
    if question.author_id != getattr(actor, "pk", None):
        raise NotFound(_("This question does not exist."))
    require(
        actor,
        "participation.withdraw_council_question",
        question,
        _("This question can no longer be withdrawn."),
    )
    question.status = QuestionStatus.WITHDRAWN
    question.save(update_fields=["status"])
    return question


def _moderate(actor, question: CitizenQuestion) -> CitizenQuestion:
    _manage(actor, question.meeting.municipality)
    locked = (
        CitizenQuestion.objects.select_for_update()
        .select_related("meeting__municipality")
        .get(pk=question.pk)
    )
    if locked.status == QuestionStatus.WITHDRAWN:
        raise Conflict(_("This question was withdrawn by its author."), code="wrong_state")
    return locked


@transaction.atomic
def question_answer(*, actor, question: CitizenQuestion, answer: str) -> CitizenQuestion:
    question = _moderate(actor, question)
    question.answer = _text({"answer": answer}, "answer", 5000, required=True)
    question.status = QuestionStatus.ANSWERED
    question.answered_at = timezone.now()
    question.rejection_reason = ""
    question.moderated_by = actor
    question.save(
        update_fields=["answer", "status", "answered_at", "rejection_reason", "moderated_by"]
    )
    return question


@transaction.atomic
def question_reject(*, actor, question: CitizenQuestion, reason: str) -> CitizenQuestion:
    """Set a question aside (off topic, offensive), with the reason its author reads."""
    question = _moderate(actor, question)
    question.rejection_reason = _text({"reason": reason}, "reason", 300, required=True)
    question.status = QuestionStatus.REJECTED
    question.moderated_by = actor
    question.save(update_fields=["rejection_reason", "status", "moderated_by"])
    return question
