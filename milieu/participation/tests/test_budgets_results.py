import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation

from .. import services_budgets, services_consultations
from ..models import BudgetProject
from ..results_budgets import csv_rows, money, rank
from .factories_budgets import budget, resident, staff, town

pytestmark = pytest.mark.django_db


def P(pk, cost, position=0):
    return BudgetProject(pk=pk, cost=Decimal(cost), position=position, title_fr=f"P{pk}")


def funded(rows):
    return [(row["id"], row["funded"]) for row in rows]


def test_ranked_by_votes_and_funded_while_they_fit():
    projects = [P(1, 300), P(2, 500), P(3, 400)]
    rows = rank(projects, {1: 5, 2: 9, 3: 7}, Decimal(1000))
    assert funded(rows) == [(2, True), (3, True), (1, False)]


def test_a_project_that_does_not_fit_is_skipped_and_the_next_ones_still_may():
    projects = [P(1, 700), P(2, 200), P(3, 500)]
    rows = rank(projects, {1: 10, 2: 3, 3: 8}, Decimal(1000))
    assert funded(rows) == [(1, True), (3, False), (2, True)]


def test_ties_go_to_the_lower_cost_then_the_staff_order():
    projects = [P(1, 500, position=2), P(2, 300, position=1), P(3, 500, position=0)]
    rows = rank(projects, {1: 4, 2: 4, 3: 4}, Decimal(800))
    assert [row["id"] for row in rows] == [2, 3, 1]
    assert funded(rows) == [(2, True), (3, True), (1, False)]


def test_exactly_the_budget_is_funded_and_nothing_without_votes_is_ranked_first():
    rows = rank([P(1, 1000), P(2, 1)], {1: 1}, Decimal(1000))
    assert funded(rows) == [(1, True), (2, False)]
    assert [row["votes"] for row in rows] == [1, 0]


def test_closing_computes_the_results_and_flags_the_funded_projects():
    m = town()
    actor = staff(m)
    consultation = budget(
        m,
        actor=actor,
        amount=1_000_000,
        projects=(("Parc", 400_000), ("Piste", 700_000), ("Jardin", 250_000)),
    )
    by_title = {p.title_fr: p.pk for p in consultation.budget_projects.all()}
    for chosen in (["Piste"], ["Piste", "Jardin"], ["Parc", "Jardin"]):
        services_budgets.budget_vote(
            actor=resident(m),
            consultation=consultation,
            project_ids=[by_title[t] for t in chosen],
        )
    closed = services_consultations.consultation_close(actor=actor, consultation=consultation)
    results = closed.results
    assert results["budget"] == "1000000.00"
    assert results["spent"] == "950000.00"
    assert results["remaining"] == "50000.00"
    assert results["voters"] == 3
    assert [(r["title"]["fr"], r["votes"], r["funded"]) for r in results["projects"]] == [
        ("Jardin", 2, True),
        ("Piste", 2, True),
        ("Parc", 1, False),
    ]
    assert sorted(
        consultation.budget_projects.filter(selected=True).values_list("title_fr", flat=True)
    ) == ["Jardin", "Piste"]
    with translation.override("en"):
        rows = list(csv_rows(closed))
    assert rows == [
        ["project", "cost ($)", "votes", "funded"],
        ["Jardin", "250000.00", 2, "yes"],
        ["Piste", "700000.00", 2, "yes"],
        ["Parc", "400000.00", 1, "no"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert out.getvalue().splitlines()[1] == "Jardin,250000.00,2,yes"


def test_money_in_each_language():
    with translation.override("en"):
        assert money(Decimal("1250000")) == "$1,250,000"
        assert money(Decimal("12.5")) == "$12.50"
    with translation.override("fr"):
        assert money(Decimal("500000")) == "500\xa0000\xa0$"
    with translation.override("es"):
        assert money(Decimal("500000")) == "500\xa0000\xa0$"
