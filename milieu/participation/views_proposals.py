"""The pages of calls for proposals (namespace `participation`): a call's ideas (by supports or
newest, by status), submitting and changing an idea, an idea's page with its supports and the
city's answer, supporting and taking a support back; and the call's section of the
consultation's page (`call_section`, registered as the kind's `detail`).

The staff's pages are in `views_staff_proposals` below (namespace `participation_staff`).

Every page works without JavaScript: a support is a POST answered by a redirect and a message;
under htmx, by the support box (the counter and the button) swapped in place. A refusal shows
the page again with the service's reason (400, 403 for a permission) and changes nothing. Pages
name people by their display name only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    status_of,
)
from milieu.core.modules import module_required

from . import eligibility
from . import selectors_proposals as selectors
from . import services_proposals as services
from .forms_proposals import ProposalForm
from .models import Consultation, Proposal
from .permissions_proposals import MODULE

SECTION_SHOWN = 5  # the most supported ideas on the consultation's page


def proposal_url(proposal: Proposal) -> str:
    return reverse("participation:proposal", args=[proposal.municipality.slug, proposal.pk])


def call_url(consultation: Consultation) -> str:
    return reverse(
        "participation:proposal_list", args=[consultation.municipality.slug, consultation.pk]
    )


def call_or_404(request: MilieuRequest, consultation_id: int) -> Consultation:
    try:
        return selectors.call_get(
            visible_to=request.user,
            municipality=request.municipality,
            consultation_id=consultation_id,
        )
    except NotFound:
        raise Http404(_("This call for proposals does not exist.")) from None


def proposal_or_404(request: MilieuRequest, proposal_id: int) -> Proposal:
    try:
        return selectors.proposal_get(
            visible_to=request.user, municipality=request.municipality, proposal_id=proposal_id
        )
    except NotFound:
        raise Http404(_("This idea does not exist.")) from None


def call_context(request: MilieuRequest, consultation: Consultation) -> dict[str, Any]:
    """What every page of a call says about it: the phase, the threshold, whether the reader
    may submit (or why not)."""
    reason = eligibility.refusal(request.user, consultation)
    return {
        "municipality": request.municipality,
        "consultation": consultation,
        "phase": eligibility.current_phase(consultation),
        "action_phase": eligibility.action_phase(consultation),
        "threshold": consultation.support_threshold,
        "may_submit": reason is None,
        "refusal": reason,
    }


# --- The consultation page's section ------------------------------------------------------------


def call_section(request: MilieuRequest, consultation: Consultation) -> str:
    """The call's part of the consultation's page: the most supported ideas, and the way to
    submit one (or why not)."""
    found = selectors.proposal_list(consultation=consultation)
    top = list(found[:SECTION_SHOWN])
    context = {
        **call_context(request, consultation),
        "proposals": top,
        "count": found.count() if len(top) == SECTION_SHOWN else len(top),
        "list_url": call_url(consultation),
        "supported": selectors.supported_ids(request.user, [p.pk for p in top]),
        "is_staff": request.user.has_perm(
            "participation.manage_proposals", consultation.municipality
        ),
    }
    return render_to_string("participation/proposals/_section.html", context, request=request)


# --- A call's ideas -----------------------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
def proposal_list(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    """A call's ideas, most supported (or newest) first, with a status filter; 20 a page."""
    from .forms_proposals import ListFilterForm

    consultation = call_or_404(request, consultation_id)
    filters = ListFilterForm(request.GET)
    sort, status = "support", ""
    if filters.is_valid():
        sort = filters.cleaned_data["sort"] or "support"
        status = filters.cleaned_data["status"] or ""
    found = selectors.proposal_list(consultation=consultation, sort=sort, status=status)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    proposals = list(page)
    template = "participation/proposals/list.html"
    if request.htmx:
        template += "#proposal-results"
    return render(
        request,
        template,
        {
            **call_context(request, consultation),
            "filters": filters,
            "page": page,
            "proposals": proposals,
            "supported": selectors.supported_ids(request.user, [p.pk for p in proposals]),
            "query": urlencode({k: v for k, v in (("sort", sort), ("status", status)) if v}),
        },
    )


