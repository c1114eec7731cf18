"""The API of participatory budgets (tag `budgets`): a budget's projects, the staff's changes
to them while the consultation is a draft, the vote, the reader's vote status, and the results.

Who sees what. A published or closed budget of a municipality with the participation module on
is public, its projects with it; a draft is seen by the municipality's staff (with MFA) only;
anything else is *not found*. Voting is for the people the consultation admits, in its voting
phase, once. In a secret ballot, the status says only whether the reader voted.

Errors have the shared body `{"error": {"code", "message", "fields"}}`: a vote over the budget
is a 400 with code `over_budget` and a message naming the total and the budget; a second vote a
409 (`already_voted`). A refused write changes nothing. Amounts are strings of dollars with two
decimals (`"250000.00"`); texts are in the request's language (`Accept-Language`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from milieu.core.errors import NotFound
from milieu.core.schemas import ErrorOut

from . import selectors_budgets as selectors
from . import services_budgets as services
from .models import BudgetProject, Consultation
from .results_budgets import title_of

router = Router(tags=["budgets"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
BUDGET = "/consultations/{consultation_id}"
PROJECT = "/budget-projects/{project_id}"


class BudgetProjectOut(Schema):
    id: int
    consultation: int
    title: str = Field(..., description="In the request's language, else the original one.")
    description: str
    title_fr: str
    title_en: str
    title_es: str
    description_fr: str
    description_en: str
    description_es: str
    original_language: str
    cost: str = Field(..., description="Dollars, two decimals.")
    district: int | None
    place_name: str
    position: int
    selected: bool = Field(..., description="Funded, once the results are out.")


class BudgetProjectIn(Schema):
    """A new project of a draft budget (added at the end of the list)."""

    title_fr: str = Field("", description="At most 200 characters; a title in one language.")
    title_en: str = ""
    title_es: str = ""
    description_fr: str = Field("", description="At most 5000 characters.")
    description_en: str = ""
    description_es: str = ""
    original_language: str = Field("", description="fr, en or es; the first written otherwise.")
    cost: str = Field(..., description='Dollars, more than 0 (`"250000"`, `"1250.50"`).')
    district: int | None = Field(None, description="One of the municipality's districts.")
    place_name: str = ""


class BudgetProjectPatch(Schema):
    """Changes to a project of a draft budget: only the fields sent."""

    title_fr: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    description_es: str | None = None
    original_language: str | None = None
    cost: str | None = None
    district: int | None = None
    place_name: str | None = None
    position: int | None = Field(None, description="The project's new place in the list (0 first).")


class BudgetVoteIn(Schema):
    project_ids: list[int] = Field(
        ..., description="The chosen projects: at least one, total cost within the budget."
    )
    age_confirmed: bool = Field(
        False, description="The voter declares the minimum age, when there is one."
    )


class BudgetVoteStatusOut(Schema):
    voted: bool
    project_ids: list[int] = Field(..., description="Open ballots only; empty in a secret one.")
    total: str
    budget: str
    may_vote: bool
    reason: str = Field(..., description="Why the reader may not vote now, when they may not.")


class BudgetResultRowOut(Schema):
    id: int
    rank: int
    title: str
    cost: str
    votes: int
    funded: bool


class BudgetResultsOut(Schema):
    budget: str
    spent: str
    remaining: str
    voters: int
    projects: list[BudgetResultRowOut]


def _budget(request: HttpRequest, consultation_id: int) -> Consultation:
    return selectors.budget_get(visible_to=request.user, consultation_id=consultation_id)


def _project(request: HttpRequest, project_id: int) -> BudgetProject:
    return selectors.project_get(visible_to=request.user, project_id=project_id)


def _manageable(request: HttpRequest, project_id: int) -> BudgetProject:
    project = _project(request, project_id)
    if not request.user.has_perm("participation.manage_budget", project.consultation):
        raise NotFound(_("This project does not exist."))
    return project


def _shown(project: BudgetProject) -> dict[str, Any]:
    return {
        "id": project.pk,
        "consultation": project.consultation_id,
        "title": project.translated("title"),
        "description": project.translated("description"),
        **{
            f"{name}_{code}": getattr(project, f"{name}_{code}")
            for name in ("title", "description")
            for code in ("fr", "en", "es")
        },
        "original_language": project.original_language,
        "cost": f"{project.cost:.2f}",
        "district": project.district_id,
        "place_name": project.place_name,
        "position": project.position,
        "selected": project.selected,
    }


@router.get(
    f"{BUDGET}/budget-projects", response={200: list[BudgetProjectOut], **ERRORS}, auth=None
)
def project_list(request, consultation_id: int):
    """The projects of a budget, in the staff's order (public once published)."""
    consultation = _budget(request, consultation_id)
    return [_shown(p) for p in selectors.project_list(consultation=consultation)]


