"""The public pages of council meetings (namespace `council`, `/<lang>/<municipality>/council/`):
the coming and past meetings, a meeting with its agenda, documents, live stream, question form
and minutes, a meeting's document (a PDF, served once the meeting is public), and, for elected
officials and staff, the residents' questions grouped by agenda item.

The public sees how many questions each item received, never who asked them; a person sees
their own. Every write is a POST answered by a redirect and a message; a refusal shows the page
again with the service's reason (400, or 403 for a permission the reader lacks) and changes
nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    staff_view,
)
from milieu.core.modules import module_required

from . import selectors_council as selectors
from . import services_council as services
from .forms_council import AnswerForm, QuestionForm, RejectForm
from .models import Meeting, QuestionStatus
from .permissions_council import MODULE


def meeting_url(meeting: Meeting) -> str:
    return reverse("council:meeting", args=[meeting.municipality.slug, meeting.pk])


def meeting_or_404(request: MilieuRequest, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_get(
            visible_to=request.user, municipality=request.municipality, meeting_id=meeting_id
        )
    except NotFound:
        raise Http404(_("This meeting does not exist.")) from None


@require_GET
@municipality_view
@module_required(MODULE)
def meetings(request: MilieuRequest) -> HttpResponse:
    """The coming meetings (soonest first) and the past ones (latest first), a page of each."""
    municipality = request.municipality
    upcoming = selectors.meeting_page(
        municipality=municipality,
        visible_to=request.user,
        upcoming=True,
        page=request.GET.get("page"),
    )
    past = selectors.meeting_page(
        municipality=municipality,
        visible_to=request.user,
        upcoming=False,
        page=request.GET.get("past"),
    )
    return render(
        request,
        "participation/council/meeting_list.html",
        {
            "municipality": municipality,
            "upcoming": upcoming,
            "past": past,
            "manages": request.user.has_perm("participation.manage_council", municipality),
        },
    )


def meeting_page(
    request: MilieuRequest,
    meeting: Meeting,
    *,
    form: QuestionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    items = selectors.agenda(meeting)
    counts = selectors.question_counts(meeting)
    for item in items:
        item.question_count = counts.get(item.pk, 0)  # type: ignore[attr-defined]
    user = request.user
    may_ask = user.has_perm("participation.ask_council_question", meeting)
    if form is None and may_ask:
        form = QuestionForm(items=items)
    municipality = request.municipality
    context: dict[str, Any] = {
        "municipality": municipality,
        "meeting": meeting,
        "items": items,
        "other_count": counts.get(None, 0),
        "total_questions": sum(counts.values()),
        "documents": selectors.general_documents(meeting),
        "live": selectors.live_now(meeting),
        "may_ask": may_ask,
        "form": form,
        "mine": selectors.my_questions(user, meeting),
        "reads_questions": user.has_perm("participation.read_council_questions", municipality),
        "manages": user.has_perm("participation.manage_council", municipality),
        "error": error,
        "submitted": QuestionStatus.SUBMITTED,
    }
    return render(request, "participation/council/meeting_detail.html", context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
def meeting(request: MilieuRequest, meeting_id: int) -> HttpResponse:
    return meeting_page(request, meeting_or_404(request, meeting_id))


@require_POST
@municipality_view
@module_required(MODULE)
def ask(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    """Send a question to the council before the meeting."""
    found = meeting_or_404(request, meeting_id)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting_url(found))
    form = QuestionForm(request.POST, items=selectors.agenda(found))
    if not form.is_valid():
        return meeting_page(request, found, form=form, status=400)
    try:
        services.question_submit(actor=request.user, meeting=found, **form.values())
    except ApplicationError as error:
        if error.code == "validation":
            form_error(form, error)
            return meeting_page(request, found, form=form, status=400)
        return meeting_page(
            request,
            found,
            error=str(error.message),
            status=403 if error.status_code == 403 else 400,
        )
    messages.success(request, _("Your question is sent. Elected officials will read it."))
    return redirect(meeting_url(found) + "#my-questions")


@require_POST
@municipality_view
@module_required(MODULE)
def withdraw(request: AuthenticatedRequest, question_id: int) -> HttpResponse:
    """Withdraw one of my questions before questions close."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("council:meetings", args=[request.municipality.slug]))
    try:
        question = selectors.question_get(
            municipality=request.municipality, question_id=question_id
        )
    except NotFound:
        raise Http404(_("This question does not exist.")) from None
    if question.author_id != request.user.pk:
        raise Http404(_("This question does not exist."))
    try:
        services.question_withdraw(actor=request.user, question=question)
    except ApplicationError as error:
        return meeting_page(
            request,
            question.meeting,
            error=str(error.message),
            status=403 if error.status_code == 403 else 400,
        )
    messages.success(request, _("Your question is withdrawn."))
    return redirect(meeting_url(question.meeting) + "#my-questions")


@require_GET
@municipality_view
@module_required(MODULE)
def calendar(request: MilieuRequest) -> HttpResponse:
    """The council's coming meetings (and those of the last 90 days) as an iCalendar feed
    (RFC 5545): one VEVENT per public meeting, of three hours unless the council says more."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    from milieu.events.calendar import uid_host

    municipality = request.municipality
    feed = Calendar()
    feed.add("prodid", "-//Milieu//Council meetings//FR")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{municipality.name} — {_('Council meetings')}")
    for found in selectors.calendar_meetings(municipality):
        entry = VEvent()
        entry.add("uid", f"council-meeting-{found.pk}@{uid_host()}")
        entry.add("dtstamp", found.updated_at)
        entry.add("dtstart", found.starts_at)
        entry.add("dtend", found.starts_at + selectors.CALENDAR_DURATION)
        entry.add("summary", found.title)
        if found.place:
            entry.add("location", found.place)
        entry.add("url", request.build_absolute_uri(meeting_url(found)))
        entry.add("status", "CANCELLED" if found.status == "cancelled" else "CONFIRMED")
        feed.add_component(entry)
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="council.ics"'
    return response


@require_GET
@municipality_view
@module_required(MODULE)
def document(request: MilieuRequest, meeting_id: int, document_id: int) -> FileResponse:
    """A meeting's PDF: public once the meeting is, the staff's before."""
    try:
        found = selectors.document_get(
            visible_to=request.user,
            municipality=request.municipality,
            meeting_id=meeting_id,
            document_id=document_id,
        )
    except NotFound:
        raise Http404(_("This document does not exist.")) from None
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This document does not exist.")) from None
    response = FileResponse(
        handle, content_type="application/pdf", filename=f"{found.title[:80]}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def questions_page(
    request: AuthenticatedRequest, meeting: Meeting, *, error: str = "", status: int = 200
) -> HttpResponse:
    groups = selectors.questions_by_item(meeting)
    return render(
        request,
        "participation/council/questions.html",
        {
            "municipality": request.municipality,
            "meeting": meeting,
            "groups": groups,
            "total": sum(len(group.questions) for group in groups),
            "manages": request.user.has_perm("participation.manage_council", request.municipality),
            "answer_form": AnswerForm(),
            "reject_form": RejectForm(),
            "error": error,
        },
        status=status,
    )


@require_GET
@staff_view("participation.read_council_questions")
@module_required(MODULE)
def questions(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    """The residents' questions, grouped by agenda item (other business last), with their
    authors' display names: for elected officials and staff (staff answer them here)."""
    return questions_page(request, meeting_or_404(request, meeting_id))
