"""The API of council meetings (tag `council`), with the selectors, services and permissions the
pages use. Every path names its municipality (`/municipalities/{slug}/council/...`): a meeting,
an item or a question of another municipality is *not found*.

Who sees what. Published meetings (and held or cancelled ones) are public, with their agenda,
documents, minutes, and the number of questions each agenda item received. Drafts are the
staff's. Verified residents of the municipality send questions while they are open and withdraw
their own; elected officials and staff (with MFA) read them with their authors' display names,
grouped by agenda item; staff create, change and publish meetings, mark them as held, publish
their minutes, and answer or set aside questions.

Errors. Refusals have the shared body `{"error": {"code", "message", "fields"}}`: 400 with the
fields to correct, 403 for a permission, 404, 409 for a meeting in the wrong state or the limit
of questions; a refused write changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors_council as selectors
from . import services_council as services
from .models import AgendaItem, CitizenQuestion, Meeting, MeetingDocument
from .permissions_council import MODULE

router = Router(tags=["council"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
BASE = "/municipalities/{slug}/council"
MEETING = BASE + "/meetings/{meeting_id}"
QUESTION = BASE + "/questions/{question_id}"


# --- Schemas ------------------------------------------------------------------------------------


class CouncilDocumentOut(Schema):
    id: int
    title: str
    agenda_item_id: int | None
    size: int = Field(..., description="In bytes.")
    url: str = Field(..., description="The PDF, public once the meeting is published.")


class CouncilAgendaItemOut(Schema):
    id: int
    position: int
    number: str
    title: str
    description: str
    question_count: int = Field(..., description="Questions submitted or answered on the item.")
    documents: list[CouncilDocumentOut]


class CouncilMeetingSummaryOut(Schema):
    id: int
    kind: str
    title: str
    language: str
    starts_at: datetime
    place: str
    status: str
    questions_close_at: datetime
    minutes_published: bool
    url: str


class CouncilMeetingOut(CouncilMeetingSummaryOut):
    title_fr: str
    title_en: str
    title_es: str
    live_stream_url: str = Field(..., description="Given while the meeting is live, else empty.")
    questions_open: bool
    agenda: list[CouncilAgendaItemOut]
    other_question_count: int = Field(..., description="Questions on other business.")
    documents: list[CouncilDocumentOut] = Field(..., description="Documents of the whole meeting.")
    minutes: str = Field(..., description="Plain text, paragraphs separated by a blank line.")
    minutes_published_at: datetime | None


class CouncilMeetingPageOut(Schema):
    items: list[CouncilMeetingSummaryOut]
    page: int
    pages: int
    count: int


class CouncilMeetingListQuery(Schema):
    upcoming: bool = Field(True, description="The coming meetings (true) or the past ones.")
    page: int = Field(1, ge=1, le=10_000)


class CouncilMeetingIn(Schema):
    kind: str = "regular"
    title_fr: str = ""
    title_en: str = ""
    title_es: str = ""
    original_language: str = "fr"
    starts_at: datetime
    questions_close_at: datetime | None = Field(
        None, description="By default two hours before the start."
    )
    place: str = ""
    live_stream_url: str = ""


class CouncilMeetingPatch(Schema):
    kind: str | None = None
    title_fr: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    original_language: str | None = None
    starts_at: datetime | None = None
    questions_close_at: datetime | None = None
    place: str | None = None
    live_stream_url: str | None = None


class CouncilAgendaItemIn(Schema):
    number: str = ""
    title: str
    description: str = ""
    position: int | None = None


class CouncilMinutesIn(Schema):
    minutes: str


class CouncilQuestionIn(Schema):
    agenda_item_id: int | None = Field(None, description="None: other business.")
    text: str = Field(..., description="At most 1000 characters.")


class CouncilQuestionOut(Schema):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    text: str
    status: str
    created_at: datetime
    answer: str
    answered_at: datetime | None
    rejection_reason: str


class CouncilReadQuestionOut(CouncilQuestionOut):
    author_display_name: str


class CouncilQuestionGroupOut(Schema):
    agenda_item_id: int | None = Field(..., description="None: other business.")
    number: str
    title: str
    questions: list[CouncilReadQuestionOut]


class CouncilAnswerIn(Schema):
    answer: str


class CouncilRejectIn(Schema):
    reason: str


# --- Helpers ------------------------------------------------------------------------------------


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def _meeting(request, slug: str, meeting_id: int) -> Meeting:
    return selectors.meeting_get(
        visible_to=request.user, municipality=_municipality(slug), meeting_id=meeting_id
    )


def _question(request, slug: str, question_id: int) -> CitizenQuestion:
    return selectors.question_get(municipality=_municipality(slug), question_id=question_id)


def _url(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=list(args)))


def _document(request, document: MeetingDocument, meeting: Meeting) -> dict:
    return {
        "id": document.pk,
        "title": document.title,
        "agenda_item_id": document.agenda_item_id,
        "size": document.size,
        "url": _url(
            request, "council:document", meeting.municipality.slug, meeting.pk, document.pk
        ),
    }


def _summary(request, meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "title": meeting.title,
        "language": meeting.original_language,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "status": meeting.status,
        "questions_close_at": meeting.questions_close_at,
        "minutes_published": meeting.minutes_published_at is not None,
        "url": _url(request, "council:meeting", meeting.municipality.slug, meeting.pk),
    }


def _items(request, meeting: Meeting, counts: dict) -> list[dict]:
    return [
        {
            "id": item.pk,
            "position": item.position,
            "number": item.number,
            "title": item.title,
            "description": item.description,
            "question_count": counts.get(item.pk, 0),
            "documents": [_document(request, d, meeting) for d in item.documents.all()],
        }
        for item in selectors.agenda(meeting)
    ]


def _full(request, meeting: Meeting) -> dict:
    counts = selectors.question_counts(meeting)
    published = meeting.minutes_published_at is not None
    return {
        **_summary(request, meeting),
        "title_fr": meeting.title_fr,
        "title_en": meeting.title_en,
        "title_es": meeting.title_es,
        "live_stream_url": meeting.live_stream_url if selectors.live_now(meeting) else "",
        "questions_open": meeting.questions_open(),
        "agenda": _items(request, meeting, counts),
        "other_question_count": counts.get(None, 0),
        "documents": [_document(request, d, meeting) for d in selectors.general_documents(meeting)],
        "minutes": meeting.minutes if published else "",
        "minutes_published_at": meeting.minutes_published_at,
    }


def _question_out(question: CitizenQuestion) -> dict:
    return {
        "id": question.pk,
        "meeting_id": question.meeting_id,
        "agenda_item_id": question.agenda_item_id,
        "text": question.text,
        "status": question.status,
        "created_at": question.created_at,
        "answer": question.answer,
        "answered_at": question.answered_at,
        "rejection_reason": question.rejection_reason,
    }


# --- Public reads -------------------------------------------------------------------------------


@router.get(BASE + "/meetings", response={200: CouncilMeetingPageOut, **ERRORS}, auth=None)
def meeting_list(request, slug: str, query: Query[CouncilMeetingListQuery]):
    """The council's coming meetings (the soonest first) or past ones (the latest first), 20 a
    page (public; staff also see drafts)."""
    page = selectors.meeting_page(
        municipality=_municipality(slug),
        visible_to=request.user,
        upcoming=query.upcoming,
        page=query.page,
    )
    return {
        "items": [_summary(request, meeting) for meeting in page.object_list],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


@router.get(MEETING, response={200: CouncilMeetingOut, **ERRORS}, auth=None)
def meeting_get(request, slug: str, meeting_id: int):
    """A meeting with its agenda (and how many questions each item received), documents, the
    live stream's address while it is live, and its minutes once published."""
    return _full(request, _meeting(request, slug, meeting_id))


