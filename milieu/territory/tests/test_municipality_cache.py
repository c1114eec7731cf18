"""The municipality of a URL comes from the cache, and the cache never outlives a change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.territory import services
from milieu.territory.selectors import municipality_get
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_a_municipality_is_read_from_the_database_once_then_from_the_cache():
    MunicipalityFactory(slug="brossard", name="Ville de Brossard")

    with CaptureQueriesContext(connection) as first:
        assert municipality_get(slug="brossard").name == "Ville de Brossard"
    with CaptureQueriesContext(connection) as second:
        again = municipality_get(slug="brossard")

    assert (len(first), len(second)) == (1, 0)
    assert again.region.name  # the region came with it


def test_saving_a_municipality_forgets_the_cached_copy():
    brossard = MunicipalityFactory(slug="brossard", name="Ville de Brossard")
    municipality_get(slug="brossard")

    brossard.name = "Brossard"
    brossard.save()

    assert municipality_get(slug="brossard").name == "Brossard"


def test_settings_and_modules_changed_by_staff_show_at_once():
    brossard = MunicipalityFactory(slug="brossard", enabled_modules=["districts"])
    admin = with_role(brossard, Role.ADMIN)
    municipality_get(slug="brossard")

    services.municipality_update_settings(
        actor=admin, municipality=municipality_get(slug="brossard"), name="Brossard (Québec)"
    )
    services.municipality_set_modules(
        actor=admin, municipality=municipality_get(slug="brossard"), enabled=[]
    )

    cached = municipality_get(slug="brossard")
    assert cached.name == "Brossard (Québec)"
    assert cached.enabled_modules == []


def test_renaming_a_region_forgets_its_municipalities():
    brossard = MunicipalityFactory(slug="brossard")
    municipality_get(slug="brossard")

    region = brossard.region
    region.name = "Idées collectives"
    region.save()

    assert municipality_get(slug="brossard").region.name == "Idées collectives"


def test_a_deleted_municipality_is_not_found_any_more():
    from milieu.core.errors import NotFound

    brossard = MunicipalityFactory(slug="brossard")
    municipality_get(slug="brossard")

    brossard.delete()

    with pytest.raises(NotFound):
        municipality_get(slug="brossard")


def test_the_region_page_shows_a_renamed_member_at_once(client):
    brossard = MunicipalityFactory(slug="brossard", name="Ville de Brossard")
    url = f"/fr/regions/{brossard.region.slug}/"
    assert "Ville de Brossard" in client.get(url).content.decode()

    brossard.name = "Brossard"
    brossard.save()

    page = client.get(url).content.decode()
    assert "Brossard" in page
    assert "Ville de Brossard" not in page


def test_the_region_page_is_served_from_the_cache(client, django_assert_num_queries):
    brossard = MunicipalityFactory(slug="brossard")
    url = f"/fr/regions/{brossard.region.slug}/"
    client.get(url)

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_the_api_directory_comes_from_the_cache_and_shows_a_change_at_once(client):
    brossard = MunicipalityFactory(slug="brossard", name="Ville de Brossard")
    MunicipalityFactory(slug="laprairie", name="Ville de La Prairie", region=brossard.region)
    assert client.get("/api/v1/municipalities").status_code == 200

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/municipalities").json()
    assert len(queries) == 0
    assert body["count"] == 2

    brossard.name = "Brossard"
    brossard.save()
    by_region = client.get(f"/api/v1/municipalities?region={brossard.region.slug}").json()
    names = {m["name"] for m in client.get("/api/v1/municipalities").json()["items"]}
    assert names == {"Brossard", "Ville de La Prairie"}
    assert {m["name"] for m in by_region["items"]} == names
    searched = client.get("/api/v1/municipalities?q=prairie").json()["items"]
    assert [m["slug"] for m in searched] == ["laprairie"]


def test_the_region_rows_are_cached_per_language(client):
    brossard = MunicipalityFactory(slug="brossard", kind="city")
    url = f"/regions/{brossard.region.slug}/"
    assert "Ville" in client.get(f"/fr{url}").content.decode()
    english = client.get(f"/en{url}").content.decode()
    assert "<td>City</td>" in english and "<td>Ville</td>" not in english
