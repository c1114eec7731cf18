"""The datasets registry refuses a dataset it could not publish, and the CSV cell rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from milieu.core.smallnumbers import Figure
from milieu.insights import datasets
from milieu.insights.datasets_sources import figure


def _indicators() -> datasets.Dataset:
    found = datasets.get("indicators")
    assert found is not None
    return found


def test_a_dataset_with_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown formats"):
        datasets.register(replace(_indicators(), key="other", formats=("csv", "xlsx")))

    assert datasets.get("other") is None


def test_a_geojson_dataset_without_a_point_is_refused():
    with pytest.raises(ValueError, match="GeoJSON needs longitude and latitude"):
        datasets.register(replace(_indicators(), key="flat", formats=("geojson",)))


def test_a_key_registered_twice_differently_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        datasets.register(replace(_indicators(), order=99))

    assert datasets.register(_indicators()) is _indicators()


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (Figure.of(3), "<5"),
        (Figure.of(0), "0"),
        (Figure.of(12.345, count=40), "12.35"),
        (47.516872, "47.516872"),
        (True, "true"),
        (date(2026, 10, 1), "2026-10-01"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        (None, ""),
    ],
)
def test_csv_cells(value, cell):
    assert datasets.csv_cell(value) == cell


@pytest.mark.parametrize(
    ("metric", "value", "basis", "published"),
    [
        ("accounts", 4, 4, None),
        ("accounts", 5, 5, 5.0),
        ("posts", 0, 0, 0.0),
        ("verified_share", 80.0, 4, None),
        ("verified_share", 80.0, 5, 80.0),
        ("verified_share", 0.0, 0, None),
        ("reports_median_close_hours", 2.0, 9, 2.0),
        ("volunteer_hours", 40.0, 3, None),
        ("points_earned", 300, 2, None),
    ],
)
def test_an_indicator_is_published_only_when_it_and_its_basis_reach_five(
    metric, value, basis, published
):
    shown = figure(metric, value, basis)

    assert (shown.value, shown.suppressed) == (published, published is None)
