"""The diagnostic and plans API: the whole flow (questionnaire, start, answers, complete,
recommendations, add to plan, plan CRUD), the comparison's small-number protection, the
region's plans, errors, and list endpoints whose query count does not grow."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from milieu.core.testing import client_for
from milieu.network.models import PlanAction
from milieu.network.questions import QUESTIONS

from . import diagnostic_factories as f

pytestmark = pytest.mark.django_db
JSON = "application/json"


def english_client(user=None):
    """A test client that asks for English (the API negotiates its language)."""
    client = client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_questionnaire_is_public():
    body = (
        english_client().get("/api/v1/diagnostic/questionnaire", HTTP_ACCEPT_LANGUAGE="en").json()
    )
    assert [d["key"] for d in body["dimensions"]] == [
        "strategy",
        "connectivity",
        "services",
        "data",
        "participation",
        "skills",
        "security",
    ]
    assert sum(len(d["questions"]) for d in body["dimensions"]) == len(QUESTIONS)
    assert [level["level"] for level in body["levels"]] == [0, 1, 2, 3, 4, 5]


def test_the_whole_flow_through_the_api():
    town = f.town()
    client = english_client(f.staff(town))
    base = f"/api/v1/municipalities/{town.slug}"
    started = client.post(f"{base}/diagnostics")
    assert started.status_code == 201
    number = started.json()["id"]
    assert client.post(f"{base}/diagnostics").status_code == 409

    bad = client.put(
        f"{base}/diagnostics/{number}/answers",
        json.dumps({"answers": {"data_open": 9}}),
        content_type=JSON,
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"data_open": ["Choose a level from 0 to 5."]}

    saved = client.put(
        f"{base}/diagnostics/{number}/answers",
        json.dumps({"answers": {"data_open": 1}}),
        content_type=JSON,
    ).json()
    assert (saved["answered"], saved["total"], saved["status"]) == (1, 21, "draft")
    early = client.post(f"{base}/diagnostics/{number}/complete")
    assert (early.status_code, early.json()["error"]["code"]) == (400, "incomplete")

    client.put(
        f"{base}/diagnostics/{number}/answers",
        json.dumps({"answers": f.levels({"data": 1, "security": 2})}),
        content_type=JSON,
    )
    done = client.post(f"{base}/diagnostics/{number}/complete").json()
    assert (done["status"], done["scores"]["data"], done["overall"]) == (
        "completed",
        1.0,
        round((1 + 2 + 15) / 7, 2),
    )
    assert [r["dimension"] for r in done["recommendations"]] == ["data", "security"]
    recommendations = client.get(f"{base}/diagnostics/{number}/recommendations").json()
    assert recommendations == done["recommendations"]
    assert recommendations[0]["first_actions"] == [
        "Make an inventory of the municipality's data.",
        "Publish a first open dataset.",
    ]

    listed = client.get(f"{base}/diagnostics").json()
    assert (listed["count"], listed["draft"], [d["id"] for d in listed["items"]]) == (
        1,
        None,
        [number],
    )

    added = client.post(
        f"{base}/plan/actions/from-recommendation",
        json.dumps({"diagnostic": number, "dimension": "data"}),
        content_type=JSON,
    )
    assert added.status_code == 201
    action = added.json()
    assert (action["title"], action["diagnostic"], action["status"]) == (
        "Know your data and use it to decide.",
        number,
        "planned",
    )
    practice = f.practice(f.town())
    changed = client.patch(
        f"{base}/plan/actions/{action['id']}",
        json.dumps({"status": "done", "owner": "Greffière", "practices": [practice.pk]}),
        content_type=JSON,
    ).json()
    assert (changed["status"], changed["owner"], changed["practices"]) == (
        "done",
        "Greffière",
        [{"id": practice.pk, "title": practice.title}],
    )
    created = client.post(
        f"{base}/plan/actions",
        json.dumps({"title": "Sauvegardes", "dimension": "security", "due": "2027-01-31"}),
        content_type=JSON,
    )
    assert created.status_code == 201
    plan = client.get(f"{base}/plan/actions").json()
    assert plan["count"] == 2
    assert plan["progress"] == [
        {"dimension": "data", "done": 1, "total": 1},
        {"dimension": "security", "done": 0, "total": 1},
    ]
    assert client.delete(f"{base}/plan/actions/{created.json()['id']}").status_code == 204
    assert PlanAction.objects.count() == 1


def test_another_towns_objects_are_not_found():
    town, other = f.town(), f.town()
    client = english_client(f.staff(town))
    theirs = f.completed(other)
    action = f.action(other)
    base = f"/api/v1/municipalities/{town.slug}"
    assert client.get(f"{base}/diagnostics/{theirs.pk}").status_code == 404
    assert client.get(f"{base}/plan/actions/{action.pk}").status_code == 404
    assert client.delete(f"{base}/plan/actions/{action.pk}").status_code == 404
    assert PlanAction.objects.count() == 1


def test_the_comparison_is_suppressed_under_five_municipalities():
    town = f.town(population=1_000)
    for _ in range(4):
        f.completed(f.town(population=900), 1)
    body = (
        english_client(f.staff(town))
        .get(f"/api/v1/municipalities/{town.slug}/diagnostics/comparison")
        .json()
    )
    assert body["shown"] is False
    assert body["band"] == "under 2,000 residents"
    assert body["contributors"] == {"value": None, "suppressed": True}
    assert body["overall"] == {"value": None, "suppressed": False}
    assert set(map(json.dumps, body["dimensions"].values())) == {
        json.dumps({"value": None, "suppressed": False})
    }
    assert len(body["dimensions"]) == 7


def test_the_comparison_shows_the_means_from_five_municipalities():
    town = f.town(population=1_000)
    for level in (1, 1, 2, 2, 4):
        f.completed(f.town(population=900), level)
    body = (
        english_client(f.staff(town))
        .get(f"/api/v1/municipalities/{town.slug}/diagnostics/comparison")
        .json()
    )
    assert body["shown"] is True
    assert body["contributors"] == {"value": 5.0, "suppressed": False}
    assert body["overall"] == {"value": 2.0, "suppressed": False}
    assert body["dimensions"]["data"] == {"value": 2.0, "suppressed": False}


def test_the_regions_plans_through_the_api():
    region = f.RegionFactory()
    alpha = f.town(region=region, name="Alpha")
    f.town(region=region, name="Beta")
    f.action(alpha, status="done")
    f.action(alpha, status="in_progress")
    f.completed(alpha, 3)
    body = (
        english_client(f.consortium_admin(region))
        .get(f"/api/v1/regions/{region.slug}/plans")
        .json()
    )
    assert body == [
        {
            "municipality": alpha.slug,
            "name": "Alpha",
            "by_status": {"planned": 0, "in_progress": 1, "done": 1, "dropped": 0},
            "percent_done": 50,
            "latest_overall": 3.0,
        },
        {
            "municipality": body[1]["municipality"],
            "name": "Beta",
            "by_status": {"planned": 0, "in_progress": 0, "done": 0, "dropped": 0},
            "percent_done": None,
            "latest_overall": None,
        },
    ]


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_endpoints_make_the_same_queries_whatever_their_length():
    region = f.RegionFactory()
    town = f.town(region=region)
    client = english_client(f.staff(town))
    practice = f.practice(f.town())
    base = f"/api/v1/municipalities/{town.slug}"
    urls = [f"{base}/diagnostics", f"{base}/plan/actions", f"/api/v1/regions/{region.slug}/plans"]

    def grow(n):
        for i in range(n):
            f.completed(town, 2, days_ago=i + 1)
            f.action(town).practices.add(practice)
            member = f.town(region=region)
            f.action(member)
            f.completed(member, 1)

    grow(2)
    few = [_queries(client, url) for url in urls]
    grow(20)
    assert [_queries(client, url) for url in urls] == few
    assert client.get(urls[1]).json()["count"] == 22
