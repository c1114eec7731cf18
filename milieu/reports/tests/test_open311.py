"""Open311 GeoReport v2 conformance: a client calls every method in JSON and XML, and checks the
shapes and element names the specification gives; creating needs the jurisdiction's api_key;
errors are lists of {code, description}; filters and tokens; no personal data ever in a public
answer."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from milieu.reports import services
from milieu.reports.models import Report, ReportStatus

from .factories import attributes, category, member, report, staff, town

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
SECRET_EMAIL = "secret.reporter@example.org"
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock."""


@pytest.fixture
def world():
    city = town(slug="brossard-311")
    clerk = staff(city)
    roads = services.department_create(actor=clerk, municipality=city, name="Voirie")
    pothole = category(
        city,
        actor=clerk,
        code="pothole",
        name_fr="Nid-de-poule",
        name_en="Pothole",
        group="Rues",
        keywords="route,trou",
        department=roads.pk,
        attributes=attributes(),
    )
    graffiti = category(city, actor=clerk, code="graffiti", name_fr="Graffiti")
    person = member(city, email=SECRET_EMAIL, display_name="Secret Person")
    filed = report(
        city,
        actor=person,
        category_=graffiti,
        contact_email=SECRET_EMAIL,
        address="1 rue du Parc",
    )
    services.report_add_note(actor=clerk, report=filed, note="INTERNAL-ONLY", internal=True)
    client_app, key = services.open311_client_create(actor=clerk, municipality=city, name="App")
    return {
        "city": city,
        "clerk": clerk,
        "pothole": pothole,
        "graffiti": graffiti,
        "report": filed,
        "key": key,
        "client": client_app,
    }


def get(path: str, fmt: str, **params):
    return Client().get(f"{BASE}/{path}.{fmt}", params)


def post(fmt: str, data: dict):
    return Client(enforce_csrf_checks=True).post(f"{BASE}/requests.{fmt}", data)


