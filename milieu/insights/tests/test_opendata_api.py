"""Open data through the API: the DCAT JSON-LD catalogue (every distribution answers with its
media type), each dataset in each format, small numbers suppressed in every dataset that carries
a figure, no personal data in the problem reports, a town filter, and a query count that does not
grow with the dataset."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from urllib.parse import urlsplit

import h3
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.core.testing import client_for
from milieu.events.tests.factories import event
from milieu.insights import datasets
from milieu.insights.datasets_sources import coarsened
from milieu.reports import services as report_services
from milieu.reports.models import ReportStatus
from milieu.reports.tests.factories import category, member, offset, report, staff

from .opendata_factories import indicator, practice, region, region_indicator, town

pytestmark = pytest.mark.django_db
API = "/api/v1/opendata"
SECRET_EMAIL = "marie.tremblay@example.org"
SECRET_NAME = "Marie Tremblay"
SECRET_WORDS = (
    SECRET_EMAIL,
    SECRET_NAME,
    "Marie",
    "Tremblay",
    "12 rue des Érables",
    "Note publique secrète",
    "Note interne secrète",
    "profondeur-secrete",
)


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Filing reports is rate-limited; the clock stands still and no test fills a window."""


def get(path: str, **params):
    return client_for().get(path, params)


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response))))


def json_records(response) -> list[dict]:
    return json.loads(body(response))["records"]


# --- Catalogue ----------------------------------------------------------------------------------


