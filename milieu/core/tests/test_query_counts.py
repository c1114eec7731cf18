"""Query budget of the core pages (the municipality picker); the checks themselves are
`milieu.core.testing.assert_constant_queries` and `assert_within_budget` (issue 6)."""

import pytest

from milieu.accounts.tests.factories import UserFactory
from milieu.core.testing import assert_constant_queries
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db


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
