import pytest

from milieu.core.testing import client_for

from .. import services_consultations
from ..models import Ballot, BudgetProject, BudgetVote
from .factories_budgets import budget, resident, staff, town

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PROJECTS = (("Parc", 400_000), ("Piste", 600_000), ("Jardin", 250_000))


def ids(consultation, *titles):
    return [consultation.budget_projects.get(title_fr=t).pk for t in titles]


def test_projects_are_listed_publicly_in_order():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    response = client_for().get(f"/api/v1/consultations/{consultation.pk}/budget-projects")
    assert response.status_code == 200
    assert [(p["title"], p["cost"]) for p in response.json()] == [
        ("Parc", "400000.00"),
        ("Piste", "600000.00"),
        ("Jardin", "250000.00"),
    ]
    one = response.json()[0]["id"]
    got = client_for().get(f"/api/v1/budget-projects/{one}")
    assert got.status_code == 200
    assert got.json()["title_fr"] == "Parc"


def test_a_draft_is_not_found_except_for_its_staff():
    m = town()
    consultation = budget(m, publish=False, projects=PROJECTS)
    url = f"/api/v1/consultations/{consultation.pk}/budget-projects"
    assert client_for().get(url).status_code == 404
    assert client_for(resident(m)).get(url).status_code == 404
    assert client_for(staff(town())).get(url).status_code == 404
    assert client_for(staff(m)).get(url).status_code == 200


def test_staff_create_update_and_delete_a_project_of_a_draft():
    m = town()
    consultation = budget(m, publish=False, projects=PROJECTS)
    client = client_for(staff(m))
    created = client.post(
        f"/api/v1/consultations/{consultation.pk}/budget-projects",
        {"title_fr": "Patinoire", "cost": "150000"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["cost"], body["position"]) == ("Patinoire", "150000.00", 3)
    patched = client.patch(
        f"/api/v1/budget-projects/{body['id']}",
        {"cost": "175000", "position": 0},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert (patched.json()["cost"], patched.json()["position"]) == ("175000.00", 0)
    assert list(consultation.budget_projects.values_list("title_fr", flat=True)) == [
        "Patinoire",
        "Parc",
        "Piste",
        "Jardin",
    ]
    deleted = client.delete(f"/api/v1/budget-projects/{body['id']}")
    assert deleted.status_code == 204
    assert consultation.budget_projects.count() == 3


def test_a_bad_cost_is_a_400_with_the_field_and_nothing_saved():
    m = town()
    consultation = budget(m, publish=False)
    response = client_for(staff(m)).post(
        f"/api/v1/consultations/{consultation.pk}/budget-projects",
        {"title_fr": "Patinoire", "cost": "-3"},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cost": ["Enter a cost greater than 0 $."]}
    assert BudgetProject.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_staff"])
def test_only_the_staff_change_projects(who):
    m = town()
    consultation = budget(m, publish=False, projects=PROJECTS)
    actor = {"anonymous": None, "resident": resident(m), "other_staff": staff(town())}[who]
    client = client_for(actor)
    target = consultation.budget_projects.get(title_fr="Parc")
    create = client.post(
        f"/api/v1/consultations/{consultation.pk}/budget-projects",
        {"title_fr": "X", "cost": "1"},
        content_type="application/json",
    )
    patch = client.patch(
        f"/api/v1/budget-projects/{target.pk}", {"cost": "1"}, content_type="application/json"
    )
    delete = client.delete(f"/api/v1/budget-projects/{target.pk}")
    expected = 401 if actor is None else 404
    assert (create.status_code, patch.status_code, delete.status_code) == (expected,) * 3
    target.refresh_from_db()
    assert str(target.cost) == "400000.00"
    assert consultation.budget_projects.count() == 3


def test_vote_then_status_then_a_second_vote_is_409():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    client = client_for(resident(m))
    url = f"/api/v1/consultations/{consultation.pk}/budget-vote"
    before = client.get(url)
    assert before.json() == {
        "voted": False,
        "project_ids": [],
        "total": "0.00",
        "budget": "1000000.00",
        "may_vote": True,
        "reason": "",
    }
    chosen = ids(consultation, "Parc", "Jardin")
    voted = client.post(url, {"project_ids": chosen}, content_type="application/json")
    assert voted.status_code == 201
    assert voted.json()["voted"] is True
    assert sorted(voted.json()["project_ids"]) == sorted(chosen)
    assert voted.json()["total"] == "650000.00"
    again = client.post(url, {"project_ids": chosen}, content_type="application/json", **EN)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_voted"
    assert again.json()["error"]["message"] == "You have already voted."
    assert BudgetVote.objects.count() == 1


def test_a_vote_over_the_budget_is_a_400_naming_the_total_and_nothing_saved():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    response = client_for(resident(m)).post(
        f"/api/v1/consultations/{consultation.pk}/budget-vote",
        {"project_ids": ids(consultation, "Parc", "Piste", "Jardin")},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "over_budget"
    assert error["message"] == (
        "Your choices cost $1,250,000, more than the budget of $1,000,000. Remove a project to "
        "stay within the budget."
    )
    assert Ballot.objects.count() == 0
    assert BudgetVote.objects.count() == 0


def test_a_secret_ballot_status_says_only_that_one_voted():
    m = town()
    consultation = budget(m, projects=PROJECTS, ballot_mode="secret")
    client = client_for(resident(m))
    url = f"/api/v1/consultations/{consultation.pk}/budget-vote"
    client.post(url, {"project_ids": ids(consultation, "Parc")}, content_type="application/json")
    status = client.get(url).json()
    assert (status["voted"], status["project_ids"], status["total"]) == (True, [], "0.00")


def test_results_after_closing_only():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, projects=PROJECTS)
    client_for(resident(m)).post(
        f"/api/v1/consultations/{consultation.pk}/budget-vote",
        {"project_ids": ids(consultation, "Piste")},
        content_type="application/json",
    )
    url = f"/api/v1/consultations/{consultation.pk}/budget-results"
    assert client_for().get(url).status_code == 404
    services_consultations.consultation_close(actor=actor, consultation=consultation)
    response = client_for().get(url)
    assert response.status_code == 200
    body = response.json()
    assert (body["budget"], body["spent"], body["remaining"], body["voters"]) == (
        "1000000.00",
        "850000.00",
        "150000.00",
        1,
    )
    assert [(p["title"], p["votes"], p["funded"]) for p in body["projects"]] == [
        ("Piste", 1, True),
        ("Jardin", 0, True),
        ("Parc", 0, False),
    ]