def test_catalogue_is_dcat_json_ld_describing_every_dataset_in_three_languages():
    response = get(f"{API}/catalog")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["@context"] == {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
    }
    assert document["@type"] == "dcat:Catalog"
    assert [entry["@language"] for entry in document["dct:title"]] == ["fr", "en", "es"]
    keys = [entry["dct:identifier"] for entry in document["dcat:dataset"]]
    assert keys == ["indicators", "problem-reports", "municipalities", "practices", "events"]
    for entry in document["dcat:dataset"]:
        assert entry["@type"] == "dcat:Dataset"
        for field in ("dct:title", "dct:description"):
            assert [value["@language"] for value in entry[field]] == ["fr", "en", "es"]
            assert all(value["@value"] for value in entry[field])
        assert entry["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
        assert entry["dct:accrualPeriodicity"]["@id"].startswith(
            "http://publications.europa.eu/resource/authority/frequency/"
        )
        assert entry["dct:publisher"]["foaf:name"] == "Milieu"
        assert {value["@language"] for value in entry["dcat:keyword"]} == {"fr", "en", "es"}
        assert entry["dcat:distribution"]
    reports = document["dcat:dataset"][1]
    assert [
        (d["dcat:mediaType"], d["dct:format"]["@id"].rsplit("/", 1)[1])
        for d in reports["dcat:distribution"]
    ] == [("application/geo+json", "GEOJSON"), ("text/csv", "CSV")]


def test_catalogue_answers_in_the_same_number_of_queries_whatever_the_data():
    with CaptureQueriesContext(connection) as captured:
        assert get(f"{API}/catalog").status_code == 200

    assert len(captured.captured_queries) == 0


@pytest.mark.parametrize("filtered", [False, True])
def test_every_distribution_of_the_catalogue_answers_200_with_its_media_type(filtered):
    city = town()
    indicator(city, "accounts", 12)
    report(city)
    practice(city)
    event(city)
    params = {"municipality": city.slug} if filtered else {}
    document = json.loads(get(f"{API}/catalog", **params).content)

    checked = 0
    for entry in document["dcat:dataset"]:
        for distribution in entry["dcat:distribution"]:
            url = urlsplit(distribution["dcat:downloadURL"]["@id"])
            assert url.scheme == "http" and url.netloc == "testserver"
            assert (f"municipality={city.slug}" in url.query) is filtered
            response = client_for().get(f"{url.path}?{url.query}")
            assert response.status_code == 200, url.path
            assert response["Content-Type"] == f"{distribution['dcat:mediaType']}; charset=utf-8"
            assert city.slug in body(response), url.path
            checked += 1
    assert checked == 10


def test_catalogue_of_an_unknown_municipality_is_not_found():
    response = get(f"{API}/catalog", municipality="nowhere")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    ["/datasets/unknown.csv", "/datasets/indicators.geojson", "/datasets/indicators.xml"],
)
def test_an_unknown_dataset_or_format_is_not_found(path):
    response = get(API + path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_dataset_of_an_unknown_municipality_is_not_found():
    response = get(f"{API}/datasets/indicators.csv", municipality="nowhere")

    assert response.status_code == 404


# --- Indicators ---------------------------------------------------------------------------------


@pytest.fixture
def figures():
    city = town(slug="laforce", name="Laforce")
    indicator(city, "accounts", 42)
    indicator(city, "newcomer_pairs", 3)
    indicator(city, "posts", 0)
    indicator(city, "verified_share", 60.0, basis=3)  # 60 % of a few people: suppressed
    indicator(city, "reports_median_close_hours", 30.5, basis=8)
    indicator(city, "volunteer_hours", 12, basis=2)  # 12 hours in 2 logs: suppressed
    return city


def test_indicators_csv_suppresses_small_figures_and_those_derived_from_few(figures):
    response = get(f"{API}/datasets/indicators.csv")

    assert response["Content-Disposition"] == 'attachment; filename="indicators.csv"'
    rows = csv_rows(response)
    assert [(row["municipality"], row["month"], row["metric"], row["value"]) for row in rows] == [
        ("laforce", "2026-10", "accounts", "42"),
        ("laforce", "2026-10", "newcomer_pairs", "<5"),
        ("laforce", "2026-10", "posts", "0"),
        ("laforce", "2026-10", "reports_median_close_hours", "30.5"),
        ("laforce", "2026-10", "verified_share", "<5"),
        ("laforce", "2026-10", "volunteer_hours", "<5"),
    ]


def test_indicators_json_carries_null_and_suppressed_for_small_figures(figures):
    records = json_records(get(f"{API}/datasets/indicators.json"))

    assert [(r["metric"], r["value"], r["suppressed"]) for r in records] == [
        ("accounts", 42.0, False),
        ("newcomer_pairs", None, True),
        ("posts", 0.0, False),
        ("reports_median_close_hours", 30.5, False),
        ("verified_share", None, True),
        ("volunteer_hours", None, True),
    ]
    assert records[0] == {
        "municipality": "laforce",
        "municipality_name": "Laforce",
        "month": "2026-10",
        "metric": "accounts",
        "value": 42.0,
        "suppressed": False,
    }
    assert "3" not in {str(r["value"]) for r in records}


def test_indicators_are_published_only_for_towns_with_the_module_and_never_for_regions():
    shown = town(slug="avec-indicateurs")
    hidden = town(slug="sans-indicateurs", modules=("reports",))
    indicator(shown, "accounts", 20)
    indicator(hidden, "accounts", 30)
    region_indicator(shown.region, "accounts", 50)

    rows = csv_rows(get(f"{API}/datasets/indicators.csv"))

    assert [(row["municipality"], row["value"]) for row in rows] == [("avec-indicateurs", "20")]


def test_indicators_filtered_to_one_municipality():
    first = town(slug="premiere")
    second = town(slug="seconde")
    indicator(first, "accounts", 20, month=date(2026, 9, 1))
    indicator(first, "accounts", 21)
    indicator(second, "accounts", 30)

    response = get(f"{API}/datasets/indicators.json", municipality="premiere")

    assert response["Content-Disposition"] == 'inline; filename="indicators-premiere.json"'
    records = json.loads(body(response))
    assert records["dataset"] == "indicators"
    assert records["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [(r["municipality"], r["month"], r["value"]) for r in records["records"]] == [
        ("premiere", "2026-09", 20.0),
        ("premiere", "2026-10", 21.0),
    ]


def test_indicators_of_a_town_without_the_module_are_an_empty_file():
    city = town(modules=("reports",))
    indicator(city, "accounts", 30)

    response = get(f"{API}/datasets/indicators.csv", municipality=city.slug)

    assert body(response) == "municipality,municipality_name,month,metric,value\r\n"


# --- Problem reports ----------------------------------------------------------------------------


@pytest.fixture
def private_report():
    """A report full of personal data: the reporter's name and email, a description naming
    them, an address, answers to an extra question, a public and an internal note."""
    city = town(slug="ville-rapports")
    clerk = staff(city)
    pothole = category(
        city,
        actor=clerk,
        code="pothole",
        name_fr="Nid-de-poule",
        attributes=[
            {"code": "depth", "datatype": "text", "description": "Profondeur?", "order": 1}
        ],
    )
    person = member(city, email=SECRET_EMAIL, display_name=SECRET_NAME)
    point = offset((city.latitude, city.longitude), north_m=37, east_m=-23)
    filed = report(
        city,
        actor=person,
        category_=pothole,
        at=point,
        description=f"Devant chez {SECRET_NAME}, {SECRET_EMAIL}",
        address="12 rue des Érables",
        contact_email=SECRET_EMAIL,
        attributes={"depth": "profondeur-secrete"},
    )
    report_services.report_add_note(
        actor=clerk, report=filed, note="Note interne secrète", internal=True
    )
    filed = report_services.report_set_status(
        actor=clerk, report=filed, status=ReportStatus.CLOSED_FIXED, note="Note publique secrète"
    )
    filed.public_note = "Note publique secrète"
    filed.save(update_fields=["public_note"])
    return {"city": city, "report": filed, "point": point}


def test_reports_geojson_has_coarsened_points_and_no_personal_data(private_report):
    filed = private_report["report"]
    latitude, longitude = private_report["point"]

    response = get(f"{API}/datasets/problem-reports.geojson")

    text = body(response)
    for secret in SECRET_WORDS:
        assert secret not in text
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    cell = h3.latlng_to_cell(latitude, longitude, 10)
    centre = h3.cell_to_latlng(cell)
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [round(centre[1], 6), round(centre[0], 6)],
    }
    assert feature["geometry"]["coordinates"] != [longitude, latitude]
    today = filed.requested_at.astimezone().date().isoformat()
    assert feature["properties"] == {
        "number": filed.pk,
        "municipality": "ville-rapports",
        "category": "pothole",
        "category_name": "Nid-de-poule",
        "status": "closed_fixed",
        "requested_on": feature["properties"]["requested_on"],
        "updated_on": feature["properties"]["updated_on"],
        "closed_on": feature["properties"]["closed_on"],
        "h3_cell": cell,
    }
    assert len(feature["properties"]["requested_on"]) == len(today) == 10
    assert feature["properties"]["closed_on"] is not None


