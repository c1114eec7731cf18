import re

import pytest
from django.urls import reverse as django_reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, assert_within_budget, client_for

from .. import services_consultations
from ..models import Ballot, BudgetVote
from .factories_budgets import budget, project, resident, staff, town

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PROJECTS = (("Parc", 400_000), ("Piste", 600_000), ("Jardin", 250_000))


def reverse(name, args):
    """The English address (the pages' language is in the URL)."""
    with translation.override("en"):
        return django_reverse(name, args=args)


def page(consultation):
    return reverse("participation:budget", [consultation.municipality.slug, consultation.pk])


def ids(consultation, *titles):
    return [consultation.budget_projects.get(title_fr=t).pk for t in titles]


def test_the_page_shows_the_projects_as_checkboxes_with_their_costs():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    client = client_for(resident(m))
    response = client.get(page(consultation), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('type="checkbox"') == 3
    assert "$400,000" in body
    assert 'aria-live="polite"' in body
    assert "Your choices: <span data-total>$0</span> of a budget of $1,000,000" in body


def test_a_vote_within_the_budget_is_recorded_and_the_page_says_so():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    client = client_for(resident(m))
    response = client.post(
        page(consultation), {"projects": ids(consultation, "Parc", "Jardin")}, **EN
    )
    assert response.status_code == 302
    assert BudgetVote.objects.filter(consultation=consultation).count() == 1
    after = client.get(page(consultation), **EN).content.decode()
    assert "You have voted: your choices cost $650,000 of the budget of $1,000,000." in after
    assert 'type="checkbox"' not in after


def test_a_vote_over_the_budget_shows_the_form_again_with_the_boxes_checked():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    client = client_for(resident(m))
    chosen = ids(consultation, "Parc", "Piste", "Jardin")
    response = client.post(page(consultation), {"projects": chosen}, **EN)
    assert response.status_code == 400
    body = response.content.decode()
    message = (
        "Your choices cost $1,250,000, more than the budget of $1,000,000. Remove a project to "
        "stay within the budget."
    )
    assert 'id="error-summary"' in body
    assert body.count(message) == 3  # the summary, its link, and the live warning
    assert len(re.findall(r"\schecked>", body)) == 3
    assert Ballot.objects.count() == 0
    assert BudgetVote.objects.count() == 0


def test_outside_the_voting_phase_the_page_says_why_and_shows_no_form():
    m = town()
    consultation = budget(m, projects=PROJECTS, phase="information")
    body = client_for(resident(m)).get(page(consultation), **EN).content.decode()
    assert "This consultation is not open yet." in body
    assert 'type="checkbox"' not in body


def test_the_results_page_shows_funded_and_not_funded_with_what_remains():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, projects=PROJECTS)
    client_for(resident(m)).post(page(consultation), {"projects": ids(consultation, "Piste")})
    services_consultations.consultation_close(actor=actor, consultation=consultation)
    url = reverse("participation:budget_results", [m.slug, consultation.pk])
    body = client_for().get(url, **EN).content.decode()
    assert "Budget: $1,000,000; funded: $850,000; remaining: $150,000." in body
    assert "<svg" in body
    assert body.index("Piste") < body.index("Jardin") < body.index("Not funded")


def test_the_results_page_is_not_found_before_closing():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    url = reverse("participation:budget_results", [m.slug, consultation.pk])
    assert client_for().get(url).status_code == 404


def test_another_towns_address_is_not_found():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    url = reverse("participation:budget", [town().slug, consultation.pk])
    assert client_for().get(url).status_code == 404


def test_the_consultation_section_renders_for_the_frame():
    from django.test import RequestFactory

    from .. import registry

    m = town()
    consultation = budget(m, projects=PROJECTS)
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = registry.get("budget").detail(request, consultation)
    assert "Parc" in html
    assert 'id="budget-section-title"' in html


def test_the_budget_page_has_a_constant_number_of_queries():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, publish=False)
    added: list[str] = []

    def add(n):
        start = len(added)
        for i in range(n):
            title = f"Projet numéro {start + i}"
            project(consultation, title=title, cost=1000, position=start + i)
            added.append(title)
        return added[start:]

    project(consultation, title="Projet de départ", cost=1000, position=999)
    services_consultations.consultation_publish(actor=actor, consultation=consultation)
    assert_constant_queries(client_for(resident(m)), page(consultation), add)


def test_the_staff_projects_page_has_a_constant_number_of_queries():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, publish=False)
    url = reverse("participation_staff:budget_projects", [m.slug, consultation.pk])
    counter = iter(range(1000))

    def add(n):
        titles = [f"Projet géré {next(counter)}" for _ in range(n)]
        for title in titles:
            project(consultation, title=title, cost=500)
        return titles

    assert_constant_queries(client_for(actor), url, add)


def test_the_results_page_is_within_the_query_budget():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, projects=PROJECTS)
    services_consultations.consultation_close(actor=actor, consultation=consultation)
    url = reverse("participation:budget_results", [m.slug, consultation.pk])
    assert_within_budget(client_for(), url, "Parc", "Piste", "Jardin")


def test_staff_add_a_project_through_the_form_and_a_bad_cost_is_a_400():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, publish=False)
    url = reverse("participation_staff:budget_projects", [m.slug, consultation.pk])
    client = client_for(actor)
    bad = client.post(url, {"title_fr": "Patinoire", "cost": "0", "original_language": "fr"})
    assert bad.status_code == 400
    assert consultation.budget_projects.count() == 0
    good = client.post(url, {"title_fr": "Patinoire", "cost": "150000", "original_language": "fr"})
    assert good.status_code == 302
    assert list(consultation.budget_projects.values_list("title_fr", "cost")) == [
        ("Patinoire", 150000)
    ]


def test_the_frames_consultation_and_results_pages_show_the_budget():
    m = town()
    actor = staff(m)
    consultation = budget(m, actor=actor, projects=PROJECTS)
    detail = reverse("participation:consultation", [m.slug, consultation.pk])
    body = client_for().get(detail, **EN).content.decode()
    assert "A budget of $1,000,000 for 3 projects." in body
    services_consultations.consultation_close(actor=actor, consultation=consultation)
    results = reverse("participation:results", [m.slug, consultation.pk])
    body = client_for().get(results, **EN).content.decode()
    assert "Budget: $1,000,000; funded: $650,000; remaining: $350,000." in body