@router.get(MEETING + "/agenda", response={200: list[CouncilAgendaItemOut], **ERRORS}, auth=None)
def agenda(request, slug: str, meeting_id: int):
    """The meeting's agenda items in order, with their documents and question counts."""
    meeting = _meeting(request, slug, meeting_id)
    return _items(request, meeting, selectors.question_counts(meeting))


@router.get(MEETING + "/documents", response={200: list[CouncilDocumentOut], **ERRORS}, auth=None)
def document_list(request, slug: str, meeting_id: int):
    """Every document of the meeting (PDF), those of the agenda items included."""
    meeting = _meeting(request, slug, meeting_id)
    return [_document(request, d, meeting) for d in selectors.documents(meeting)]


# --- Residents' questions -----------------------------------------------------------------------


@router.post(MEETING + "/questions", response={201: CouncilQuestionOut, **ERRORS})
def question_submit(
    request: AuthenticatedRequest, slug: str, meeting_id: int, payload: CouncilQuestionIn
):
    """Send a question to the council (verified residents of the municipality, while questions
    are open; at most 3 per person and meeting: 409 `limit`; closed: 403 `closed`)."""
    meeting = _meeting(request, slug, meeting_id)
    question = services.question_submit(
        actor=request.user,
        meeting=meeting,
        text=payload.text,
        agenda_item=payload.agenda_item_id,
    )
    return Status(201, _question_out(question))


@router.get(MEETING + "/my-questions", response={200: list[CouncilQuestionOut], **ERRORS})
def my_questions(request: AuthenticatedRequest, slug: str, meeting_id: int):
    """My questions for the meeting, withdrawn ones included."""
    return [
        _question_out(q)
        for q in selectors.my_questions(request.user, _meeting(request, slug, meeting_id))
    ]


@router.post(QUESTION + "/withdraw", response={200: CouncilQuestionOut, **ERRORS})
def question_withdraw(request: AuthenticatedRequest, slug: str, question_id: int):
    """Withdraw my question before questions close (another person's is not found)."""
    question = _question(request, slug, question_id)
    return _question_out(services.question_withdraw(actor=request.user, question=question))


