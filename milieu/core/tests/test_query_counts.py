"""Query budget: at most 12 SQL queries per page, whatever the length of its lists (issue 6).

`assert_constant_queries` is the one check every app's `test_query_counts.py` uses: it builds a
list with a few items, then with many more, requests the page (or API operation) each time and
asserts that both runs make the same number of queries, within the budget, and that the page
really shows the items (so that an empty list cannot pass).
"""

import json
import re
from collections.abc import Callable, Iterable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from milieu.accounts.tests.factories import UserFactory
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

BUDGET = 12  # SQL queries per page, independent of list length

pytestmark = pytest.mark.django_db


def measure(client: Client, url: str, **extra) -> tuple[str, list[str]]:
    """GET `url`; the body (which must come with a 200) and the SQL it ran."""
    cache.clear()  # measured cold: the visitor's access facts are read too
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def assert_constant_queries(
    client: Client,
    url: str,
    add: Callable[[int], Iterable[str]],
    *,
    few: int = 2,
    many: int = 25,
    **extra,
) -> int:
    """`add(n)` adds n items to the list and returns what each shows on the page (a name, an
    email…). The page is requested with `few` items and with `many`: it must show every item
    each time and run the same number of queries, at most BUDGET. Returns that number."""
    shown = list(add(few))
    client.get(url, **extra)  # warm-up: what a first request does once is not the list's cost
    body, few_sql = measure(client, url, **extra)
    _assert_shown(url, body, shown)
    shown += list(add(many - few))
    body, many_sql = measure(client, url, **extra)
    _assert_shown(url, body, shown)
    assert len(many_sql) == len(few_sql), (
        f"{url}: {len(few_sql)} queries for {few} items, {len(many_sql)} for {many}:\n"
        + _listing(many_sql)
    )
    assert len(few_sql) <= BUDGET, f"{url}: {len(few_sql)} queries:\n" + _listing(few_sql)
    return len(few_sql)


def showing(add: Callable[[int], object], *markers: str) -> Callable[[int], list[str]]:
    """`add`, for a page that shows the items' number rather than the items: it must show
    `markers` (checked separately, with the counts the test expects)."""

    def grow(n: int) -> list[str]:
        add(n)
        return list(markers)

    return grow


def assert_within_budget(client: Client, url: str, *markers: str, **extra) -> int:
    """For a page without a growing list: a 200 showing `markers`, in at most BUDGET queries."""
    client.get(url, **extra)
    body, sql = measure(client, url, **extra)
    _assert_shown(url, body, list(markers))
    assert len(sql) <= BUDGET, f"{url}: {len(sql)} queries:\n" + _listing(sql)
    return len(sql)


def _listing(sql: list[str]) -> str:
    return "\n".join(query[:200] for query in sql)


def _assert_shown(url: str, body: str, markers: list[str]) -> None:
    def found(marker: str) -> bool:
        # As typed, escaped in HTML or in JSON; a whole word ("Quartier 1" is not "Quartier 12").
        forms = {marker, escape(marker), json.dumps(marker)[1:-1]}
        return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", body) for form in forms)

    missing = [m for m in markers if not found(m)]
    assert not missing, f"{url} does not show {missing[:5]} ({len(missing)} missing)"


def _municipalities(region):
    def add(n):
        made = [MunicipalityFactory(region=region) for _ in range(n)]
        return [m.name for m in made]

    return add


def test_the_municipality_picker_runs_the_same_queries_for_few_or_many_municipalities(client):
    add = _municipalities(RegionFactory(name="Région du test"))
    assert_constant_queries(client, "/fr/", add)


def test_the_picker_for_a_logged_in_person_counts_its_queries_once(client):
    client.force_login(UserFactory())
    assert_constant_queries(client, "/fr/", _municipalities(RegionFactory()))


def test_the_picker_search_partial_stays_constant(client):
    region = RegionFactory()
    numbers = iter(range(1000))

    def add(n):
        made = [
            MunicipalityFactory(region=region, name=f"Saint-Test {next(numbers)}") for _ in range(n)
        ]
        return [m.name for m in made]

    # htmx swaps only the results: the same selector, filtered
    assert_constant_queries(client, "/fr/?q=saint-test", add, HTTP_HX_REQUEST="true")


def test_the_picker_groups_many_regions_without_a_query_each(client):
    def add(n):
        names = []
        for _ in range(n):
            municipality = MunicipalityFactory(region=RegionFactory())
            names += [municipality.name, municipality.region.name]
        return names

    assert_constant_queries(client, "/fr/", add)
