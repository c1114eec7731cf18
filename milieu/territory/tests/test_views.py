import pytest
from django.test import Client

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.territory import demo
from milieu.territory.models import District, Municipality
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territories():
    demo.load()


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_municipality_home_shows_its_enabled_modules_in_each_language(
    client, territories, language
):
    response = client.get(f"/{language}/brossard/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "Ville de Brossard" in html
    assert f'href="/{language}/brossard/districts/"' in html


def test_a_disabled_module_vanishes_from_menu_page_and_api(client, territories):
    Municipality.objects.filter(slug="brossard").update(enabled_modules=[])

    home = client.get("/fr/brossard/").content.decode()
    assert "/fr/brossard/districts/" not in home
    assert client.get("/fr/brossard/districts/").status_code == 404
    api = client.get("/api/v1/municipalities/brossard/districts")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    # Other municipalities keep theirs.
    assert client.get("/fr/chateauguay/districts/").status_code == 200


def test_unknown_municipality_is_a_404(client, territories):
    assert client.get("/fr/atlantis/").status_code == 404


def test_root_redirects_to_the_french_picker(client, territories):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_picker_lists_every_municipality_grouped_by_region(
    client, territories, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/fr/")
    html = response.content.decode()
    assert "Regroupement Idées collectives" in html
    assert "MRC de Témiscamingue" in html
    assert html.count('href="/fr/regions/') == 2
    assert "Nation huronne-wendat" in html


def test_picker_search_returns_only_the_partial_for_htmx(client, territories):
    response = client.get("/fr/?q=saint", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Ville de Saint-Constant" in html
    assert "Ville de Brossard" not in html


def test_picker_search_without_javascript_renders_the_whole_page(client, territories):
    html = client.get("/fr/?q=magog").content.decode()
    assert "<html" in html
    assert "Ville de Magog" in html
    assert "Ville de Brossard" not in html


def test_region_page_lists_its_members_with_constant_queries(
    client, territories, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/en/regions/temiscamingue/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Première Nation Timiskaming" in html
    assert "Ville de Brossard" not in html


def test_staff_sees_the_staff_area_link_and_citizens_do_not(client):
    municipality = MunicipalityFactory(slug="brossard")
    client.force_login(citizen_of(municipality))
    assert "/fr/brossard/staff/" not in client.get("/fr/brossard/").content.decode()
    client.force_login(with_role(municipality, Role.STAFF))
    assert "/fr/brossard/staff/" in client.get("/fr/brossard/").content.decode()


def test_staff_adds_a_district_with_htmx_and_gets_the_panel_back():
    municipality = MunicipalityFactory(slug="brossard")
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF))

    response = client.post(
        "/fr/brossard/staff/districts/", {"name": "Secteur L"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="district-panel">')
    assert "Secteur L" in html
    assert District.objects.filter(municipality=municipality, name="Secteur L").exists()


def test_a_bad_district_form_keeps_what_was_typed_and_says_what_to_fix():
    municipality = MunicipalityFactory(slug="brossard")
    DistrictFactory(municipality=municipality, name="Centre", slug="centre")
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF))

    response = client.post("/fr/brossard/staff/districts/", {"name": "Centre", "area_km2": "-3"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Centre"' in html
    assert 'value="-3"' in html
    assert 'class="errorlist' in html
    assert municipality.districts.count() == 1


def test_settings_form_refuses_a_low_contrast_colour_and_changes_nothing():
    municipality = MunicipalityFactory(slug="brossard", name="Brossard")
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF))

    response = client.post(
        "/en/brossard/staff/",
        {
            "save_settings": "1",
            "settings-name": "Autre nom",
            "settings-brand_colour": "#eeeeee",
            "settings-languages": ["fr"],
        },
    )

    assert response.status_code == 400
    assert "contrast" in response.content.decode()
    municipality.refresh_from_db()
    assert (municipality.name, municipality.brand_colour) == ("Brossard", "#1d4f91")


def test_brand_colour_is_applied_with_the_csp_nonce(client):
    MunicipalityFactory(slug="brossard", brand_colour="#7a1f1f")
    response = client.get("/fr/brossard/")
    html = response.content.decode()
    assert "--brand: #7a1f1f" in html
    assert "nonce-" in response["Content-Security-Policy"]


def test_staff_toggles_modules_from_the_settings_page():
    municipality = MunicipalityFactory(slug="brossard", enabled_modules=["districts"])
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF))

    response = client.post("/fr/brossard/staff/", {"save_modules": "1"})

    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.enabled_modules == []
