"""The open-data page: the catalogue as HTML (title, description, licence, frequency, download
links), for everyone, filtered to one town, in a few queries whatever the number of towns."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, client_for

from .opendata_factories import indicator, region, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (pages under /en/, errors in English)."""
    with translation.override("en"):
        yield


def page(**params):
    return client_for().get(reverse("opendata:catalogue"), params)


def test_open_data_page_lists_every_dataset_with_licence_frequency_and_downloads():
    response = page()

    assert response.status_code == 200
    html = response.content.decode()
    assert "Monthly indicators of each municipality" in html
    assert "Problem reports" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert "Daily" in html and "Continuously" in html
    assert re.findall(r'href="(/api/v1/opendata/datasets/[^"]+)"', html) == [
        "/api/v1/opendata/datasets/indicators.csv",
        "/api/v1/opendata/datasets/indicators.json",
        "/api/v1/opendata/datasets/problem-reports.geojson",
        "/api/v1/opendata/datasets/problem-reports.csv",
        "/api/v1/opendata/datasets/municipalities.csv",
        "/api/v1/opendata/datasets/municipalities.json",
        "/api/v1/opendata/datasets/practices.csv",
        "/api/v1/opendata/datasets/practices.json",
        "/api/v1/opendata/datasets/events.csv",
        "/api/v1/opendata/datasets/events.json",
    ]
    assert 'href="/api/v1/opendata/catalog" type="application/ld+json"' in html


def test_open_data_page_filtered_to_a_town_links_its_own_files():
    city = town(slug="laforce", name="Laforce")

    html = page(municipality="laforce").content.decode()

    assert "Open data of Laforce" in html
    links = re.findall(r'href="(/api/v1/opendata/[^"]+)"', html)
    assert len(links) == 11
    assert all(link.endswith("?municipality=laforce") for link in links)
    assert f'<option value="{city.slug}" selected>' in html


def test_open_data_page_of_an_unknown_town_is_not_found():
    assert page(municipality="nowhere").status_code == 404


def test_open_data_page_shows_no_figure():
    """The page describes the datasets; the figures are in the files (suppressed there)."""
    city = town(slug="petite-ville", population=3)
    indicator(city, "newcomer_pairs", 3)

    html = page(municipality="petite-ville").content.decode()

    assert "newcomer_pairs" not in html
    assert not re.search(r">\s*3\s*<", html)


def test_open_data_page_is_in_french_by_default():
    response = client_for().get("/fr/open-data/")

    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_open_data_page_queries_do_not_grow_with_the_number_of_towns():
    area = region(slug="region-donnees", name="Région données")

    def add(count: int) -> list[str]:
        names = []
        for _ in range(count):
            names.append(town(region=area).name)
        return names

    queries = assert_constant_queries(client_for(), reverse("opendata:catalogue"), add)

    assert queries == 1