def parse(response, fmt: str):
    """The body as Python data: JSON as is; XML as (root tag, list of {child: text}) for the
    list resources."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314  (our own answer)


def xml_rows(root: ET.Element, root_tag: str, item_tag: str) -> list[dict[str, str]]:
    assert root.tag == root_tag
    assert all(child.tag == item_tag for child in root)
    return [{child.tag: (child.text or "") for child in item} for item in root]


def assert_private_data_absent(response, world) -> None:
    body = response.content.decode()
    for secret in (SECRET_EMAIL, "Secret Person", "INTERNAL-ONLY", "App", world["key"]):
        assert secret not in body


# --- Discovery and services -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(fmt):
    response = get("discovery", fmt)
    assert response.status_code == 200
    data = parse(response, fmt)
    if fmt == "json":
        assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
        [endpoint] = data["endpoints"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert endpoint["formats"] == ["application/json", "text/xml"]
    else:
        assert data.tag == "discovery"
        assert [c.tag for c in data] == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = data.find("endpoints/endpoint")
        assert endpoint is not None
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "application/json",
            "text/xml",
        ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_list(world, fmt):
    response = get("services", fmt, jurisdiction_id="brossard-311")
    assert response.status_code == 200
    data = parse(response, fmt)
    rows = data if fmt == "json" else xml_rows(data, "services", "service")
    assert [list(row) for row in rows] == [SERVICE_FIELDS, SERVICE_FIELDS]
    pothole = next(row for row in rows if row["service_code"] == "pothole")
    expected = {
        "service_code": "pothole",
        "service_name": "Nid-de-poule",
        "description": "",
        "metadata": True,
        "type": "realtime",
        "keywords": "route,trou",
        "group": "Rues",
    }
    if fmt == "xml":
        expected = {k: {True: "true"}.get(v, v) for k, v in expected.items()}  # type: ignore[misc]
    assert pothole == expected


def test_service_names_follow_the_accept_language(world):
    response = Client().get(
        f"{BASE}/services.json", {"jurisdiction_id": "brossard-311"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    names = {row["service_code"]: row["service_name"] for row in response.json()}
    assert names["pothole"] == "Pothole"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition(world, fmt):
    response = get("services/pothole", fmt, jurisdiction_id="brossard-311")
    assert response.status_code == 200
    data = parse(response, fmt)
    if fmt == "json":
        assert data["service_code"] == "pothole"
        assert [list(a) for a in data["attributes"]] == [ATTRIBUTE_FIELDS] * 5
        size = data["attributes"][0]
        assert (size["code"], size["datatype"], size["required"], size["variable"]) == (
            "size",
            "singlevaluelist",
            True,
            True,
        )
        assert size["values"] == [
            {"key": "small", "name": "Small"},
            {"key": "large", "name": "Large"},
        ]
    else:
        assert data.tag == "service_definition"
        assert data.findtext("service_code") == "pothole"
        attributes_ = data.findall("attributes/attribute")
        assert [[c.tag for c in a] for a in attributes_] == [ATTRIBUTE_FIELDS] * 5
        assert attributes_[0].findtext("required") == "true"
        assert [v.findtext("key") for v in attributes_[0].findall("values/value")] == [
            "small",
            "large",
        ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_not_found(world, fmt):
    response = get("services/nope", fmt, jurisdiction_id="brossard-311")
    assert response.status_code == 404
    assert_errors(response, fmt, 404)


# --- Errors ---------------------------------------------------------------------------------------


def assert_errors(response, fmt: str, code: int) -> str:
    data = parse(response, fmt)
    if fmt == "json":
        [error] = data
        assert list(error) == ["code", "description"]
        assert error["code"] == code
        return error["description"]
    rows = xml_rows(data, "errors", "error")
    assert [list(row) for row in rows] == [["code", "description"]]
    assert rows[0]["code"] == str(code)
    return rows[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 400), ({"jurisdiction_id": "nowhere"}, 404)],
)
def test_jurisdiction_is_required_and_must_exist(world, fmt, params, status):
    for path in ("services", "requests", "services/pothole", f"requests/{world['report'].pk}"):
        response = get(path, fmt, **params)
        assert response.status_code == status, path
        assert_errors(response, fmt, status)


def test_a_municipality_without_the_module_is_not_a_jurisdiction():
    town(slug="sans-module", modules=())
    response = get("services", "json", jurisdiction_id="sans-module")
    assert response.status_code == 404


# --- Reading requests -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_list_shows_public_fields_only(world, fmt):
    response = get("requests", fmt, jurisdiction_id="brossard-311")
    assert response.status_code == 200
    data = parse(response, fmt)
    rows = data if fmt == "json" else xml_rows(data, "service_requests", "request")
    [row] = rows
    assert list(row) == REQUEST_FIELDS
    filed = world["report"]
    assert row["service_request_id"] == str(filed.pk)
    assert row["status"] == "open"
    assert row["service_code"] == "graffiti"
    assert row["address"] == "1 rue du Parc"
    assert row["requested_datetime"].endswith(("-05:00", "-04:00"))
    assert_private_data_absent(response, world)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_detail_and_status_notes(world, fmt):
    filed = world["report"]
    services.report_set_status(
        actor=world["clerk"], report=filed, status=ReportStatus.CLOSED_FIXED, note="Effacé."
    )
    response = get(f"requests/{filed.pk}", fmt, jurisdiction_id="brossard-311")
    assert response.status_code == 200
    data = parse(response, fmt)
    rows = data if fmt == "json" else xml_rows(data, "service_requests", "request")
    [row] = rows
    assert (row["status"], row["status_notes"]) == ("closed", "Effacé.")
    assert row["agency_responsible"] == ""
    assert_private_data_absent(response, world)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_detail_of_another_jurisdiction_is_not_found(world, fmt):
    other = town(slug="ailleurs-311")
    theirs = report(other)
    for request_id in (theirs.pk, "abc", 999_999):
        response = get(f"requests/{request_id}", fmt, jurisdiction_id="brossard-311")
        assert response.status_code == 404
        assert_errors(response, fmt, 404)


def test_request_list_filters(world):
    city, clerk = world["city"], world["clerk"]
    with time_machine.travel(timezone.now() - timedelta(days=120), tick=False):
        old = report(city, category_=world["graffiti"])
    pothole = report(city, category_=world["pothole"], attributes={"size": "small", "depth": "2"})
    closed = report(city, category_=world["graffiti"])
    services.report_set_status(actor=clerk, report=closed, status=ReportStatus.CLOSED_NOT_FIXED)
    filed = world["report"]

    def ids(**params):
        response = get("requests", "json", jurisdiction_id="brossard-311", **params)
        assert response.status_code == 200, response.content
        return [int(row["service_request_id"]) for row in response.json()]

    assert ids() == [closed.pk, pothole.pk, filed.pk]  # the last 90 days
    assert ids(service_code="pothole") == [pothole.pk]
    assert ids(service_code="pothole,graffiti", status="closed") == [closed.pk]
    assert ids(status="open") == [pothole.pk, filed.pk]
    long_ago = (timezone.now() - timedelta(days=200)).date().isoformat()
    assert ids(start_date=long_ago) == [closed.pk, pothole.pk, filed.pk, old.pk]
    until = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(start_date=long_ago, end_date=until) == [old.pk]
    assert ids(service_request_id=f"{old.pk},{filed.pk},999999") == [filed.pk, old.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"service_request_id": "1,x"},
        {"start_date": "2026-12-01", "end_date": "2026-11-01"},
    ],
)
def test_bad_filters_are_400(world, params):
    response = get("requests", "json", jurisdiction_id="brossard-311", **params)
    assert response.status_code == 400
    assert_errors(response, "json", 400)


def test_request_list_keeps_its_query_count(world, django_assert_max_num_queries):
    city = world["city"]
    for _ in range(5):
        report(city, category_=world["graffiti"])
    with django_assert_max_num_queries(3):
        response = get("requests", "json", jurisdiction_id="brossard-311")
    assert len(response.json()) == 6


# --- Creating requests ----------------------------------------------------------------------------


def form(world, **extra) -> dict:
    return {
        "jurisdiction_id": "brossard-311",
        "api_key": world["key"],
        "service_code": "pothole",
        "lat": str(world["city"].latitude),
        "long": str(world["city"].longitude),
        "address_string": "10 boulevard Taschereau",
        "description": "Un grand trou",
        "email": SECRET_EMAIL,
        "first_name": "Secret",
        "last_name": "Person",
        "phone": "555-0100",
        "device_id": "device-1",
        "attribute[size]": "large",
        "attribute[depth]": "15",
        "attribute[sides][]": ["north", "south"],
        **extra,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_create_with_a_key_keeps_the_least(world, fmt):
    response = post(fmt, form(world))
    assert response.status_code == 200, response.content
    data = parse(response, fmt)
    rows = data if fmt == "json" else xml_rows(data, "service_requests", "request")
    [row] = rows
    assert list(row) == ["service_request_id", "token", "service_notice", "account_id"]
    created = Report.objects.get(pk=int(row["service_request_id"]))
    assert row["token"] == created.token
    assert (created.reporter, created.client, created.source) == (None, world["client"], "open311")
    assert created.contact_email == SECRET_EMAIL
    assert created.attributes == {"size": "large", "depth": 15, "sides": ["north", "south"]}
    assert created.department.name == "Voirie"
    stored = json.dumps(
        Report.objects.filter(pk=created.pk).values().get(),
        default=str,
    )
    for ignored in ("555-0100", "device-1", "Secret"):
        assert ignored not in stored


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_anonymous_create_is_refused(world, fmt):
    data = form(world)
    del data["api_key"]
    response = post(fmt, data)
    assert response.status_code == 403
    assert_errors(response, fmt, 403)
    assert Report.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_or_revoked_or_foreign_key_is_403(world, fmt):
    other = town(slug="ailleurs-key")
    _theirs, foreign_key = services.open311_client_create(
        actor=staff(other), municipality=other, name="Theirs"
    )
    revoked, revoked_key = services.open311_client_create(
        actor=world["clerk"], municipality=world["city"], name="Old"
    )
    services.open311_client_revoke(actor=world["clerk"], client=revoked)
    for key in ("x" * 43, foreign_key, revoked_key):
        response = post(fmt, form(world, api_key=key))
        assert response.status_code == 403
        assert_errors(response, fmt, 403)
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "status", "mentions"),
    [
        ({"jurisdiction_id": "nowhere"}, 404, ""),
        ({"service_code": "nope"}, 400, "service_code"),
        ({"lat": "", "long": ""}, 400, "lat"),
        ({"description": ""}, 400, "description"),
        ({"attribute[size]": "huge"}, 400, "attributes.size"),
        ({"email": "nope"}, 400, "email"),
    ],
)
def test_create_errors(world, extra, status, mentions):
    response = post("json", form(world, **extra))
    assert response.status_code == status
    description = assert_errors(response, "json", status)
    assert mentions in description
    assert Report.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_gives_the_request_id(world, fmt):
    created = post("json", form(world)).json()[0]
    response = get(f"tokens/{created['token']}", fmt, jurisdiction_id="brossard-311")
    assert response.status_code == 200
    data = parse(response, fmt)
    rows = data if fmt == "json" else xml_rows(data, "service_requests", "request")
    assert rows == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    missing = get("tokens/unknown-token-123", fmt, jurisdiction_id="brossard-311")
    assert missing.status_code == 404


def test_a_created_request_shows_no_personal_data_anywhere(world):
    created = post("json", form(world)).json()[0]
    for fmt in ("json", "xml"):
        for path in ("requests", f"requests/{created['service_request_id']}"):
            response = get(path, fmt, jurisdiction_id="brossard-311")
            assert response.status_code == 200
            assert_private_data_absent(response, world)
            assert "555-0100" not in response.content.decode()


def test_other_methods_are_refused(world):
    response = Client().delete(f"{BASE}/requests.json")
    assert response.status_code == 405
    response = Client().post(f"{BASE}/services.json", {"jurisdiction_id": "brossard-311"})
    assert response.status_code == 405


def test_xml_stays_well_formed_with_control_characters(world):
    filed = world["report"]
    Report.objects.filter(pk=filed.pk).update(description="Trou\x0bprofond\x1f")
    response = get(f"requests/{filed.pk}", "xml", jurisdiction_id="brossard-311")
    rows = xml_rows(parse(response, "xml"), "service_requests", "request")
    assert rows[0]["description"] == "Trouprofond"
