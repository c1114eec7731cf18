"""The results of a participatory budget, computed when the consultation closes.

Each project's votes are counted; the projects are ranked by votes (ties: the lower cost first,
then the staff's order) and funded greedily: going down the ranking, a project is funded when
its cost fits in what remains of the budget, and skipped otherwise (the next ones may still
fit). The result is kept on the consultation (`results`, read by the results page in one row)
and the funded projects are flagged `selected`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from milieu.core.mixins import LANGUAGE_CODES

from .models import BudgetProject, BudgetVote, Consultation


def money(amount: Decimal | int | str | None) -> str:
    """An amount of dollars in the reader's language: “1 250 000 $” in French and Spanish,
    “$1,250,000” in English (cents shown only when there are some)."""
    if amount is None:
        return ""
    value = Decimal(str(amount))
    places = 0 if value == value.to_integral_value() else 2
    number = number_format(value, places, force_grouping=True)
    if (get_language() or "fr")[:2] == "en":
        return f"${number}"
    return f"{number}\xa0$"


def rank(projects: Iterable[BudgetProject], votes: dict[int, int], budget: Decimal) -> list[dict]:
    """The projects in ranking order with their votes and whether they are funded."""
    ordered = sorted(projects, key=lambda p: (-votes.get(p.pk, 0), p.cost, p.position, p.pk))
    remaining = budget
    rows = []
    for place, project in enumerate(ordered, start=1):
        funded = project.cost <= remaining
        if funded:
            remaining -= project.cost
        rows.append(
            {
                "id": project.pk,
                "rank": place,
                "title": {code: getattr(project, f"title_{code}") for code in LANGUAGE_CODES},
                "original_language": project.original_language,
                "cost": str(project.cost),
                "votes": votes.get(project.pk, 0),
                "funded": funded,
            }
        )
    return rows


def tally(consultation: Consultation) -> dict[int, int]:
    """Votes per project id (two queries' worth of work in one)."""
    return dict(
        BudgetProject.objects.filter(consultation=consultation)
        .annotate(n=Count("vote_items"))
        .values_list("pk", "n")
    )


def compute(consultation: Consultation) -> dict[str, Any]:
    """Count, rank and fund; flag the funded projects; the result to keep on the consultation
    (the caller — closing the consultation — saves it)."""
    budget = consultation.budget_amount or Decimal(0)
    projects = list(BudgetProject.objects.filter(consultation=consultation))
    votes = tally(consultation)
    rows = rank(projects, votes, budget)
    funded = [row["id"] for row in rows if row["funded"]]
    BudgetProject.objects.filter(consultation=consultation).exclude(pk__in=funded).update(
        selected=False
    )
    BudgetProject.objects.filter(pk__in=funded).update(selected=True)
    spent = sum((Decimal(row["cost"]) for row in rows if row["funded"]), Decimal(0))
    return {
        "kind": "budget",
        "budget": str(budget),
        "spent": str(spent),
        "remaining": str(budget - spent),
        "voters": BudgetVote.objects.filter(consultation=consultation).count(),
        "projects": rows,
    }


def title_of(row: dict, language: str | None = None) -> str:
    language = (language or get_language() or "fr")[:2]
    titles = row.get("title") or {}
    return titles.get(language) or titles.get(row.get("original_language") or "fr") or ""


def csv_rows(consultation: Consultation) -> Iterable[list[Any]]:
    """The CSV export: a header, then one row per project in ranking order."""
    results = consultation.results
    if not results or results.get("kind") != "budget":
        projects = list(BudgetProject.objects.filter(consultation=consultation))
        rows = rank(projects, tally(consultation), consultation.budget_amount or Decimal(0))
    else:
        rows = results["projects"]
    yield [_("project"), _("cost ($)"), _("votes"), _("funded")]
    for row in rows:
        yield [title_of(row), row["cost"], row["votes"], _("yes") if row["funded"] else _("no")]
