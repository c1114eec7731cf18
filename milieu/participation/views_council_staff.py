"""The staff pages of council meetings (namespace `council_staff`,
`/<lang>/<municipality>/staff/council/`): every meeting of the municipality (drafts included), a
new meeting, a meeting's page of work (its details, agenda, documents, publishing, marking it as
held, its minutes), and answering or setting aside residents' questions (from the questions
page, `council:questions`).

Municipal staff with MFA only; an elected official reads the questions but manages nothing here.
Every write is a POST answered by a redirect and a message; a refusal shows the page again with
the reason (400) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view
from milieu.core.modules import module_required

from . import selectors_council as selectors
from . import services_council as services
from .forms_council import (
    AgendaItemForm,
    AnswerForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
    RejectForm,
)
from .models import AgendaItem, Meeting, MeetingDocument
from .permissions_council import MODULE
from .views_council import questions_page

PERM = "participation.manage_council"


def _meeting(request: AuthenticatedRequest, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_get(
            visible_to=request.user, municipality=request.municipality, meeting_id=meeting_id
        )
    except NotFound:
        raise Http404(_("This meeting does not exist.")) from None


def _work_url(meeting: Meeting) -> str:
    return reverse("council_staff:meeting", args=[meeting.municipality.slug, meeting.pk])


@require_GET
@staff_view(PERM)
@module_required(MODULE)
def meetings(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    return render(
        request,
        "participation/council/staff_list.html",
        {
            "municipality": municipality,
            "upcoming": selectors.meeting_page(
                municipality=municipality,
                visible_to=request.user,
                upcoming=True,
                page=request.GET.get("page"),
            ),
            "past": selectors.meeting_page(
                municipality=municipality,
                visible_to=request.user,
                upcoming=False,
                page=request.GET.get("past"),
            ),
        },
    )


def _form_page(request, form: MeetingForm, meeting: Meeting | None, status: int = 200):
    return render(
        request,
        "participation/council/meeting_form.html",
        {"municipality": request.municipality, "form": form, "meeting": meeting},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
@module_required(MODULE)
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, MeetingForm(initial={"original_language": "fr"}), None)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            created = services.meeting_create(
                actor=request.user, municipality=request.municipality, values=form.values()
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The meeting is created as a draft."))
            return redirect(_work_url(created))
    return _form_page(request, form, None, status=400)


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
@module_required(MODULE)
def meeting_edit(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    if request.method == "GET":
        return _form_page(request, MeetingForm(initial=MeetingForm.initial_of(found)), found)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=found, values=form.values())
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(_work_url(found))
    return _form_page(request, form, found, status=400)


def _work_page(
    request: AuthenticatedRequest,
    meeting: Meeting,
    *,
    forms: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    items = selectors.agenda(meeting)
    forms = forms or {}
    context = {
        "municipality": request.municipality,
        "meeting": meeting,
        "items": items,
        "documents": selectors.general_documents(meeting),
        "item_form": forms.get("item") or AgendaItemForm(),
        "document_form": forms.get("document") or DocumentForm(items=items),
        "minutes_form": forms.get("minutes") or MinutesForm(initial={"minutes": meeting.minutes}),
        "error": error,
    }
    return render(request, "participation/council/staff_meeting.html", context, status=status)


@require_GET
@staff_view(PERM)
@module_required(MODULE)
def meeting(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    return _work_page(request, _meeting(request, meeting_id))


def _state_change(request: AuthenticatedRequest, meeting_id: int, service, done: str):
    found = _meeting(request, meeting_id)
    try:
        service(actor=request.user, meeting=found)
    except ApplicationError as error:
        return _work_page(request, found, error=str(error.message), status=400)
    messages.success(request, done)
    return redirect(_work_url(found))


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def meeting_publish(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    return _state_change(
        request,
        meeting_id,
        services.meeting_publish,
        _("The meeting is published: residents may send their questions."),
    )


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def meeting_held(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    return _state_change(
        request, meeting_id, services.meeting_mark_held, _("The meeting is marked as held.")
    )


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def meeting_cancel(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    return _state_change(
        request, meeting_id, services.meeting_cancel, _("The meeting is cancelled.")
    )


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def minutes(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_publish(
                actor=request.user, meeting=found, minutes=form.cleaned_data["minutes"]
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The minutes are published."))
            return redirect(_work_url(found))
    return _work_page(request, found, forms={"minutes": form}, status=400)


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def item_add(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=found, values=form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The item is added to the agenda."))
            return redirect(_work_url(found) + "#agenda")
    return _work_page(request, found, forms={"item": form}, status=400)


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def item_delete(request: AuthenticatedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    item = AgendaItem.objects.filter(meeting=found, pk=item_id).first()
    if item is None:
        raise Http404(_("This agenda item does not exist."))
    item.meeting = found
    services.agenda_item_delete(actor=request.user, item=item)
    messages.success(request, _("The item is removed from the agenda."))
    return redirect(_work_url(found) + "#agenda")


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def document_add(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    form = DocumentForm(request.POST, request.FILES, items=selectors.agenda(found))
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                meeting=found,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                agenda_item=form.cleaned_data["agenda_item"] or None,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The document is added."))
            return redirect(_work_url(found) + "#documents")
    return _work_page(request, found, forms={"document": form}, status=400)


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def document_delete(
    request: AuthenticatedRequest, meeting_id: int, document_id: int
) -> HttpResponse:
    found = _meeting(request, meeting_id)
    document = MeetingDocument.objects.filter(meeting=found, pk=document_id).first()
    if document is None:
        raise Http404(_("This document does not exist."))
    document.meeting = found
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("The document is removed."))
    return redirect(_work_url(found) + "#documents")


def _question(request: AuthenticatedRequest, question_id: int):
    try:
        return selectors.question_get(municipality=request.municipality, question_id=question_id)
    except NotFound:
        raise Http404(_("This question does not exist.")) from None


def _back_to_questions(question) -> str:
    return (
        reverse("council:questions", args=[question.meeting.municipality.slug, question.meeting_id])
        + f"#question-{question.pk}"
    )


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def question_answer(request: AuthenticatedRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Write the answer."), code="validation")
        services.question_answer(
            actor=request.user, question=question, answer=form.cleaned_data["answer"]
        )
    except ApplicationError as error:
        return questions_page(request, question.meeting, error=str(error.message), status=400)
    messages.success(request, _("The answer is saved."))
    return redirect(_back_to_questions(question))


@require_POST
@staff_view(PERM)
@module_required(MODULE)
def question_reject(request: AuthenticatedRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Give the reason."), code="validation")
        services.question_reject(
            actor=request.user, question=question, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        return questions_page(request, question.meeting, error=str(error.message), status=400)
    messages.success(request, _("The question is set aside."))
    return redirect(_back_to_questions(question))
