"""The municipality's staff and the problems reported on exchanges (namespace `exchange_staff`,
under /<lang>/<municipality_slug>/staff/sharing/, MFA required): the queue, and a problem's page
with the exchange's timeline and the form that resolves or dismisses it.

Staff pages do not require the sharing module to be on: problems reported before it was
switched off are still answered. Every reading of a problem's page is logged as
`personal_data_access` (`selectors.problem_get`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

from . import selectors, services
from .forms import ProblemFilterForm, ProblemResolveForm
from .models import ExchangeProblem, ProblemStatus
from .views import timeline

PERM = "exchange.moderate_exchanges"


@require_GET
@staff_view(PERM)
def problems(request: AuthenticatedRequest) -> HttpResponse:
    """The problems reported in the municipality, newest first: open ones unless `status` says
    otherwise (empty: all)."""
    data = request.GET if "status" in request.GET else {"status": ProblemStatus.OPEN}
    filters = ProblemFilterForm(data)
    status = filters.cleaned_data["status"] if filters.is_valid() else ProblemStatus.OPEN
    found = selectors.problem_list(
        visible_to=request.user, municipality=request.municipality, status=status
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    template = "exchange/staff/problem_list.html"
    if request.htmx:
        template += "#problem-list"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "filters": filters,
            "page": page,
            "problems": list(page),
            "query": urlencode({"status": status}),
        },
    )


def _problem_page(
    request: AuthenticatedRequest,
    problem: ExchangeProblem,
    *,
    form: ProblemResolveForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    exchange = problem.exchange
    return render(
        request,
        "exchange/staff/problem_detail.html",
        {
            "municipality": request.municipality,
            "problem": problem,
            "exchange": exchange,
            "listing": exchange.listing,
            "events": timeline(exchange, with_problems=True),
            "form": (
                form or ProblemResolveForm() if problem.status == ProblemStatus.OPEN else None
            ),
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
def problem(request: AuthenticatedRequest, problem_id: int) -> HttpResponse:
    """A problem with its exchange; a POST resolves or dismisses it with a note to the
    reporter, who is told."""
    try:
        found = selectors.problem_get(
            visible_to=request.user, municipality=request.municipality, problem_id=problem_id
        )
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if request.method == "GET":
        return _problem_page(request, found)
    form = ProblemResolveForm(request.POST)
    if not form.is_valid():
        return _problem_page(request, found, form=form, status=400)
    try:
        services.exchange_problem_resolve(actor=request.user, problem=found, **form.cleaned_data)
    except ApplicationError as error:
        if error.extra.get("fields"):
            form_error(form, error)
            return _problem_page(request, found, form=form, status=400)
        return _problem_page(request, found, error=str(error.message), status=400)
    messages.success(request, _("The problem is closed; the person who reported it is told."))
    return redirect("exchange_staff:problems", municipality_slug=request.municipality.slug)
