"""Query budget of the territory pages and API (issue 6): the same number of queries, at most
12, for a few districts, municipalities or regions as for many."""

import pytest

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import assert_constant_queries, assert_within_budget, client_for
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Ville de Brossard")


def _districts(municipality):
    def add(n):
        return [DistrictFactory(municipality=municipality).name for _ in range(n)]

    return add


# --- Public pages -------------------------------------------------------------------------------


def test_the_region_page_is_constant_in_its_members():
    region = RegionFactory(slug="temiscamingue")

    def add(n):
        return [MunicipalityFactory(region=region).name for _ in range(n)]

    assert_constant_queries(client_for(), "/fr/regions/temiscamingue/", add)


def test_the_district_list_is_constant_in_its_districts(brossard):
    assert_constant_queries(client_for(), "/fr/brossard/districts/", _districts(brossard))


@pytest.mark.parametrize("who", ["anonymous", "citizen", "staff", "admin"])
def test_the_municipality_home_is_constant_whatever_the_municipality_holds(brossard, who):
    user = {
        "anonymous": lambda: None,
        "citizen": lambda: citizen_of(brossard),
        "staff": lambda: with_role(brossard, Role.STAFF),
        "admin": lambda: with_role(brossard, Role.ADMIN),
    }[who]()
    client = client_for(user)

    def add(n):
        # Districts, members and other municipalities of the region: none of it is listed on
        # the home page, and none of it may cost a query.
        for _ in range(n):
            DistrictFactory(municipality=brossard)
            citizen_of(brossard)
            MunicipalityFactory(region=brossard.region)
        return [brossard.name]

    assert_constant_queries(client, "/fr/brossard/", add)


# --- Staff pages --------------------------------------------------------------------------------


def test_the_staff_districts_page_is_constant_in_its_districts(brossard):
    client = client_for(with_role(brossard, Role.STAFF))
    assert_constant_queries(client, "/fr/brossard/staff/districts/", _districts(brossard))


def test_the_staff_district_panel_for_htmx_is_constant_in_its_districts(brossard):
    client = client_for(with_role(brossard, Role.STAFF))
    assert_constant_queries(
        client, "/fr/brossard/staff/districts/", _districts(brossard), HTTP_HX_REQUEST="true"
    )


def test_the_staff_settings_page_is_within_budget(brossard):
    client = client_for(with_role(brossard, Role.STAFF))
    _districts(brossard)(5)
    assert_within_budget(client, "/fr/brossard/staff/", brossard.name)


# --- API ----------------------------------------------------------------------------------------


def test_the_api_region_list_is_constant_in_its_regions():
    def add(n):
        return [RegionFactory().name for _ in range(n)]

    assert_constant_queries(client_for(), "/api/v1/regions?limit=100", add)


def test_the_api_municipality_list_is_constant_in_its_municipalities():
    def add(n):
        return [MunicipalityFactory(region=RegionFactory()).name for _ in range(n)]

    assert_constant_queries(client_for(), "/api/v1/municipalities?limit=100", add)


def test_the_api_district_list_is_constant_in_its_districts(brossard):
    assert_constant_queries(
        client_for(), "/api/v1/municipalities/brossard/districts", _districts(brossard)
    )


def test_the_api_module_list_and_municipality_are_within_budget(brossard):
    assert_within_budget(client_for(), "/api/v1/modules", "districts")
    assert_within_budget(client_for(), "/api/v1/municipalities/brossard", brossard.name)