def test_reports_csv_has_no_personal_data(private_report):
    response = get(f"{API}/datasets/problem-reports.csv")

    text = body(response)
    for secret in SECRET_WORDS:
        assert secret not in text
    [row] = csv_rows(get(f"{API}/datasets/problem-reports.csv"))
    assert list(row) == [
        "number",
        "municipality",
        "category",
        "category_name",
        "status",
        "requested_on",
        "updated_on",
        "closed_on",
        "h3_cell",
        "latitude",
        "longitude",
    ]
    cell, latitude, longitude = coarsened(*private_report["point"])
    assert (row["h3_cell"], float(row["latitude"]), float(row["longitude"])) == (
        cell,
        latitude,
        longitude,
    )


def test_reports_of_towns_without_the_module_are_not_published():
    shown = town(slug="avec-signalements")
    report(shown)
    hidden = town(slug="sans-signalements")
    report(hidden)
    hidden.enabled_modules = ["indicators"]
    hidden.save()

    features = json.loads(body(get(f"{API}/datasets/problem-reports.geojson")))["features"]

    assert [f["properties"]["municipality"] for f in features] == ["avec-signalements"]


def test_reports_filtered_to_one_municipality():
    first = town(slug="premiere-ville")
    second = town(slug="seconde-ville")
    mine = report(first)
    report(second)

    features = json.loads(
        body(get(f"{API}/datasets/problem-reports.geojson", municipality="premiere-ville"))
    )["features"]

    assert [f["properties"]["number"] for f in features] == [mine.pk]


