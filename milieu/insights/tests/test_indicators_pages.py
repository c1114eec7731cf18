"""The public indicators pages and their CSV exports: the figures of the summary table, every
one through small-number protection (cards, charts, tables, CSV), charts readable without
sight, a town that has not switched the module on, the region's totals and members, and the
pages' query counts."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, assert_within_budget, client_for

from .. import metrics
from .factories_indicators import region, town, value

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The pages in English (the catalogues are compiled when the strings are translated)."""
    with translation.override("en"):
        yield


def _months():
    return metrics.months_back(12)


def _town_with_figures():
    town_ = town(name="Laforce")
    months = _months()
    value(town_, "accounts", months[-1], 240)
    value(town_, "accounts", months[-2], 231)
    value(town_, "newcomer_pairs", months[-1], 3)  # a small count
    value(town_, "posts", months[-1], 57)
    value(town_, "volunteer_hours", months[-1], 31.5, basis=2)  # a total from 2 logs
    value(town_, "verified_share", months[-1], 42.5, basis=4)  # a share of 4 people
    value(town_, "reports_median_close_hours", months[-1], 36.5, basis=12)
    return town_


def test_the_town_page_shows_the_figures_and_suppresses_the_small_ones():
    town_ = _town_with_figures()
    response = client_for().get(reverse("indicators:town", args=[town_.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Indicators of Laforce" in body
    assert re.search(r'<strong class="figure">240</strong>', body)
    assert re.search(r'<strong class="figure">57</strong>', body)
    assert re.search(r'<strong class="figure">36.5 h</strong>', body)
    # 3 pairs, 31.5 h from 2 logs and 42.5 % of 4 people: "fewer than 5", nowhere the figure.
    assert body.count('<strong class="figure">fewer than 5</strong>') == 3
    for secret in (">3<", "31.5", "42.5", ": 3;", ": 3 "):
        assert secret not in body


def test_each_chart_is_an_image_with_a_title_a_description_and_its_data_table():
    town_ = _town_with_figures()
    body = client_for().get(reverse("indicators:town", args=[town_.slug])).content.decode()
    assert body.count('role="img"') == len(metrics.all_metrics())
    assert body.count("<desc id=") == len(metrics.all_metrics())
    assert body.count('<table class="data-table">') == len(metrics.all_metrics())
    accounts = body[body.index('id="metric-accounts"') : body.index('id="metric-verified_res')]
    month = metrics.months_back(1)[0]
    assert "<title " in accounts
    assert "240" in accounts and "231" in accounts
    pairs = body[body.index('id="metric-newcomer_pairs"') : body.index('id="metric-event_att')]
    assert "fewer than 5" in pairs  # in the description and in the table
    assert pairs.count('class="chart-bar"') == 0  # no column drawn for a suppressed value
    assert month.year > 2000


def test_a_town_without_the_module_has_no_indicators_page():
    town_ = town(modules=())
    assert client_for().get(reverse("indicators:town", args=[town_.slug])).status_code == 404
    assert client_for().get(reverse("indicators:town_csv", args=[town_.slug])).status_code == 404


def test_the_town_csv_has_a_row_per_month_and_suppressed_cells():
    town_ = _town_with_figures()
    response = client_for().get(reverse("indicators:town_csv", args=[town_.slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["month", *metrics.keys()]
    assert len(rows) == 13
    last = dict(zip(rows[0], rows[-1], strict=True))
    assert last["month"] == f"{_months()[-1]:%Y-%m}"
    assert last["accounts"] == "240"
    assert last["posts"] == "57"
    assert last["newcomer_pairs"] == "<5"
    assert last["volunteer_hours"] == "<5"
    assert last["verified_share"] == "<5"
    assert last["reports_median_close_hours"] == "36.5"
    assert last["exchanges_completed"] == "0"  # no row: none
    assert last["reports_closed"] == "0"
    earlier = dict(zip(rows[0], rows[-2], strict=True))
    assert earlier["verified_share"] == ""  # nothing to derive a share from
    assert earlier["accounts"] == "231"


def test_the_region_page_shows_its_totals_and_its_members_side_by_side():
    region_ = region(name="Témiscamingue test")
    laforce = town(region=region_, name="Laforce")
    moffet = town(region=region_, name="Moffet")
    hidden = town(region=region_, name="Sans module", modules=())
    month = _months()[-1]
    value(region_, "accounts", month, 812)
    value(region_, "newcomer_pairs", month, 4)
    value(laforce, "accounts", month, 430)
    value(moffet, "accounts", month, 2)
    value(hidden, "accounts", month, 380)

    response = client_for().get(reverse("region_indicators:region", args=[region_.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="figure">812</strong>' in body
    assert '<strong class="figure">fewer than 5</strong>' in body
    table = body[body.index('id="members-title"') : body.index('id="series-title"')]
    assert "Laforce" in table and "Moffet" in table
    assert "Sans module" not in table and "380" not in table
    assert '<td class="number">430</td>' in table
    assert '<td class="number">2</td>' not in table
    assert '<td class="number">fewer than 5</td>' in table


def test_the_region_csv_has_the_region_and_each_member_with_suppressed_cells():
    region_ = region(slug="region-csv")
    laforce = town(region=region_, slug="laforce-csv")
    month = _months()[-2]
    value(region_, "accounts", month, 812)
    value(region_, "posts", month, 3)
    value(laforce, "accounts", month, 4)
    value(laforce, "posts", month, 9)

    response = client_for().get(
        reverse("region_indicators:region_csv", args=[region_.slug]), {"month": f"{month:%Y-%m}"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    assert header[:4] == ["month", "scope", "slug", "name"]
    region_row = dict(zip(header, rows[1], strict=True))
    member_row = dict(zip(header, rows[2], strict=True))
    assert (region_row["month"], region_row["scope"], region_row["slug"]) == (
        f"{month:%Y-%m}",
        "region",
        "region-csv",
    )
    assert (region_row["accounts"], region_row["posts"]) == ("812", "<5")
    assert (member_row["slug"], member_row["accounts"], member_row["posts"]) == (
        "laforce-csv",
        "<5",
        "9",
    )
    assert len(rows) == 3


def test_an_unknown_region_is_not_found():
    response = client_for().get(reverse("region_indicators:region", args=["nulle-part"]))
    assert response.status_code == 404


def test_the_town_page_reads_few_queries():
    town_ = _town_with_figures()
    assert_within_budget(client_for(), reverse("indicators:town", args=[town_.slug]), "Laforce")


def test_the_region_page_queries_do_not_grow_with_its_members():
    region_ = region()
    month = _months()[-1]

    def add(n: int) -> list[str]:
        names = []
        for _ in range(n):
            member = town(region=region_)
            value(member, "accounts", month, 100)
            names.append(member.name)
        return names

    assert_constant_queries(
        client_for(), reverse("region_indicators:region", args=[region_.slug]), add, many=12
    )


def test_the_town_page_weighs_little_even_with_every_chart():
    import gzip

    town_ = _town_with_figures()
    body = client_for().get(reverse("indicators:town", args=[town_.slug])).content
    assert len(gzip.compress(body, compresslevel=6)) < 40 * 1024
