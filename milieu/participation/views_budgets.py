"""The pages of participatory budgets.

Public (namespace `participation`): a budget's page with its projects and, in the voting phase,
the vote (`budget`), and its results once closed (`budget_results`). The consultation page of
the frame shows this part through `consultation_section`. Staff (namespace
`participation_staff`): the projects of a draft budget (add, change, delete, reorder) and the
CSV export of the results.

Every page works without JavaScript. The vote is a form of checkboxes; a small script keeps a
running total against the budget (announced with `aria-live`) and warns when it goes over, but
the server decides: a vote over the budget is shown again with the same boxes checked and the
reason at the top, in an error summary (status 400), and nothing is saved.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import MilieuRequest, municipality_view, staff_view, status_of
from milieu.core.modules import module_required

from . import selectors_budgets as selectors
from . import services_budgets as services
from .charts import bar_chart
from .eligibility import refusal
from .forms_budgets import BudgetProjectForm
from .models import BudgetProject, Consultation
from .permissions_budgets import MODULE
from .results_budgets import csv_rows, money, title_of


def budget_or_404(request: MilieuRequest, consultation_id: int) -> Consultation:
    try:
        return selectors.budget_get(
            visible_to=request.user,
            consultation_id=consultation_id,
            municipality=request.municipality,
        )
    except NotFound:
        raise Http404(_("This consultation does not exist.")) from None


def budget_url(consultation: Consultation) -> str:
    return reverse("participation:budget", args=[consultation.municipality.slug, consultation.pk])


def _over_template(budget: Decimal | None) -> str:
    """The over-budget message with `{total}` in place of the total, for the page's script."""
    from django.utils.translation import gettext

    if budget is None:
        return ""
    return gettext(
        "Your choices cost %(total)s, more than the budget of %(budget)s. Remove a project to "
        "stay within the budget."
    ) % {"total": "{total}", "budget": money(budget)}


def _shown(projects) -> list[BudgetProject]:
    """The projects with their title and description in the reader's language, and cost."""
    projects = list(projects)
    for project in projects:
        project.title = project.translated("title")
        project.description = project.translated("description")
        project.cost_shown = money(project.cost)
    return projects


def _vote_context(request, consultation: Consultation, *, chosen: list[int] | None = None):
    projects = _shown(selectors.project_list(consultation=consultation))
    mine = selectors.my_vote(user=request.user, consultation=consultation)
    reason = refusal(request.user, consultation)
    chosen_ids = set(chosen if chosen is not None else mine.project_ids)
    total = sum((p.cost for p in projects if p.pk in chosen_ids), Decimal(0))
    budget = consultation.budget_amount
    return {
        "municipality": consultation.municipality,
        "consultation": consultation,
        "projects": projects,
        "chosen": chosen_ids,
        "mine": mine,
        "reason": reason,
        "may_vote": reason is None and not mine.voted,
        "budget": money(budget),
        "budget_raw": budget,
        "total": money(total),
        "over": budget is not None and total > budget,
        "over_message": services.over_budget_message(total, budget)
        if budget is not None and total > budget
        else "",
        "description": consultation.translated("description"),
        "money_pattern": money(0).replace("0", "{n}"),
        "over_template": _over_template(budget),
        "results_out": consultation.status == "closed" and consultation.results is not None,
    }


def consultation_section(request, consultation: Consultation) -> str:
    """This kind's part of the consultation page (the frame's `detail`): the budget, the
    projects and their costs, and where to vote or see the results."""
    context = _vote_context(request, consultation)
    return render_to_string("participation/budgets/_section.html", context, request=request)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