def _form_page(
    request: MilieuRequest,
    consultation: Consultation,
    form: ProposalForm,
    *,
    proposal: Proposal | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = {**call_context(request, consultation), "form": form, "proposal": proposal}
    if error:
        context["refusal"] = error
    return render(request, "participation/proposals/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def proposal_create(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    """Submit an idea to a call during its submission phase (eligible people)."""
    consultation = call_or_404(request, consultation_id)
    form = ProposalForm(request.POST or None, consultation=consultation)
    if not request.user.has_perm("participation.submit_proposal", consultation):
        # The page says why (`refusal`), and a POST changes nothing.
        return _form_page(request, consultation, form, status=403)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                actor=request.user, consultation=consultation, values=form.cleaned_data
            )
        except ApplicationError as error:
            form_error(form, error)
            return _form_page(request, consultation, form, status=status_of(error))
        messages.success(request, _("Your idea is published. Share it so that others support it."))
        return redirect(proposal_url(proposal))
    return _form_page(request, consultation, form, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def proposal_edit(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    """The author changes the idea until the first support."""
    proposal = proposal_or_404(request, proposal_id)
    consultation = proposal.consultation
    if proposal.author_id != request.user.pk:
        raise Http404(_("This idea does not exist."))
    initial = services.proposal_values(proposal)
    form = ProposalForm(request.POST or None, consultation=consultation, initial=initial)
    if not request.user.has_perm("participation.change_proposal", proposal):
        return _form_page(
            request,
            consultation,
            form,
            proposal=proposal,
            status=403,
            error=_("Your idea can no longer be changed: people support it, or the phase is over."),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                actor=request.user, proposal=proposal, values=form.cleaned_data
            )
        except ApplicationError as error:
            form_error(form, error)
            return _form_page(
                request, consultation, form, proposal=proposal, status=status_of(error)
            )
        messages.success(request, _("Your idea is changed."))
        return redirect(proposal_url(proposal))
    status = 400 if request.method == "POST" else 200
    return _form_page(request, consultation, form, proposal=proposal, status=status)


# --- An idea ------------------------------------------------------------------------------------


def support_context(request: MilieuRequest, proposal: Proposal) -> dict[str, Any]:
    user = request.user
    supports = bool(selectors.supported_ids(user, [proposal.pk]))
    return {
        "proposal": proposal,
        "supports": supports,
        "may_support": not supports and user.has_perm("participation.support_proposal", proposal),
        "may_unsupport": supports and user.has_perm("participation.unsupport_proposal", proposal),
        "is_author": user.is_authenticated and proposal.author_id == user.pk,
        "threshold": proposal.consultation.support_threshold,
    }


def proposal_page(
    request: MilieuRequest, proposal: Proposal, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        **call_context(request, proposal.consultation),
        **support_context(request, proposal),
        "error": error,
        "may_edit": user.has_perm("participation.change_proposal", proposal),
        "may_withdraw": user.has_perm("participation.withdraw_proposal", proposal),
        "may_answer": user.has_perm("participation.answer_proposal", proposal),
    }
    return render(request, "participation/proposals/detail.html", context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
def proposal_detail(request: MilieuRequest, proposal_id: int) -> HttpResponse:
    """An idea: its text, its supports (and the button), its status and the city's answer."""
    return proposal_page(request, proposal_or_404(request, proposal_id))


def _support_answer(
    request: AuthenticatedRequest,
    proposal: Proposal,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """An htmx answer: the support box as it is now, with what happened."""
    proposal = proposal_or_404(request, proposal.pk)
    return render(
        request,
        "participation/proposals/detail.html#support-box",
        {
            **call_context(request, proposal.consultation),
            **support_context(request, proposal),
            "notice": notice,
            "support_error": error,
        },
        status=status,
    )


def _write(request: AuthenticatedRequest, proposal_id: int, action, notice: str) -> HttpResponse:
    proposal = proposal_or_404(request, proposal_id)
    if not request.user.is_authenticated:
        return redirect_to_login(proposal_url(proposal))
    try:
        action(actor=request.user, proposal=proposal)
    except ApplicationError as error:
        if request.htmx:  # 400 whatever the reason, so that htmx swaps the box with it
            return _support_answer(request, proposal, error=str(error.message), status=400)
        return proposal_page(
            request,
            proposal_or_404(request, proposal_id),
            error=str(error.message),
            status=status_of(error),
        )
    if request.htmx:
        return _support_answer(request, proposal, notice=notice)
    messages.success(request, notice)
    return redirect(proposal_url(proposal))


@require_POST
@municipality_view
@module_required(MODULE)
def support(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    return _write(
        request, proposal_id, services.support_add, _("Thank you: you support this idea.")
    )


@require_POST
@municipality_view
@module_required(MODULE)
def unsupport(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    return _write(
        request, proposal_id, services.support_remove, _("You no longer support this idea.")
    )


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def withdraw(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    return _write(request, proposal_id, services.proposal_withdraw, _("Your idea is withdrawn."))


# --- The consultation's results page and its staff links ----------------------------------------

RESULTS_CHARTED = 10  # the most supported ideas in the chart; the table lists them all


def results_section(request: MilieuRequest, consultation: Consultation, results: dict) -> str:
    """The call's results: its ideas ranked by support, with their status (a bar chart of the
    first ten and the full table)."""
    from .charts import bar_chart
    from .models import ProposalStatus

    ranking = results.get("ranking", []) if results else []
    statuses = dict(ProposalStatus.choices)
    rows = [{**row, "status_label": statuses.get(row["status"], row["status"])} for row in ranking]
    chart = bar_chart(
        [(row["title"], row["supports"]) for row in rows[:RESULTS_CHARTED]],
        title=_("The most supported ideas"),
        unit=_("supports"),
    )
    return render_to_string(
        "participation/proposals/_results.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "results": results,
            "rows": rows,
            "chart": chart if rows else "",
        },
        request=request,
    )


def staff_links(consultation: Consultation) -> list[tuple[str, str]]:
    url = reverse("participation_staff:proposals", args=[consultation.municipality.slug])
    return [(_("Ideas and the city's answers"), f"{url}?state=all&consultation={consultation.pk}")]
