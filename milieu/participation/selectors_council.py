"""Reads of council meetings: the lists of a municipality's meetings, one meeting with its agenda
and documents, how many questions each agenda item received, a person's own questions, and the
questions grouped by agenda item for elected officials and staff (one query for the items, one
for the questions, whatever their number)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound

from .models import (
    AgendaItem,
    CitizenQuestion,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    QuestionStatus,
)
from .permissions_council import is_council_staff

PAGE_SIZE = 20
LIVE_BEFORE = timedelta(minutes=15)  # the live stream's link shows this long before the start
LIVE_AFTER = timedelta(hours=4)  # and until this long after it
PUBLIC_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.CANCELLED)
CALENDAR_DURATION = timedelta(hours=3)
CALENDAR_PAST = timedelta(days=90)
CALENDAR_LIMIT = 200
COUNTED = (QuestionStatus.SUBMITTED, QuestionStatus.ANSWERED)


def _visible(municipality, visible_to) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(municipality=municipality)
    if not is_council_staff(visible_to, municipality):
        meetings = meetings.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)
    return meetings


def _past(now) -> Q:
    return Q(status=MeetingStatus.HELD) | Q(starts_at__lt=now - LIVE_AFTER)


def meeting_page(
    *, municipality, visible_to, upcoming: bool, page: int | str | None = 1, now=None
) -> Page:
    """A page of the coming meetings (the soonest first) or of the past ones (the latest
    first), as the reader may see them (staff also see drafts)."""
    now = now or timezone.now()
    meetings = _visible(municipality, visible_to).select_related("municipality")
    if upcoming:
        meetings = meetings.exclude(_past(now)).order_by("starts_at", "pk")
    else:
        meetings = meetings.filter(_past(now)).order_by("-starts_at", "-pk")
    return Paginator(meetings, PAGE_SIZE).get_page(page)


def meeting_get(*, visible_to, municipality, meeting_id: int) -> Meeting:
    found = (
        _visible(municipality, visible_to)
        .select_related("municipality")
        .filter(pk=meeting_id)
        .first()
    )
    if found is None:
        raise NotFound(_("This meeting does not exist."))
    return found


def agenda(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda items in order, each with its documents (two queries)."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("documents", MeetingDocument.objects.order_by("pk")))
        .order_by("position", "pk")
    )


def general_documents(meeting: Meeting) -> list[MeetingDocument]:
    """The meeting's documents that belong to no agenda item."""
    return list(meeting.documents.filter(agenda_item__isnull=True).order_by("pk"))


def documents(meeting: Meeting) -> list[MeetingDocument]:
    return list(meeting.documents.order_by("pk"))


def question_counts(meeting: Meeting) -> dict[int | None, int]:
    """How many questions (submitted or answered) each agenda item received (`None`: other
    business), in one query: what the public sees of them."""
    rows = (
        CitizenQuestion.objects.filter(meeting=meeting, status__in=COUNTED)
        .values("agenda_item")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["agenda_item"]: row["n"] for row in rows}


def my_questions(user, meeting: Meeting) -> list[CitizenQuestion]:
    if not user.is_authenticated:
        return []
    return list(
        CitizenQuestion.objects.filter(meeting=meeting, author=user)
        .select_related("agenda_item")
        .order_by("created_at", "pk")
    )


def document_get(*, visible_to, municipality, meeting_id: int, document_id: int):
    meeting = meeting_get(visible_to=visible_to, municipality=municipality, meeting_id=meeting_id)
    document = MeetingDocument.objects.filter(meeting=meeting, pk=document_id).first()
    if document is None:
        raise NotFound(_("This document does not exist."))
    return document


def question_get(*, municipality, question_id: int) -> CitizenQuestion:
    """A question of the municipality (the caller checks what the actor may do with it)."""
    found = (
        CitizenQuestion.objects.select_related("meeting__municipality", "author", "agenda_item")
        .filter(meeting__municipality=municipality, pk=question_id)
        .first()
    )
    if found is None:
        raise NotFound(_("This question does not exist."))
    return found


@dataclass
class QuestionGroup:
    item: AgendaItem | None  # None: other business
    questions: list[CitizenQuestion] = field(default_factory=list)


def questions_by_item(meeting: Meeting, *, include_withdrawn: bool = False) -> list[QuestionGroup]:
    """Every agenda item (in order) with its questions, then other business: one query for the
    items and one for the questions (with their authors' display names)."""
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    groups = {item.pk: QuestionGroup(item=item) for item in items}
    other = QuestionGroup(item=None)
    questions = CitizenQuestion.objects.filter(meeting=meeting).select_related("author")
    if not include_withdrawn:
        questions = questions.exclude(status=QuestionStatus.WITHDRAWN)
    for question in questions.order_by("created_at", "pk"):
        group = groups.get(question.agenda_item_id) if question.agenda_item_id else None
        (group or other).questions.append(question)
    return [*groups.values(), other]


def live_now(meeting: Meeting, now=None) -> bool:
    """Whether the live stream's link is shown: a published meeting, from a little before its
    start to a few hours after."""
    now = now or timezone.now()
    return bool(
        meeting.live_stream_url
        and meeting.status == MeetingStatus.PUBLISHED
        and meeting.starts_at - LIVE_BEFORE <= now <= meeting.starts_at + LIVE_AFTER
    )


def calendar_meetings(municipality, now=None) -> list[Meeting]:
    """The public meetings of the last 90 days and to come, for the iCalendar feed."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(
            municipality=municipality,
            status__in=PUBLIC_STATUSES,
            published_at__isnull=False,
            starts_at__gte=now - CALENDAR_PAST,
        )
        .select_related("municipality")
        .order_by("starts_at", "pk")[:CALENDAR_LIMIT]
    )