def budget_page(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    consultation = budget_or_404(request, consultation_id)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        chosen = request.POST.getlist("projects")
        try:
            services.budget_vote(
                actor=request.user,
                consultation=consultation,
                project_ids=chosen,
                age_confirmed=request.POST.get("age_confirmed") == "on",
            )
        except ApplicationError as error:
            fields = error.extra.get("fields") or {}
            context = _vote_context(
                request,
                consultation,
                chosen=[int(pk) for pk in chosen if str(pk).isdigit()],
            )
            context["error"] = str(error.message) if not fields else ""
            context["field_errors"] = [
                (name, message) for name, items in fields.items() for message in items
            ]
            if error.code == "over_budget":
                context["error"] = str(error.message)
                context["field_errors"] = [("projects", str(error.message))]
            return render(
                request,
                "participation/budgets/budget.html",
                context,
                status=status_of(error),
            )
        messages.success(request, _("Your vote is recorded. Thank you for taking part."))
        return redirect(budget_url(consultation))
    return render(
        request, "participation/budgets/budget.html", _vote_context(request, consultation)
    )


def _result_rows(consultation: Consultation) -> list[dict[str, Any]]:
    results = consultation.results or {}
    return [
        {
            **row,
            "label": title_of(row),
            "cost_shown": money(row["cost"]),
        }
        for row in results.get("projects", [])
    ]


def _results_context(consultation: Consultation) -> dict[str, Any]:
    rows = _result_rows(consultation)
    results = consultation.results or {}
    chart_rows = [(row["label"], row["votes"]) for row in rows]
    return {
        "municipality": consultation.municipality,
        "consultation": consultation,
        "funded": [row for row in rows if row["funded"]],
        "not_funded": [row for row in rows if not row["funded"]],
        "budget": money(results.get("budget")),
        "spent": money(results.get("spent")),
        "remaining": money(results.get("remaining")),
        "voters": results.get("voters", 0),
        "chart": bar_chart(chart_rows, title=_("Votes per project"), unit=_("votes")),
    }


def results_section(request, consultation: Consultation, results: dict | None = None) -> str:
    """The results part of the frame's results page (`register_pages`)."""
    return render_to_string(
        "participation/budgets/_results.html", _results_context(consultation), request=request
    )


def staff_links(consultation: Consultation) -> list[tuple[str, str]]:
    """The staff's links from the frame's back office to this kind's pages."""
    args = [consultation.municipality.slug, consultation.pk]
    return [
        (_("Projects of the budget"), reverse("participation_staff:budget_projects", args=args)),
        (_("Export the results (CSV)"), reverse("participation_staff:budget_export", args=args)),
    ]


@require_http_methods(["GET"])
@municipality_view
@module_required(MODULE)
def budget_results(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    consultation = budget_or_404(request, consultation_id)
    if not request.user.has_perm("participation.view_budget_results", consultation):
        raise Http404(_("The results are not out yet."))
    return render(request, "participation/budgets/results.html", _results_context(consultation))


# --- Staff --------------------------------------------------------------------------------------


def _staff_budget(request: MilieuRequest, consultation_id: int) -> Consultation:
    consultation = budget_or_404(request, consultation_id)
    if not request.user.has_perm("participation.manage_budget", consultation):
        raise Http404(_("This consultation does not exist."))
    return consultation


def _project(consultation: Consultation, project_id: int) -> BudgetProject:
    project = (
        BudgetProject.objects.filter(pk=project_id, consultation=consultation)
        .select_related("consultation__municipality")
        .first()
    )
    if project is None:
        raise Http404(_("This project does not exist."))
    return project


def _projects_url(consultation: Consultation) -> str:
    return reverse(
        "participation_staff:budget_projects",
        args=[consultation.municipality.slug, consultation.pk],
    )


@require_http_methods(["GET", "POST"])
@staff_view("participation.manage_consultations")
@module_required(MODULE)
def staff_projects(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    """The list of a budget's projects, and the form to add one."""
    consultation = _staff_budget(request, consultation_id)
    form = BudgetProjectForm(request.POST or None, municipality=consultation.municipality)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.budget_project_create(
                    actor=request.user, consultation=consultation, values=form.cleaned_data
                )
            except ApplicationError as error:
                form.add_service_errors(
                    error.extra.get("fields") or {"__all__": [str(error.message)]}
                )
                status = status_of(error)
            else:
                messages.success(request, _("The project is added."))
                return redirect(_projects_url(consultation))
        else:
            status = 400
    projects = _shown(selectors.project_list(consultation=consultation))
    total = sum((p.cost for p in projects), Decimal(0))
    return render(
        request,
        "participation/budgets/staff_projects.html",
        {
            "municipality": consultation.municipality,
            "consultation": consultation,
            "projects": projects,
            "form": form,
            "editable": consultation.status == "draft",
            "budget": money(consultation.budget_amount),
            "total": money(total),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view("participation.manage_consultations")
@module_required(MODULE)
def staff_project_edit(request: MilieuRequest, consultation_id: int, project_id: int):
    consultation = _staff_budget(request, consultation_id)
    project = _project(consultation, project_id)
    initial = services.project_values(project)
    form = BudgetProjectForm(
        request.POST or None, initial=initial, municipality=consultation.municipality
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.budget_project_update(
                    actor=request.user, project=project, values=form.cleaned_data
                )
            except ApplicationError as error:
                form.add_service_errors(
                    error.extra.get("fields") or {"__all__": [str(error.message)]}
                )
                status = status_of(error)
            else:
                messages.success(request, _("The project is saved."))
                return redirect(_projects_url(consultation))
        else:
            status = 400
    return render(
        request,
        "participation/budgets/staff_project_form.html",
        {
            "municipality": consultation.municipality,
            "consultation": consultation,
            "project": project,
            "form": form,
        },
        status=status,
    )


@require_POST
@staff_view("participation.manage_consultations")
@module_required(MODULE)
def staff_project_delete(request: MilieuRequest, consultation_id: int, project_id: int):
    consultation = _staff_budget(request, consultation_id)
    project = _project(consultation, project_id)
    try:
        services.budget_project_delete(actor=request.user, project=project)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The project is deleted."))
    return redirect(_projects_url(consultation))


@require_POST
@staff_view("participation.manage_consultations")
@module_required(MODULE)
def staff_project_move(request: MilieuRequest, consultation_id: int, project_id: int):
    consultation = _staff_budget(request, consultation_id)
    project = _project(consultation, project_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.budget_project_move(actor=request.user, project=project, offset=offset)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect(_projects_url(consultation))


@require_http_methods(["GET"])
@staff_view("participation.manage_consultations")
@module_required(MODULE)
def staff_export(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    consultation = _staff_budget(request, consultation_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{consultation.pk}.csv"'
    writer = csv.writer(response)
    for row in csv_rows(consultation):
        writer.writerow(row)
    return response
