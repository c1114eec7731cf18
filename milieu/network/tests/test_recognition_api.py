"""The recognition API: public badges, holders and a town's badges with evidence figures through
`core.smallnumbers`; criteria for their setters; refusals that change nothing."""

import json
from datetime import date

import pytest
from django.utils import translation

from milieu.core.testing import client_for
from milieu.network import services_recognition as services
from milieu.network.models import Award, Criterion
from milieu.territory.tests.committees_factories import consortium_admin, small_region

from .recognition_factories import TODAY, criterion, diagnostic, indicator, operator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def _get(url, user=None):
    return client_for(user).get(url, HTTP_ACCEPT_LANGUAGE="en")


def _send(method, url, data, user=None):
    client = client_for(user)
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def _snapshot():
    return [list(m.objects.values().order_by("pk")) for m in (Criterion, Award)]


def test_badges_list_their_holders_with_the_evidence():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.8, on=date(2026, 11, 2))
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    response = _get("/api/v1/recognition/badges")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert response.json()["next_page"] is None
    assert (item["id"], item["name"], item["region"], item["holder_count"]) == (
        badge.pk,
        "Digital starter",
        None,
        1,
    )
    [holder] = item["holders"]
    assert holder["municipality"] == {"slug": town.slug, "name": town.name}
    assert holder["since"] == "2026-12-07"
    assert holder["current"] is True
    assert holder["evidence"] == {
        "text": "Overall maturity 3.8/5 on Nov. 2, 2026",
        "value": {"value": 3.8, "suppressed": False},
        "basis": None,
        "unit": "score",
        "source": "diagnostic",
        "date": "2026-11-02",
        "dimension": None,
    }


def test_a_share_with_a_small_basis_is_suppressed_in_every_endpoint():
    _region, (tiny,) = small_region(1)
    indicator(tiny, "verified_share", date(2026, 12, 1), 75.0, basis=3)
    badge = criterion(kind="verified_share", threshold=50)
    services.recognition_evaluate(today=TODAY)
    suppressed = {"value": None, "suppressed": True}
    answers = [
        _get("/api/v1/recognition/badges").json()["items"][0]["holders"][0],
        _get(f"/api/v1/recognition/badges/{badge.pk}/holders").json()["items"][0],
        _get(f"/api/v1/recognition/municipalities/{tiny.slug}").json()["current"][0],
    ]
    for award in answers:
        assert award["evidence"]["value"] == suppressed
        assert award["evidence"]["basis"] == suppressed
        assert "fewer than 5" in award["evidence"]["text"]
        assert "75" not in json.dumps(award["evidence"])


def test_a_share_with_a_large_basis_is_given():
    _region, (town,) = small_region(1)
    indicator(town, "verified_share", date(2026, 12, 1), 72.0, basis=720)
    criterion(kind="verified_share", threshold=50)
    services.recognition_evaluate(today=TODAY)
    [award] = _get(f"/api/v1/recognition/municipalities/{town.slug}").json()["current"]
    assert award["evidence"]["value"] == {"value": 72.0, "suppressed": False}
    assert award["evidence"]["basis"] == {"value": 720.0, "suppressed": False}
    assert award["evidence"]["text"] == "72 % of residents verified (December 2026)"


def test_a_towns_lapsed_badges_are_its_past():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.0)
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    Criterion.objects.filter(pk=badge.pk).update(threshold=4)
    services.recognition_evaluate(today=TODAY)
    answer = _get(f"/api/v1/recognition/municipalities/{town.slug}").json()
    assert answer["current"] == []
    [past] = answer["past"]
    assert (past["badge"]["id"], past["current"]) == (badge.pk, False)
    assert past["lapsed_at"] is not None
    assert _get("/api/v1/recognition/municipalities/nowhere").status_code == 404


def test_holders_are_paginated_and_unknown_badges_are_not_found():
    region, towns = small_region(52)
    for town in towns:
        diagnostic(town, 4.0)
    badge = criterion(region)
    services.recognition_evaluate(today=TODAY)
    first = _get(f"/api/v1/recognition/badges/{badge.pk}/holders").json()
    second = _get(f"/api/v1/recognition/badges/{badge.pk}/holders?page=2").json()
    assert (len(first["items"]), first["next_page"]) == (50, 2)
    assert (len(second["items"]), second["next_page"]) == (2, None)
    assert _get("/api/v1/recognition/badges/999999/holders").status_code == 404


