"""The diagnostic's staff pages (namespace `diagnostic`, under
`/<lang>/<municipality>/staff/diagnostic/`, staff with MFA through `staff_view`): the draft to
continue or a new one to start, the history of completed diagnostics with their trend, the
questionnaire (saved as the team goes, completed once every question is answered) and a
completed diagnostic's results: radar chart with its data table, recommendations with "Add to my
plan", and the anonymous comparison with municipalities of similar size.

Every write is a service's; a refusal shows the page again with the reason (400, or 403/409)
and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

from . import selectors_diagnostic as selectors
from . import services_diagnostic as services
from .charts import radar_chart
from .dimensions import MAX_SCORE, Dimension
from .forms_diagnostic import QuestionnaireForm
from .models import Diagnostic, DiagnosticStatus
from .questions import QUESTIONS

RUN = "network.run_diagnostic"


def _diagnostic(request: AuthenticatedRequest, diagnostic_id: int) -> Diagnostic:
    try:
        return selectors.diagnostic_get_for(
            municipality=request.municipality, diagnostic_id=diagnostic_id
        )
    except NotFound:
        raise Http404(_("This diagnostic does not exist.")) from None


def detail_url(diagnostic: Diagnostic) -> str:
    return reverse("diagnostic:detail", args=[diagnostic.municipality.slug, diagnostic.pk])


@require_GET
@staff_view(RUN)
def index(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    history = selectors.diagnostic_history(municipality=municipality)
    trend = [
        (
            d,
            None
            if previous is None or d.overall is None or previous.overall is None
            else round(d.overall - previous.overall, 2),
        )
        for d, previous in zip(history, [*history[1:], None], strict=False)
    ]
    return render(
        request,
        "network/diagnostic_index.html",
        {
            "municipality": municipality,
            "draft": selectors.diagnostic_draft(municipality=municipality),
            "history": trend,
            "max_score": MAX_SCORE,
        },
    )


@require_POST
@staff_view(RUN)
def start(request: AuthenticatedRequest) -> HttpResponse:
    try:
        diagnostic = services.diagnostic_start(
            actor=request.user, municipality=request.municipality
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("diagnostic:index", request.municipality.slug)
    return redirect(detail_url(diagnostic))


@require_http_methods(["GET", "POST"])
@staff_view(RUN)
def detail(request: AuthenticatedRequest, diagnostic_id: int) -> HttpResponse:
    diagnostic = _diagnostic(request, diagnostic_id)
    if diagnostic.status == DiagnosticStatus.COMPLETED:
        if request.method == "POST":
            raise Http404
        return _results(request, diagnostic)
    answers = selectors.answers_of(diagnostic)
    form = QuestionnaireForm(request.POST or None, answers=answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.diagnostic_answer(
                    actor=request.user, diagnostic=diagnostic, answers=form.given()
                )
                if "complete" in request.POST:
                    services.diagnostic_complete(actor=request.user, diagnostic=diagnostic)
                    messages.success(request, _("The diagnostic is completed."))
                else:
                    messages.success(request, _("Your answers are saved."))
                return redirect(detail_url(diagnostic))
            except ApplicationError as error:
                form_error(form, error)
                status = 403 if error.status_code == 403 else 400
        else:
            status = 400
        answers = {**answers, **{k: v for k, v in form.data.items() if k in answers}}
    answered = len([q for q in QUESTIONS if q.key in answers])
    return render(
        request,
        "network/diagnostic_form.html",
        {
            "municipality": request.municipality,
            "diagnostic": diagnostic,
            "form": form,
            "answered": answered,
            "total": len(QUESTIONS),
        },
        status=status,
    )


def _results(request: AuthenticatedRequest, diagnostic: Diagnostic) -> HttpResponse:
    municipality = request.municipality
    comparison = selectors.comparison(municipality=municipality)
    scores = diagnostic.scores or {}
    rows = [
        (
            label,
            scores.get(key),
            comparison.means.get(key) if comparison.means else None,
        )
        for key, label in Dimension.choices
    ]
    return render(
        request,
        "network/diagnostic_results.html",
        {
            "municipality": municipality,
            "diagnostic": diagnostic,
            "chart": radar_chart(
                scores,
                title=_("Digital maturity of %(town)s, %(date)s")
                % {"town": municipality.name, "date": f"{diagnostic.completed_at:%Y-%m-%d}"},
                comparison=comparison.means,
            ),
            "rows": rows,
            "recommendations": selectors.recommendations(diagnostic),
            "comparison": comparison,
            "max_score": MAX_SCORE,
            "can_plan": request.user.has_perm("network.manage_plan", municipality),
        },
    )
