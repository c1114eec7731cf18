"""The indicators API: a municipality's and a region's figures by month and metric, every value
a `Figure` through small-number protection, filters, pagination, refusals, and query counts."""

import pytest

from milieu.core.testing import assert_within_budget, client_for

from .. import metrics
from .factories_indicators import region, town, value

pytestmark = pytest.mark.django_db


def _get(url: str, **params):
    response = client_for().get(url, params)
    return response.status_code, response.json()


def test_a_municipality_s_figures_by_month_with_small_ones_suppressed():
    town_ = town(slug="laforce-api")
    months = metrics.months_back(12)
    value(town_, "accounts", months[-1], 240)
    value(town_, "newcomer_pairs", months[-1], 3)
    value(town_, "verified_share", months[-1], 42.5, basis=4)
    value(town_, "reports_median_close_hours", months[-1], 36.5, basis=12)

    status, body = _get(
        "/api/v1/municipalities/laforce-api/indicators",
        months=1,
        metric=["accounts", "newcomer_pairs", "verified_share", "reports_median_close_hours"],
    )

    assert status == 200
    month = f"{months[-1]:%Y-%m-%d}"
    assert body["count"] == 4
    assert [(i["metric"], i["month"], i["value"]) for i in body["items"]] == [
        ("accounts", month, {"value": 240.0, "suppressed": False}),
        ("newcomer_pairs", month, {"value": None, "suppressed": True}),
        ("verified_share", month, {"value": None, "suppressed": True}),
        ("reports_median_close_hours", month, {"value": 36.5, "suppressed": False}),
    ]
    assert body["items"][0]["label"] == str(metrics.get("accounts").label)
    assert body["items"][3]["unit"] == "h"
    assert "42.5" not in str(body) and "3.0" not in str(body)


def test_months_without_figures_are_zero_for_counts_and_null_for_shares():
    town_ = town(slug="vide-api")
    status, body = _get(
        f"/api/v1/municipalities/{town_.slug}/indicators",
        months=2,
        metric=["posts", "verified_share"],
    )
    assert status == 200
    assert [i["value"] for i in body["items"]] == [
        {"value": 0.0, "suppressed": False},
        {"value": None, "suppressed": False},
        {"value": 0.0, "suppressed": False},
        {"value": None, "suppressed": False},
    ]


def test_the_list_is_paginated_over_every_metric_and_month():
    town_ = town()
    status, body = _get(f"/api/v1/municipalities/{town_.slug}/indicators", limit=5, offset=16)
    assert status == 200
    assert body["count"] == 12 * len(metrics.all_metrics())
    assert len(body["items"]) == 5
    assert body["items"][0]["metric"] == "accounts"
    assert body["items"][0]["month"] == f"{metrics.months_back(12)[1]:%Y-%m-%d}"


def test_a_region_s_figures_are_suppressed_too():
    region_ = region(slug="temis-api")
    month = metrics.months_back(1)[0]
    value(region_, "accounts", month, 812)
    value(region_, "posts", month, 2)

    status, body = _get(
        "/api/v1/regions/temis-api/indicators", months=1, metric=["accounts", "posts"]
    )

    assert status == 200
    assert [i["value"] for i in body["items"]] == [
        {"value": 812.0, "suppressed": False},
        {"value": None, "suppressed": True},
    ]


def test_an_unknown_metric_is_a_validation_error():
    town_ = town()
    status, body = _get(f"/api/v1/municipalities/{town_.slug}/indicators", metric=["nope"])
    assert status == 400
    assert body["error"]["code"] == "validation"
    assert list(body["error"]["fields"]) == ["metric"]


def test_too_many_months_are_refused():
    town_ = town()
    status, _body = _get(f"/api/v1/municipalities/{town_.slug}/indicators", months=37)
    assert status in (400, 422)


def test_a_town_without_the_module_and_an_unknown_region_are_not_found():
    town_ = town(modules=())
    assert _get(f"/api/v1/municipalities/{town_.slug}/indicators")[0] == 404
    assert _get("/api/v1/regions/nulle-part/indicators")[0] == 404


def test_the_endpoints_read_few_queries():
    town_ = town(slug="requetes-api")
    region_ = region(slug="requetes-region")
    value(town_, "accounts", metrics.months_back(1)[0], 240)
    assert_within_budget(client_for(), "/api/v1/municipalities/requetes-api/indicators", "accounts")
    assert_within_budget(client_for(), f"/api/v1/regions/{region_.slug}/indicators", "accounts")
