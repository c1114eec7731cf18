"""The staff's pages of calls for proposals (namespace `participation_staff`, under
/<lang>/<municipality_slug>/staff/participation/, MFA required): the queue of ideas awaiting the
city's answer (over the threshold and unanswered first, with filters, 20 a page), and an idea's
page where staff publish the answer, change the status, hide or show it again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

from . import selectors_proposals as selectors
from . import services_proposals as services
from .forms_proposals import AnswerForm, HideForm, QueueFilterForm
from .models import Proposal
from .views_proposals import proposal_url, status_of

PERM = "participation.manage_proposals"


def _proposal(request: AuthenticatedRequest, proposal_id: int) -> Proposal:
    try:
        return selectors.proposal_get(
            visible_to=request.user, municipality=request.municipality, proposal_id=proposal_id
        )
    except NotFound:
        raise Http404(_("This idea does not exist.")) from None


def staff_proposal_url(proposal: Proposal) -> str:
    return reverse("participation_staff:proposal", args=[proposal.municipality.slug, proposal.pk])


@require_GET
@staff_view(PERM)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The ideas of the municipality's calls, those awaiting an answer first."""
    calls = selectors.staff_calls(municipality=request.municipality)
    data = request.GET if request.GET else {"state": "awaiting"}
    filters = QueueFilterForm(data, calls=calls)
    wanted = selectors.QueueFilters()
    if filters.is_valid():
        wanted = selectors.QueueFilters(
            state=filters.cleaned_data["state"] or "all",
            consultation_id=filters.cleaned_data["consultation"],
            status=filters.cleaned_data["status"] or "",
        )
    found = selectors.staff_queue(municipality=request.municipality, filters=wanted)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    template = "participation/proposals/staff_queue.html"
    if request.htmx:
        template += "#queue"
    query = {"state": wanted.state, "status": wanted.status}
    if wanted.consultation_id:
        query["consultation"] = str(wanted.consultation_id)
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "filters": filters,
            "page": page,
            "proposals": list(page),
            "query": urlencode({k: v for k, v in query.items() if v}),
        },
    )


def _page(
    request: AuthenticatedRequest,
    proposal: Proposal,
    *,
    answer_form: AnswerForm | None = None,
    hide_form: HideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    initial = {
        "status": proposal.status if proposal.answered_at else "accepted",
        "answer": proposal.answer,
        "language": proposal.answer_language or (get_language() or "fr")[:2],
    }
    return render(
        request,
        "participation/proposals/staff_proposal.html",
        {
            "municipality": request.municipality,
            "proposal": proposal,
            "consultation": proposal.consultation,
            "answer_form": answer_form or AnswerForm(initial=initial),
            "hide_form": hide_form or HideForm(),
            "public_url": proposal_url(proposal),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
def proposal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    """An idea for staff, with the form that publishes the city's answer."""
    found = _proposal(request, proposal_id)
    if request.method == "GET":
        return _page(request, found)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, found, answer_form=form, status=400)
    try:
        services.proposal_answer(
            actor=request.user,
            proposal=found,
            status=form.cleaned_data["status"],
            answer=form.cleaned_data["answer"],
            language=form.cleaned_data["language"],
        )
    except ApplicationError as error:
        form_error(form, error)
        return _page(request, found, answer_form=form, status=status_of(error))
    messages.success(request, _("The answer is published; the author and supporters are told."))
    return redirect(staff_proposal_url(found))


@require_POST
@staff_view(PERM)
def hide(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        return _page(request, found, hide_form=form, status=400)
    try:
        services.proposal_hide(
            actor=request.user, proposal=found, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        form_error(form, error)
        return _page(request, found, hide_form=form, status=status_of(error))
    messages.success(request, _("The idea is hidden from the public."))
    return redirect(staff_proposal_url(found))


@require_POST
@staff_view(PERM)
def unhide(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    found = _proposal(request, proposal_id)
    try:
        services.proposal_unhide(actor=request.user, proposal=found)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect(staff_proposal_url(found))
    messages.success(request, _("The idea is public again."))
    return redirect(staff_proposal_url(found))
