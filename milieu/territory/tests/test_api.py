import pytest
from django.test import Client

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.territory import demo
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_municipalities_are_listed_paginated_with_constant_queries(
    client, django_assert_max_num_queries
):
    demo.load()
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/municipalities?limit=5")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 17
    assert len(body["items"]) == 5
    assert set(body["items"][0]) >= {"slug", "name", "region", "enabled_modules", "languages"}


def test_municipalities_filter_by_region(client):
    demo.load()
    body = client.get("/api/v1/municipalities?region=temiscamingue&limit=100").json()
    assert body["count"] == 6
    assert {item["region"]["slug"] for item in body["items"]} == {"temiscamingue"}


def test_unknown_region_filter_is_a_clear_404(client):
    response = client.get("/api/v1/municipalities?region=nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_municipality_detail_and_districts(client):
    municipality = MunicipalityFactory(slug="brossard")
    DistrictFactory(municipality=municipality, name="Secteur A")

    assert client.get("/api/v1/municipalities/brossard").json()["slug"] == "brossard"
    districts = client.get("/api/v1/municipalities/brossard/districts").json()
    assert [d["name"] for d in districts] == ["Secteur A"]


def test_regions_and_modules(client):
    demo.load()
    regions = client.get("/api/v1/regions").json()
    assert {r["slug"] for r in regions["items"]} == {"idees-collectives", "temiscamingue"}
    assert "districts" in {m["key"] for m in client.get("/api/v1/modules").json()}


def test_staff_creates_a_district_and_bad_input_gets_field_errors():
    municipality = MunicipalityFactory(slug="brossard")
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF))

    created = client.post(
        "/api/v1/municipalities/brossard/districts",
        {"name": "Secteur B", "area_km2": "4.5"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["slug"] == "secteur-b"

    bad = client.post(
        "/api/v1/municipalities/brossard/districts",
        {"name": "", "latitude": 300},
        content_type="application/json",
    )
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "validation"
    assert set(error["fields"]) == {"name", "latitude"}
    assert municipality.districts.count() == 1


def test_api_refuses_a_low_contrast_colour_with_a_field_error():
    municipality = MunicipalityFactory(slug="brossard")
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF))

    response = client.patch(
        "/api/v1/municipalities/brossard",
        {"brand_colour": "#ffffee"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "brand_colour" in response.json()["error"]["fields"]


def test_api_errors_follow_accept_language(client):
    response = client.get("/api/v1/municipalities/atlantis", headers={"Accept-Language": "fr"})
    assert response.json()["error"]["message"] == "Cette municipalité n’existe pas."


def test_staff_cannot_see_a_district_of_another_municipality_through_their_own():
    brossard = MunicipalityFactory(slug="brossard")
    other = DistrictFactory(municipality=MunicipalityFactory(slug="chateauguay"))
    client = Client()
    client.force_login(with_role(brossard, Role.STAFF))

    response = client.patch(
        f"/api/v1/municipalities/brossard/districts/{other.pk}",
        {"name": "Volé"},
        content_type="application/json",
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "Volé"