@router.get(PROJECT, response={200: BudgetProjectOut, **ERRORS}, auth=None)
def project_get(request, project_id: int):
    return _shown(_project(request, project_id))


@router.post(f"{BUDGET}/budget-projects", response={201: BudgetProjectOut, **ERRORS})
def project_create(request, consultation_id: int, payload: BudgetProjectIn):
    """Add a project to a draft budget (the municipality's staff, with MFA)."""
    consultation = _budget(request, consultation_id)
    values = {k: v for k, v in payload.dict().items() if v is not None}
    project = services.budget_project_create(
        actor=request.user, consultation=consultation, values=values
    )
    return Status(201, _shown(project))


@router.patch(PROJECT, response={200: BudgetProjectOut, **ERRORS})
def project_update(request, project_id: int, payload: BudgetProjectPatch):
    """Change a project of a draft budget; `position` moves it in the list."""
    project = _manageable(request, project_id)
    values = payload.dict(exclude_unset=True)
    position = values.pop("position", None)
    values = {k: v for k, v in values.items() if v is not None or k == "district"}
    if values:
        project = services.budget_project_update(actor=request.user, project=project, values=values)
    if position is not None:
        ids = list(
            BudgetProject.objects.filter(consultation_id=project.consultation_id)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        ids.remove(project.pk)
        ids.insert(max(0, min(position, len(ids))), project.pk)
        services.budget_project_reorder(
            actor=request.user, consultation=project.consultation, project_ids=ids
        )
    return _shown(_project(request, project_id))


@router.delete(PROJECT, response={204: None, **ERRORS})
def project_delete(request, project_id: int):
    """Delete a project of a draft budget."""
    project = _manageable(request, project_id)
    services.budget_project_delete(actor=request.user, project=project)
    return Status(204, None)


def _status(request, consultation: Consultation) -> dict[str, Any]:
    from .eligibility import refusal

    mine = selectors.my_vote(user=request.user, consultation=consultation)
    reason = refusal(request.user, consultation)
    return {
        "voted": mine.voted,
        "project_ids": mine.project_ids,
        "total": f"{mine.total:.2f}",
        "budget": f"{consultation.budget_amount or 0:.2f}",
        "may_vote": reason is None and not mine.voted,
        "reason": (_("You have already voted.") if mine.voted else reason) or "",
    }


@router.post(f"{BUDGET}/budget-vote", response={201: BudgetVoteStatusOut, **ERRORS})
def vote(request, consultation_id: int, payload: BudgetVoteIn):
    """Vote for projects whose total cost stays within the budget (once)."""
    consultation = _budget(request, consultation_id)
    services.budget_vote(
        actor=request.user,
        consultation=consultation,
        project_ids=payload.project_ids,
        age_confirmed=payload.age_confirmed,
    )
    return Status(201, _status(request, consultation))


@router.get(f"{BUDGET}/budget-vote", response={200: BudgetVoteStatusOut, **ERRORS})
def vote_status(request, consultation_id: int):
    """Whether the reader voted (and for what, in an open ballot) and whether they may."""
    return _status(request, _budget(request, consultation_id))


@router.get(f"{BUDGET}/budget-results", response={200: BudgetResultsOut, **ERRORS}, auth=None)
def results(request, consultation_id: int):
    """The results of a closed budget: projects by votes, funded or not, and what remains."""
    consultation = _budget(request, consultation_id)
    if not request.user.has_perm("participation.view_budget_results", consultation):
        raise NotFound(_("The results are not out yet."))
    data = consultation.results or {}
    return {
        "budget": data["budget"],
        "spent": data["spent"],
        "remaining": data["remaining"],
        "voters": data["voters"],
        "projects": [
            {
                "id": row["id"],
                "rank": row["rank"],
                "title": title_of(row),
                "cost": row["cost"],
                "votes": row["votes"],
                "funded": row["funded"],
            }
            for row in data.get("projects", [])
        ],
    }