def test_reports_download_is_streamed_in_the_same_number_of_queries_for_many_reports():
    city = town()
    pothole = category(city)
    person = member(city)

    def measured() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = get(f"{API}/datasets/problem-reports.geojson")
            assert response.streaming
            features = json.loads(body(response))["features"]
        return len(captured.captured_queries), len(features)

    report(city, actor=person, category_=pothole)
    few_queries, few = measured()
    for _ in range(datasets.CHUNK_ROWS // 100 + 3):
        report(city, actor=member(city), category_=pothole)
    many_queries, many = measured()

    assert (few, many) == (1, datasets.CHUNK_ROWS // 100 + 4)
    assert few_queries == many_queries == 2  # the towns with the module, the reports


def test_a_town_file_is_kept_for_the_next_downloads_and_the_platform_file_is_not():
    city = town(slug="ville-gardee")
    report(city)
    path = f"{API}/datasets/problem-reports.geojson"

    first = get(path, municipality="ville-gardee")
    assert first.streaming
    sent = body(first)
    report(city)
    with CaptureQueriesContext(connection) as captured:
        second = get(path, municipality="ville-gardee")
        assert not second.streaming
        assert body(second) == sent
    whole = get(path)

    assert len(captured.captured_queries) == 0
    assert second["Content-Type"] == "application/geo+json; charset=utf-8"
    assert (
        second["Content-Disposition"] == 'inline; filename="problem-reports-ville-gardee.geojson"'
    )
    assert len(json.loads(sent)["features"]) == 1
    assert whole.streaming and len(json.loads(body(whole))["features"]) == 2


def test_indicators_download_runs_two_queries_whatever_its_length():
    city = town()
    for number in range(3):
        indicator(city, "accounts", 10 + number, month=date(2026, number + 1, 1))

    def measured() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(get(f"{API}/datasets/indicators.csv"))
        return len(captured.captured_queries), len(rows)

    assert measured() == (2, 3)
    for number in range(3, 12):
        indicator(city, "accounts", 10 + number, month=date(2026, number + 1, 1))
    assert measured() == (2, 12)


# --- Municipalities, practices, events -------------------------------------------------------


def test_municipalities_suppress_a_population_under_five():
    area = region(slug="temiscamingue", name="Témiscamingue")
    town(slug="petite", name="Petite", region=area, population=3)
    town(slug="grande", name="Grande", region=area, population=1200)

    rows = csv_rows(get(f"{API}/datasets/municipalities.csv"))
    records = json_records(get(f"{API}/datasets/municipalities.json"))

    assert [(r["municipality"], r["region"], r["population"]) for r in rows] == [
        ("grande", "temiscamingue", "1200"),
        ("petite", "temiscamingue", "<5"),
    ]
    assert [(r["municipality"], r["population"], r["population_suppressed"]) for r in records] == [
        ("grande", 1200.0, False),
        ("petite", None, True),
    ]


def test_practices_are_the_published_ones_without_their_author():
    city = town(slug="ville-pratiques")
    author = member(city, email=SECRET_EMAIL, display_name=SECRET_NAME)
    shown = practice(city, title="Infolettre imprimée", created_by=author)
    practice(city, title="Brouillon caché", published=False)

    text = body(get(f"{API}/datasets/practices.json"))

    assert SECRET_EMAIL not in text and SECRET_NAME not in text
    records = json.loads(text)["records"]
    assert [(r["id"], r["municipality"], r["title"]) for r in records] == [
        (shown.pk, "ville-pratiques", "Infolettre imprimée")
    ]
    assert records[0]["contact"] == "Service du greffe"


def test_csv_cells_are_never_spreadsheet_formulas():
    city = town()
    practice(city, title='=HYPERLINK("http://evil")')

    [row] = csv_rows(get(f"{API}/datasets/practices.csv"))

    assert row["title"] == '\'=HYPERLINK("http://evil")'


def test_events_are_the_published_ones_of_towns_with_the_module():
    city = town(slug="ville-evenements-donnees")
    shown = event(city, title_fr="Spectacle au parc")
    event(city, title_fr="Brouillon", publish=False)
    elsewhere = town(slug="sans-evenements", modules=("reports",))
    event(town(slug="temporaire"), title_fr="Ailleurs").__class__.objects.filter(
        title_fr="Ailleurs"
    ).update(municipality=elsewhere)

    records = json_records(get(f"{API}/datasets/events.json"))

    assert [(r["id"], r["municipality"], r["title_fr"]) for r in records] == [
        (shown.pk, "ville-evenements-donnees", "Spectacle au parc")
    ]
    assert records[0]["starts_at"] == shown.starts_at.isoformat()