def test_kinds_are_listed():
    kinds = {kind["key"]: kind for kind in _get("/api/v1/recognition/kinds").json()}
    assert sorted(kinds) == [
        "maturity_dimension",
        "maturity_overall",
        "reports_closed_within_7_days",
        "verified_share",
    ]
    assert (kinds["verified_share"]["unit"], kinds["verified_share"]["maximum"]) == (
        "percent",
        100.0,
    )
    assert kinds["maturity_dimension"]["needs_dimension"] is True


def test_criteria_are_listed_by_scope():
    region, _towns = small_region(1)
    criterion(name_en="Platform")
    criterion(region, name_en="Regional", active=False)
    platform = _get("/api/v1/recognition/criteria").json()["items"]
    regional = _get(f"/api/v1/recognition/criteria?region={region.slug}").json()["items"]
    assert [c["name_en"] for c in platform] == ["Platform"]
    assert [(c["name_en"], c["active"], c["region"]) for c in regional] == [
        ("Regional", False, region.slug)
    ]
    assert _get("/api/v1/recognition/criteria?region=nowhere").status_code == 404


PAYLOAD = {
    "name_fr": "Sécurité",
    "kind": "maturity_dimension",
    "threshold": 3.5,
    "dimension": "security",
}


def test_the_operator_creates_and_updates_a_platform_criterion():
    user = operator()
    response = _send("post", "/api/v1/recognition/criteria", PAYLOAD, user)
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["region"], made["kind"], made["params"], made["threshold"]) == (
        None,
        "maturity_dimension",
        {"dimension": "security"},
        3.5,
    )
    changed = _send("patch", f"/api/v1/recognition/criteria/{made['id']}", {"active": False}, user)
    assert changed.status_code == 200
    assert (changed.json()["active"], changed.json()["threshold"]) == (False, 3.5)


def test_a_consortium_admin_creates_a_regional_criterion():
    region, _towns = small_region(1)
    response = _send(
        "post",
        "/api/v1/recognition/criteria",
        {**PAYLOAD, "region": region.slug},
        consortium_admin(region),
    )
    assert response.status_code == 201
    assert Criterion.objects.get().region == region


def test_a_bad_value_is_a_400_naming_the_field():
    before = _snapshot()
    response = _send(
        "post", "/api/v1/recognition/criteria", {**PAYLOAD, "threshold": 9}, operator()
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["threshold"]
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["anonymous", "admin_other", "admin_platform", "operator"])
def test_writes_refused_change_nothing(who):
    region, (_town,) = small_region(1)
    other, _towns = small_region(1)
    regional = criterion(region, name_en="Regional")
    actors = {
        "anonymous": None,
        "admin_other": consortium_admin(other),
        "admin_platform": consortium_admin(region),  # may not touch the platform's criteria
        "operator": operator(mfa=False),
    }
    platform = criterion(name_en="Platform")
    user = actors[who]
    before = _snapshot()
    attempts = [
        _send("post", "/api/v1/recognition/criteria", PAYLOAD, user),
        _send("patch", f"/api/v1/recognition/criteria/{platform.pk}", {"threshold": 1}, user),
    ]
    if who != "admin_platform":
        attempts += [
            _send("post", "/api/v1/recognition/criteria", {**PAYLOAD, "region": region.slug}, user),
            _send("patch", f"/api/v1/recognition/criteria/{regional.pk}", {"threshold": 1}, user),
        ]
    expected = 401 if who == "anonymous" else 403
    assert [r.status_code for r in attempts] == [expected] * len(attempts)
    assert _snapshot() == before


def test_list_endpoints_cost_constant_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(url):
        client = client_for()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    region, towns = small_region(2)
    for town in towns:
        diagnostic(town, 4.0)
    badge = criterion(region)
    criterion()
    services.recognition_evaluate(today=TODAY)
    urls = [
        "/api/v1/recognition/badges",
        f"/api/v1/recognition/badges/{badge.pk}/holders",
        f"/api/v1/recognition/municipalities/{towns[0].slug}",
        f"/api/v1/recognition/criteria?region={region.slug}",
    ]
    few = [cost(url) for url in urls]
    _more, more_towns = small_region(6)
    for town in more_towns:
        town.region = region
        town.save()
        diagnostic(town, 4.0)
    for _ in range(4):
        criterion(region)
        criterion()
    services.recognition_evaluate(today=TODAY)
    assert [cost(url) for url in urls] == few
