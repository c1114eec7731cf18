"""The permission matrix of the budget pages: anonymous, a resident of the same town, a
resident of another town, staff of the same town, staff of another town; every denial changes
nothing."""

import pytest
from django.urls import reverse

from milieu.core.testing import client_for

from ..models import Ballot, BudgetProject
from .factories_budgets import budget, resident, staff, town

pytestmark = pytest.mark.django_db
PROJECTS = (("Parc", 400_000), ("Jardin", 250_000))
ACTORS = ["anonymous", "resident", "resident_elsewhere", "staff", "staff_elsewhere"]


def actor(who, m):
    return {
        "anonymous": lambda: None,
        "resident": lambda: resident(m),
        "resident_elsewhere": lambda: resident(town()),
        "staff": lambda: staff(m),
        "staff_elsewhere": lambda: staff(town()),
    }[who]()


def snapshot(consultation):
    return (
        Ballot.objects.filter(consultation=consultation).count(),
        list(
            BudgetProject.objects.filter(consultation=consultation).values_list(
                "title_fr", "cost", "position"
            )
        ),
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("resident", 302),
        ("resident_elsewhere", 403),
        ("staff", 403),  # staff are not residents of the town (no citizen id)
        ("staff_elsewhere", 403),
    ],
)
def test_vote(who, status):
    m = town()
    consultation = budget(m, projects=PROJECTS)
    before = snapshot(consultation)
    url = reverse("participation:budget", args=[m.slug, consultation.pk])
    chosen = [consultation.budget_projects.get(title_fr="Parc").pk]
    response = client_for(actor(who, m)).post(url, {"projects": chosen})
    assert response.status_code == status
    if who == "resident":
        assert Ballot.objects.filter(consultation=consultation).count() == 1
    else:
        assert snapshot(consultation) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("resident", 403),
        ("resident_elsewhere", 403),
        ("staff", 302),
        ("staff_elsewhere", 403),
    ],
)
def test_add_a_project(who, status):
    m = town()
    consultation = budget(m, publish=False, projects=PROJECTS)
    before = snapshot(consultation)
    url = reverse("participation_staff:budget_projects", args=[m.slug, consultation.pk])
    response = client_for(actor(who, m)).post(
        url, {"title_fr": "Nouveau", "cost": "10", "original_language": "fr"}
    )
    assert response.status_code == status
    if who == "staff":
        assert consultation.budget_projects.count() == 3
    else:
        assert snapshot(consultation) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("resident", 403),
        ("resident_elsewhere", 403),
        ("staff", 302),
        ("staff_elsewhere", 403),
    ],
)
@pytest.mark.parametrize("operation", ["edit", "delete", "move"])
def test_change_a_project(who, status, operation):
    m = town()
    consultation = budget(m, publish=False, projects=PROJECTS)
    before = snapshot(consultation)
    target = consultation.budget_projects.get(title_fr="Parc")
    name, data = {
        "edit": (
            "budget_project_edit",
            {"title_fr": "Changé", "cost": "5", "original_language": "fr"},
        ),
        "delete": ("budget_project_delete", {}),
        "move": ("budget_project_move", {"direction": "down"}),
    }[operation]
    url = reverse(f"participation_staff:{name}", args=[m.slug, consultation.pk, target.pk])
    response = client_for(actor(who, m)).post(url, data)
    assert response.status_code == status
    if who != "staff":
        assert snapshot(consultation) == before
    else:
        assert snapshot(consultation) != before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("resident", 404),
        ("resident_elsewhere", 404),
        ("staff", 200),
        ("staff_elsewhere", 404),
    ],
)
def test_a_draft_budget_page(who, status):
    m = town()
    consultation = budget(m, publish=False, projects=PROJECTS)
    url = reverse("participation:budget", args=[m.slug, consultation.pk])
    assert client_for(actor(who, m)).get(url).status_code == status


@pytest.mark.parametrize("who", ACTORS)
def test_a_published_budget_page_is_public(who):
    m = town()
    consultation = budget(m, projects=PROJECTS)
    url = reverse("participation:budget", args=[m.slug, consultation.pk])
    assert client_for(actor(who, m)).get(url).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("resident", 403),
        ("resident_elsewhere", 403),
        ("staff", 200),
        ("staff_elsewhere", 403),
    ],
)
def test_export(who, status):
    m = town()
    consultation = budget(m, projects=PROJECTS)
    url = reverse("participation_staff:budget_export", args=[m.slug, consultation.pk])
    response = client_for(actor(who, m)).get(url)
    assert response.status_code == status
