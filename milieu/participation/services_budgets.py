"""Every write of participatory budgets: the projects (staff, while the consultation is a
draft) and the vote.

Values arrive as a dict of plain values (a form's `cleaned_data` or an API payload) and are
checked here, so that the pages and the API refuse the same things with the same messages. A
refused write leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict, NotFound, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require

from .eligibility import require_eligible
from .models import (
    Ballot,
    BallotMode,
    BudgetProject,
    BudgetVote,
    BudgetVoteItem,
    Consultation,
    ConsultationStatus,
)
from .permissions_budgets import KIND
from .results_budgets import money

MAX_COST = Decimal("9999999999.99")
PROJECT_FIELDS = (
    *(f"{name}_{code}" for name in ("title", "description") for code in LANGUAGE_CODES),
    "original_language",
    "cost",
    "district",
    "place_name",
)


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    return value


def _cost(values: dict[str, Any]) -> Decimal:
    raw = values.get("cost")
    try:
        cost = Decimal(str(raw).replace("\xa0", "").replace(" ", "").replace(",", "."))
        cost = cost.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise field_error("cost", _("Enter the project's cost in dollars.")) from None
    if not cost.is_finite() or cost <= 0 or cost > MAX_COST:
        raise field_error("cost", _("Enter a cost greater than 0 $."))
    return cost


def _district(values: dict[str, Any], consultation: Consultation):
    from milieu.territory.models import District

    wanted = values.get("district")
    if wanted in (None, ""):
        return None
    wanted = str(getattr(wanted, "pk", wanted))
    district = (
        District.objects.filter(
            pk=int(wanted), municipality_id=consultation.municipality_id
        ).first()
        if wanted.isdigit()
        else None
    )
    if district is None:
        raise field_error("district", _("Choose one of the municipality's districts."))
    return district


def _validate_project(values: dict[str, Any], consultation: Consultation) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for code in LANGUAGE_CODES:
        clean[f"title_{code}"] = _text(values, f"title_{code}", 200)
        clean[f"description_{code}"] = _text(values, f"description_{code}", 5000)
    written = [code for code in LANGUAGE_CODES if clean[f"title_{code}"]]
    if not written:
        raise field_error("title_fr", _("Give a title in at least one language."))
    chosen = str(values.get("original_language") or "")
    if chosen and chosen not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose among French, English and Spanish."))
    clean["original_language"] = chosen if chosen in written else written[0]
    clean["cost"] = _cost(values)
    clean["district"] = _district(values, consultation)
    clean["place_name"] = _text(values, "place_name", 200)
    return clean


def project_values(project: BudgetProject) -> dict[str, Any]:
    """A project's current values, in the shape the services take (for a partial update)."""
    values = {field: getattr(project, field) for field in PROJECT_FIELDS if field != "district"}
    values["district"] = project.district_id
    return values


def _draft(consultation: Consultation) -> Consultation:
    """The consultation, locked, if it is a budget draft; else a conflict."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.kind != KIND:
        raise NotFound(_("This consultation is not a participatory budget."))
    if consultation.status != ConsultationStatus.DRAFT:
        raise Conflict(
            _("The projects can only be changed while the consultation is a draft."),
            code="wrong_state",
        )
    return consultation


# --- Projects (staff) ---------------------------------------------------------------------------


@transaction.atomic
def budget_project_create(
    *, actor, consultation: Consultation, values: dict[str, Any]
) -> BudgetProject:
    """A project at the end of the draft consultation's list."""
    require(actor, "participation.manage_budget", consultation)
    consultation = _draft(consultation)
    clean = _validate_project(values, consultation)
    last = BudgetProject.objects.filter(consultation=consultation).aggregate(m=Max("position"))
    position = 0 if last["m"] is None else last["m"] + 1
    project = BudgetProject(consultation=consultation, position=position, **clean)
    project.save()
    return project


@transaction.atomic
def budget_project_update(
    *, actor, project: BudgetProject, values: dict[str, Any]
) -> BudgetProject:
    require(actor, "participation.manage_budget", project.consultation)
    consultation = _draft(project.consultation)
    project = BudgetProject.objects.select_for_update().get(pk=project.pk)
    clean = _validate_project({**project_values(project), **values}, consultation)
    for field, value in clean.items():
        setattr(project, field, value)
    project.save()
    return project


@transaction.atomic
def budget_project_delete(*, actor, project: BudgetProject) -> None:
    require(actor, "participation.manage_budget", project.consultation)
    _draft(project.consultation)
    BudgetProject.objects.filter(pk=project.pk).delete()


