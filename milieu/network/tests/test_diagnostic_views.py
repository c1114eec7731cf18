"""The diagnostic's and the plan's pages: the questionnaire saved as you go and completed, the
results (radar chart with its data table, recommendations, "Add to my plan", the comparison that
waits for 5 municipalities and never names them), the history with its trend, the plan with its
progress, an action's page, the region's plans side by side; query counts that do not grow
with the lists."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, assert_within_budget, client_for
from milieu.network.models import Diagnostic, PlanAction
from milieu.network.questions import QUESTIONS

from . import diagnostic_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_team_saves_answers_then_completes_and_sees_the_results():
    town = f.town(population=1_000)
    officer = f.staff(town)
    client = client_for(officer)
    response = client.post(reverse("diagnostic:start", args=[town.slug]))
    diagnostic = Diagnostic.objects.get()
    assert response.url == reverse("diagnostic:detail", args=[town.slug, diagnostic.pk])

    page = client.get(response.url).content.decode()
    assert page.count('type="radio"') == len(QUESTIONS) * 6
    assert "0 of 21 questions answered" in page

    client.post(response.url, {"data_open": "1", "save": ""})
    page = client.get(response.url).content.decode()
    assert "1 of 21 questions answered" in page
    assert re.search(r'name="data_open" value="1"[^>]*checked', page)

    # Completing with questions left shows the form again (400) and keeps the draft.
    refused = client.post(response.url, {"data_open": "1", "complete": ""})
    assert refused.status_code == 400
    assert "Answer every question before completing the diagnostic (20 left)." in (
        refused.content.decode()
    )
    answers = f.levels({"connectivity": 0, "data": 1, "skills": 2}) | {"complete": ""}
    done = client.post(response.url, {k: str(v) for k, v in answers.items()})
    assert done.status_code == 302
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.scores["data"]) == ("completed", 1.0)

    results = client.get(response.url).content.decode()
    assert '<svg class="chart radar" role="img"' in results
    assert "<desc" in results and "Data and open data: 1.0 out of 5" in results
    assert '<table class="diagnostic-scores">' in results
    headings = re.findall(r"<h3>(.*?)</h3>", results)
    assert headings == [
        "Make sure residents and staff can get online.",
        "Know your data and use it to decide.",
        "Train staff, elected officials and residents.",
    ]
    assert results.count("Add to my plan") == 3


def test_add_to_my_plan_from_the_results_puts_the_action_in_the_plan():
    town = f.town()
    officer = f.staff(town)
    diagnostic = f.completed(town, {"data": 1})
    client = client_for(officer)
    response = client.post(
        reverse("plans:from_recommendation", args=[town.slug]),
        {"diagnostic": diagnostic.pk, "dimension": "data"},
    )
    assert response.url == reverse("plans:index", args=[town.slug])
    action = PlanAction.objects.get()
    assert (action.title, action.diagnostic) == ("Know your data and use it to decide.", diagnostic)
    plan = client.get(response.url).content.decode()
    assert "Know your data and use it to decide." in plan
    assert '<progress max="100" value="0"' in plan


def test_add_to_my_plan_with_another_towns_diagnostic_is_not_found():
    town, other = f.town(), f.town()
    theirs = f.completed(other, {"data": 1})
    response = client_for(f.staff(town)).post(
        reverse("plans:from_recommendation", args=[town.slug]),
        {"diagnostic": theirs.pk, "dimension": "data"},
    )
    assert response.status_code == 404
    assert PlanAction.objects.count() == 0


def test_a_completed_diagnostic_of_another_town_is_not_found():
    town, other = f.town(), f.town()
    theirs = f.completed(other)
    url = reverse("diagnostic:detail", args=[town.slug, theirs.pk])
    assert client_for(f.staff(town)).get(url).status_code == 404


def _results(town, officer) -> str:
    diagnostic = f.completed(town, 3)
    url = reverse("diagnostic:detail", args=[town.slug, diagnostic.pk])
    return client_for(officer).get(url).content.decode()


def test_the_comparison_is_withheld_under_five_municipalities_and_names_none():
    town = f.town(population=1_000)
    others = [f.town(population=900, name=f"Hameau {i}") for i in range(4)]
    for other in others:
        f.completed(other, 1)
    page = _results(town, f.staff(town))
    assert "Not enough municipalities with under 2,000 residents have completed" in page
    assert "fewer than 5" in page
    assert "radar-comparison" not in page
    assert not any(other.name in page for other in others)


def test_the_comparison_shows_the_mean_of_five_municipalities_and_names_none():
    town = f.town(population=1_000)
    others = [f.town(population=900, name=f"Hameau {i}") for i in range(5)]
    for other in others:
        f.completed(other, 1)
    page = _results(town, f.staff(town))
    assert "Mean of the latest diagnostics of 5 other municipalities with under 2,000" in page
    assert "radar-comparison" in page
    assert "(similar municipalities: 1.0)" in page
    assert not any(other.name in page for other in others)


def test_the_history_shows_dates_scores_and_the_change():
    town = f.town()
    officer = f.staff(town)
    old = f.completed(town, 1, days_ago=400)
    new = f.completed(town, 3, days_ago=10)
    page = client_for(officer).get(reverse("diagnostic:index", args=[town.slug])).content.decode()
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", page, re.S)
    assert len(rows) == 2
    assert f"{new.completed_at:%Y-%m-%d}" in rows[0] and "+2.0" in rows[0]
    assert f"{old.completed_at:%Y-%m-%d}" in rows[1] and "—" in rows[1]
    assert "Start a diagnostic" in page


def test_an_action_is_changed_on_its_page():
    town = f.town()
    officer = f.staff(town)
    action = f.action(town)
    url = reverse("plans:edit", args=[town.slug, action.pk])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": action.title,
            "dimension": "connectivity",
            "status": "done",
            "owner": "Greffière",
            "notes": "Fait en mai.",
            "start": "2026-05-01",
            "due": "2026-04-01",
        },
    )
    assert response.status_code == 400
    assert "The due date comes after the start." in response.content.decode()
    action.refresh_from_db()
    assert action.status == "planned"


def test_the_plan_page_queries_do_not_grow_with_actions():
    town = f.town()
    client = client_for(f.staff(town))
    practice = f.practice(f.town())
    numbers = iter(range(1000))

    def add(n):
        titles = []
        for _ in range(n):
            title = f"Action {next(numbers)}"
            f.action(town, title=title, dimension="data").practices.add(practice)
            titles.append(title)
        return titles

    assert_constant_queries(client, reverse("plans:index", args=[town.slug]), add)


def test_the_region_page_queries_do_not_grow_with_members():
    region = f.RegionFactory()
    admin = f.consortium_admin(region)
    numbers = iter(range(1000))

    def add(n):
        names = []
        for _ in range(n):
            member = f.town(region=region, name=f"Membre {next(numbers)}")
            f.action(member, status="done")
            f.completed(member, 2)
            names.append(member.name)
        return names

    assert_constant_queries(
        client_for(admin), reverse("region_plans:index", args=[region.slug]), add
    )


def test_the_history_and_results_pages_stay_within_the_budget():
    town = f.town()
    officer = f.staff(town)
    diagnostic = f.completed(town, 2)
    for index in range(5):
        f.completed(f.town(population=10_000 + index), 3)
    client = client_for(officer)
    assert_within_budget(client, reverse("diagnostic:index", args=[town.slug]), "Past diagnostics")
    assert_within_budget(
        client,
        reverse("diagnostic:detail", args=[town.slug, diagnostic.pk]),
        "Recommended areas for action",
    )


def test_the_kept_region_page_shows_a_members_new_action_and_a_new_member_at_once():
    """The region's page is kept rendered (`core.pagecache`): a plan written through the
    services, or a town joining the region, renews it."""
    from milieu.network import services_plans

    region = f.RegionFactory()
    member = f.town(region=region, name="Alpha")
    client = client_for(f.consortium_admin(region))
    url = reverse("region_plans:index", args=[region.slug])
    before = client.get(url).content.decode()
    assert "Alpha" in before
    assert "100 %" not in before
    services_plans.plan_action_create(
        actor=f.staff(member),
        municipality=member,
        values={"title": "Wi-Fi public", "dimension": "connectivity", "status": "done"},
    )
    assert "100 %" in client.get(url).content.decode()
    f.town(region=region, name="Betazed")
    assert "Betazed" in client.get(url).content.decode()