@router.get(MEETING + "/questions", response={200: list[CouncilQuestionGroupOut], **ERRORS})
def questions_by_item(request: AuthenticatedRequest, slug: str, meeting_id: int):
    """The residents' questions grouped by agenda item (other business last), with their
    authors' display names: elected officials and staff of the municipality, with MFA."""
    municipality = _municipality(slug)
    require(request.user, "participation.read_council_questions", municipality)
    meeting = _meeting(request, slug, meeting_id)
    return [
        {
            "agenda_item_id": group.item.pk if group.item else None,
            "number": group.item.number if group.item else "",
            "title": group.item.title if group.item else "",
            "questions": [
                {**_question_out(q), "author_display_name": q.author.display_name}
                for q in group.questions
            ],
        }
        for group in selectors.questions_by_item(meeting)
    ]


# --- Staff --------------------------------------------------------------------------------------


@router.post(BASE + "/meetings", response={201: CouncilMeetingOut, **ERRORS})
def meeting_create(request: AuthenticatedRequest, slug: str, payload: CouncilMeetingIn):
    """Announce a meeting, as a draft (the municipality's staff, with MFA)."""
    meeting = services.meeting_create(
        actor=request.user, municipality=_municipality(slug), values=payload.dict()
    )
    return Status(201, _full(request, _meeting(request, slug, meeting.pk)))


@router.patch(MEETING, response={200: CouncilMeetingOut, **ERRORS})
def meeting_update(
    request: AuthenticatedRequest, slug: str, meeting_id: int, payload: CouncilMeetingPatch
):
    """Change a meeting; only the fields given change (a new start moves the close of
    questions with it unless it is given too)."""
    meeting = _meeting(request, slug, meeting_id)
    values = payload.dict(exclude_unset=True)
    services.meeting_update(actor=request.user, meeting=meeting, values=values)
    return _full(request, _meeting(request, slug, meeting_id))


@router.post(MEETING + "/publish", response={200: CouncilMeetingOut, **ERRORS})
def meeting_publish(request: AuthenticatedRequest, slug: str, meeting_id: int):
    """Publish a draft: the public sees it and residents may send questions."""
    services.meeting_publish(actor=request.user, meeting=_meeting(request, slug, meeting_id))
    return _full(request, _meeting(request, slug, meeting_id))


@router.post(MEETING + "/held", response={200: CouncilMeetingOut, **ERRORS})
def meeting_held(request: AuthenticatedRequest, slug: str, meeting_id: int):
    """Mark a published meeting that has started as held."""
    services.meeting_mark_held(actor=request.user, meeting=_meeting(request, slug, meeting_id))
    return _full(request, _meeting(request, slug, meeting_id))


@router.post(MEETING + "/minutes", response={200: CouncilMeetingOut, **ERRORS})
def minutes_publish(
    request: AuthenticatedRequest, slug: str, meeting_id: int, payload: CouncilMinutesIn
):
    """Publish (or correct) the minutes of a held meeting; those who asked a question are told
    the first time."""
    services.minutes_publish(
        actor=request.user, meeting=_meeting(request, slug, meeting_id), minutes=payload.minutes
    )
    return _full(request, _meeting(request, slug, meeting_id))


@router.post(MEETING + "/agenda", response={201: CouncilAgendaItemOut, **ERRORS})
def agenda_item_add(
    request: AuthenticatedRequest, slug: str, meeting_id: int, payload: CouncilAgendaItemIn
):
    """Add an item to the agenda (at the end unless `position` is given)."""
    meeting = _meeting(request, slug, meeting_id)
    item: AgendaItem = services.agenda_item_add(
        actor=request.user, meeting=meeting, values=payload.dict()
    )
    return Status(
        201,
        {
            "id": item.pk,
            "position": item.position,
            "number": item.number,
            "title": item.title,
            "description": item.description,
            "question_count": 0,
            "documents": [],
        },
    )


@router.post(QUESTION + "/answer", response={200: CouncilReadQuestionOut, **ERRORS})
def question_answer(
    request: AuthenticatedRequest, slug: str, question_id: int, payload: CouncilAnswerIn
):
    """Answer a resident's question (staff)."""
    question = _question(request, slug, question_id)
    done = services.question_answer(actor=request.user, question=question, answer=payload.answer)
    return {**_question_out(done), "author_display_name": question.author.display_name}


@router.post(QUESTION + "/reject", response={200: CouncilReadQuestionOut, **ERRORS})
def question_reject(
    request: AuthenticatedRequest, slug: str, question_id: int, payload: CouncilRejectIn
):
    """Set a question aside, with the reason its author reads (staff)."""
    question = _question(request, slug, question_id)
    done = services.question_reject(actor=request.user, question=question, reason=payload.reason)
    return {**_question_out(done), "author_display_name": question.author.display_name}