@transaction.atomic
def budget_project_move(*, actor, project: BudgetProject, offset: int) -> list[BudgetProject]:
    """Move a project up (`offset` -1) or down (+1) the list; the consultation's projects in
    their new order."""
    require(actor, "participation.manage_budget", project.consultation)
    consultation = _draft(project.consultation)
    projects = list(
        BudgetProject.objects.filter(consultation=consultation).order_by("position", "pk")
    )
    index = next(i for i, p in enumerate(projects) if p.pk == project.pk)
    target = max(0, min(len(projects) - 1, index + offset))
    projects.insert(target, projects.pop(index))
    return _renumber(projects)


@transaction.atomic
def budget_project_reorder(
    *, actor, consultation: Consultation, project_ids: Iterable[int]
) -> list[BudgetProject]:
    """Put the projects in the order of `project_ids` (every project of the consultation)."""
    require(actor, "participation.manage_budget", consultation)
    consultation = _draft(consultation)
    projects = {p.pk: p for p in BudgetProject.objects.filter(consultation=consultation)}
    try:
        wanted = [int(pk) for pk in project_ids]
    except (TypeError, ValueError):
        raise field_error("project_ids", _("List each project of the budget once.")) from None
    if sorted(wanted) != sorted(projects):
        raise field_error("project_ids", _("List each project of the budget once."))
    return _renumber([projects[pk] for pk in wanted])


def _renumber(projects: list[BudgetProject]) -> list[BudgetProject]:
    for position, project in enumerate(projects):
        if project.position != position:
            project.position = position
            project.save(update_fields=["position"])
    return projects


# --- Voting -------------------------------------------------------------------------------------


def _project_ids(raw: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    try:
        for item in raw or ():
            number = int(item)
            if number not in ids:
                ids.append(number)
    except (TypeError, ValueError):
        raise field_error("projects", _("Choose among the budget's projects.")) from None
    return ids


def over_budget_message(total: Decimal, budget: Decimal) -> str:
    return _(
        "Your choices cost %(total)s, more than the budget of %(budget)s. Remove a project to "
        "stay within the budget."
    ) % {"total": money(total), "budget": money(budget)}


@transaction.atomic
def budget_vote(
    *, actor, consultation: Consultation, project_ids: Iterable[Any], age_confirmed: bool = False
) -> BudgetVote:
    """Vote for projects whose total cost stays within the budget, once per person.

    The person's `Ballot` and the vote are written together; a second vote fails on the
    ballot's UNIQUE constraint (a conflict) and writes nothing. In a secret ballot the vote
    names no one."""
    if consultation.kind != KIND:
        raise NotFound(_("This consultation is not a participatory budget."))
    require_eligible(actor, consultation, age_confirmed=age_confirmed)
    require(actor, "participation.vote_budget", consultation)
    ids = _project_ids(project_ids)
    if not ids:
        raise field_error("projects", _("Choose at least one project."))
    projects = list(BudgetProject.objects.filter(consultation=consultation, pk__in=ids))
    if len(projects) != len(ids):
        raise field_error("projects", _("Choose among the budget's projects."))
    budget = consultation.budget_amount
    if budget is None:
        raise Conflict(_("This budget has no amount yet."), code="wrong_state")
    total = sum((p.cost for p in projects), Decimal(0))
    if total > budget:
        raise ApplicationError(
            over_budget_message(total, budget),
            code="over_budget",
            extra={"fields": {"projects": [over_budget_message(total, budget)]}},
        )
    try:
        with transaction.atomic():
            Ballot.objects.create(
                consultation=consultation, user=actor, age_confirmed=bool(age_confirmed)
            )
    except IntegrityError:
        raise Conflict(_("You have already voted."), code="already_voted") from None
    vote = BudgetVote.objects.create(
        consultation=consultation,
        user=actor if consultation.ballot_mode == BallotMode.OPEN else None,
    )
    BudgetVoteItem.objects.bulk_create(
        [BudgetVoteItem(vote=vote, project=project) for project in projects]
    )
    return vote


def publish_refusal(consultation: Consultation) -> dict[str, str] | None:
    """What a participatory budget lacks before it may be published: its amount, projects, and
    no project costing more than the whole budget (it could never be funded)."""
    if not consultation.budget_amount:
        return {"budget_amount": _("Give the amount of the budget before publishing it.")}
    projects = list(BudgetProject.objects.filter(consultation=consultation))
    if not projects:
        return {"projects": _("Add the projects to vote on before publishing the budget.")}
    for project in projects:
        if project.cost > consultation.budget_amount:
            return {
                "projects": _(
                    "The project “%(project)s” costs more than the whole budget: it could "
                    "never be funded."
                )
                % {"project": project.translated("title")}
            }
    return None
