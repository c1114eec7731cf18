"""The reports API: public categories and reports (never their private part), filing by a
member, my reports, the staff's list and handling, the Open311 keys; bad input is a 400 naming
its field, a refused write changes nothing, lists keep their query count."""

import json
from typing import Any

import pytest

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import client_for
from milieu.reports import services
from milieu.reports.models import Open311Client, Report, ReportStatus, ReportUpdate

from .factories import attributes, category, member, offset, report, staff, town

pytestmark = pytest.mark.django_db
API = "/api/v1"
SECRET = "hidden.person@example.org"


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def call(user, method: str, path: str, payload=None, **params) -> tuple[int, Any]:
    client = client_for(user)
    if method == "GET":
        response = client.get(API + path, params)
    else:
        response = client.generic(
            method, API + path, json.dumps(payload or {}), content_type="application/json"
        )
    return response.status_code, response.json()


@pytest.fixture
def world():
    city = town()
    clerk = staff(city)
    pothole = category(city, actor=clerk, code="pothole", attributes=attributes())
    person = member(city, email=SECRET, display_name="Hidden Person")
    filed = report(
        city,
        actor=person,
        category_=pothole,
        contact_email=SECRET,
        attributes={"size": "small", "depth": 3},
    )
    return {"city": city, "clerk": clerk, "pothole": pothole, "person": person, "report": filed}


def payload(world, **extra):
    city = world["city"]
    return {
        "category": "pothole",
        "description": "Un trou",
        "latitude": city.latitude,
        "longitude": city.longitude,
        "attributes": {"size": "large", "depth": "10"},
        **extra,
    }


# --- Public ---------------------------------------------------------------------------------------


def test_categories_are_public(world):
    status, body = call(None, "GET", f"/municipalities/{world['city'].slug}/report-categories")
    assert status == 200
    [pothole] = body
    assert pothole["code"] == "pothole"
    assert [a["code"] for a in pothole["attributes"]] == ["size", "depth", "sides", "seen", "more"]


def test_a_module_off_municipality_has_no_reports_api():
    city = town(modules=())
    status, body = call(None, "GET", f"/municipalities/{city.slug}/report-categories")
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_the_public_never_sees_the_private_part(world):
    city, filed = world["city"], world["report"]
    for path in (
        f"/municipalities/{city.slug}/reports",
        f"/municipalities/{city.slug}/reports/{filed.pk}",
    ):
        for user in (None, member(city)):
            status, body = call(user, "GET", path)
            assert status == 200
            text = json.dumps(body)
            assert SECRET not in text and "Hidden Person" not in text
    status, body = call(None, "GET", f"/municipalities/{city.slug}/reports/{filed.pk}")
    assert body["private"] is None
    assert (body["status"], body["category"], body["is_open"]) == ("open", "pothole", True)


def test_the_reporter_and_the_staff_see_the_private_part(world):
    city, filed = world["city"], world["report"]
    path = f"/municipalities/{city.slug}/reports/{filed.pk}"
    _status, mine = call(world["person"], "GET", path)
    assert mine["private"] == {
        "reporter": "Hidden Person",
        "mine": True,
        "contact_email": SECRET,
        "source": "web",
        "photo_count": 0,
        "attributes": {"size": "small", "depth": 3},
    }
    _status, theirs = call(world["clerk"], "GET", path)
    assert theirs["private"]["mine"] is False
    _status, other = call(staff(town()), "GET", path)
    assert other["private"] is None


def test_another_municipality_report_is_not_found(world):
    elsewhere = town()
    status, body = call(
        None, "GET", f"/municipalities/{elsewhere.slug}/reports/{world['report'].pk}"
    )
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_public_list_pages_and_filters(world):
    city = world["city"]
    more = [report(city, category_=world["pothole"], attributes={"size": "small", "depth": 1})]
    status, body = call(None, "GET", f"/municipalities/{city.slug}/reports", limit=1)
    assert status == 200
    assert [r["id"] for r in body["items"]] == [more[0].pk]
    _status, body = call(
        None, "GET", f"/municipalities/{city.slug}/reports", limit=1, cursor=body["next_cursor"]
    )
    assert ([r["id"] for r in body["items"]], body["next_cursor"]) == ([world["report"].pk], None)
    status, body = call(None, "GET", f"/municipalities/{city.slug}/reports", status="lost")
    assert (status, list(body["error"]["fields"])) == (400, ["status"])
    status, body = call(None, "GET", f"/municipalities/{city.slug}/reports", category="nope")
    assert (status, list(body["error"]["fields"])) == (400, ["category"])


def test_public_list_keeps_its_query_count(world, django_assert_num_queries):
    city = world["city"]
    path = f"/municipalities/{city.slug}/reports"
    call(None, "GET", path)  # the municipality in the cache
    with django_assert_num_queries(1):
        call(None, "GET", path)
    for _ in range(4):
        report(city, category_=world["pothole"], attributes={"size": "small", "depth": 1})
    with django_assert_num_queries(1):
        _status, body = call(None, "GET", path)
    assert len(body["items"]) == 5


def test_nearby_suggests_open_reports_within_50_m(world):
    city = world["city"]
    near = offset((city.latitude, city.longitude), north_m=30)
    status, body = call(
        None,
        "GET",
        f"/municipalities/{city.slug}/reports/nearby",
        category="pothole",
        lat=near[0],
        lng=near[1],
    )
    assert status == 200
    assert [(r["id"], r["distance_m"]) for r in body] == [(world["report"].pk, 30)]


def test_history_hides_internal_steps_and_authors_from_the_public(world):
    city, filed, clerk = world["city"], world["report"], world["clerk"]
    services.report_add_note(actor=clerk, report=filed, note="Interne", internal=True)
    services.report_set_status(actor=clerk, report=filed, status=ReportStatus.ACKNOWLEDGED)
    path = f"/municipalities/{city.slug}/reports/{filed.pk}/history"
    _status, public = call(None, "GET", path)
    assert [(u["status_to"], u["author"]) for u in public] == [
        ("open", None),
        ("acknowledged", None),
    ]
    _status, full = call(clerk, "GET", path)
    assert [u["note"] for u in full] == ["", "Interne", ""]
    assert full[2]["author"] == clerk.display_name


# --- Filing ---------------------------------------------------------------------------------------


def test_a_member_files_a_report(world):
    city = world["city"]
    person = member(city)
    status, body = call(person, "POST", f"/municipalities/{city.slug}/reports", payload(world))
    assert status == 201
    created = Report.objects.get(pk=body["id"])
    assert (created.reporter, created.source) == (person, "api")
    assert body["private"]["attributes"] == {"size": "large", "depth": 10}
    assert body["private"]["mine"] is True


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"description": ""}, "description"),
        ({"latitude": 45.2667, "longitude": -72.15}, "latitude"),
        ({"attributes": {"size": "huge", "depth": 1}}, "attributes.size"),
    ],
)
def test_bad_report_is_400_with_its_field(world, extra, field):
    city = world["city"]
    status, body = call(
        member(city), "POST", f"/municipalities/{city.slug}/reports", payload(world, **extra)
    )
    assert (status, body["error"]["code"], list(body["error"]["fields"])) == (
        400,
        "validation",
        [field],
    )
    assert Report.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("other_member", 403)])
def test_only_members_file(world, who, status):
    city = world["city"]
    user = None if who == "anonymous" else member(town())
    got, _body = call(user, "POST", f"/municipalities/{city.slug}/reports", payload(world))
    assert got == status
    assert Report.objects.count() == 1


def test_my_reports(world):
    person = world["person"]
    status, body = call(person, "GET", "/me/reports")
    assert status == 200
    assert [r["id"] for r in body["items"]] == [world["report"].pk]
    assert body["items"][0]["private"]["contact_email"] == SECRET


# --- Staff ----------------------------------------------------------------------------------------


WHO = ["anonymous", "member", "other_member", "staff", "other_staff", "staff_without_mfa"]


def actor_for(world, who):
    city = world["city"]
    return {
        "anonymous": None,
        "member": lambda: member(city),
        "other_member": lambda: member(town()),
        "staff": lambda: world["clerk"],
        "other_staff": lambda: staff(town()),
        "staff_without_mfa": lambda: with_role(city, Role.STAFF, mfa=False),
    }[who]


@pytest.mark.parametrize("who", WHO)
def test_staff_operations_matrix(world, who):
    city, filed = world["city"], world["report"]
    make = actor_for(world, who)
    user = make() if make else None
    parks = services.department_create(actor=world["clerk"], municipality=city, name="Parcs")
    base = f"/municipalities/{city.slug}"
    report_path = f"{base}/reports/{filed.pk}"
    before = (
        list(Report.objects.values()),
        list(ReportUpdate.objects.values()),
        list(Open311Client.objects.values()),
    )
    results = [
        call(user, "GET", f"{base}/staff/reports")[0],
        call(user, "POST", f"{report_path}/status", {"status": "acknowledged"})[0],
        call(user, "POST", f"{report_path}/assign", {"department": parks.pk})[0],
        call(user, "POST", f"{report_path}/notes", {"note": "x", "internal": True})[0],
        call(user, "GET", f"{base}/open311-clients")[0],
        call(user, "POST", f"{base}/open311-clients", {"name": "App"})[0],
        call(user, "GET", f"{base}/report-departments")[0],
    ]
    if who == "staff":
        assert results == [200, 200, 200, 201, 200, 201, 200]
        return
    assert results == [401 if who == "anonymous" else 403] * 7
    after = (
        list(Report.objects.values()),
        list(ReportUpdate.objects.values()),
        list(Open311Client.objects.values()),
    )
    assert after == before


def test_staff_list_shows_the_private_part_and_filters(world):
    city, clerk = world["city"], world["clerk"]
    parks = services.department_create(actor=clerk, municipality=city, name="Parcs")
    other = report(city, category_=world["pothole"], attributes={"size": "small", "depth": 1})
    services.report_assign(actor=clerk, report=other, department=parks)
    base = f"/municipalities/{city.slug}/staff/reports"
    _status, body = call(clerk, "GET", base)
    assert [r["id"] for r in body["items"]] == [other.pk, world["report"].pk]
    assert body["items"][1]["private"]["contact_email"] == SECRET
    _status, body = call(clerk, "GET", base, department=parks.pk)
    assert [r["id"] for r in body["items"]] == [other.pk]
    status, body = call(clerk, "GET", base, department=999_999)
    assert (status, list(body["error"]["fields"])) == (400, ["department"])


def test_staff_list_keeps_its_query_count(world, django_assert_num_queries):
    city, clerk = world["city"], world["clerk"]
    client = client_for(clerk)
    path = f"{API}/municipalities/{city.slug}/staff/reports"
    client.get(path)
    with django_assert_num_queries(3):  # the session, the reports, their photos
        client.get(path)
    for _ in range(4):
        report(city, category_=world["pothole"], attributes={"size": "small", "depth": 1})
    with django_assert_num_queries(3):  # whatever the length of the page
        response = client.get(path)
    assert len(response.json()["items"]) == 5


def test_set_status_duplicate_and_conflict(world):
    city, clerk, filed = world["city"], world["clerk"], world["report"]
    original = report(city, category_=world["pothole"], attributes={"size": "small", "depth": 1})
    path = f"/municipalities/{city.slug}/reports/{filed.pk}/status"
    status, body = call(clerk, "POST", path, {"status": "duplicate"})
    assert (status, list(body["error"]["fields"])) == (400, ["duplicate_of"])
    status, body = call(clerk, "POST", path, {"status": "duplicate", "duplicate_of": original.pk})
    assert (status, body["status"], body["duplicate_of"], body["is_open"]) == (
        200,
        "duplicate",
        original.pk,
        False,
    )
    status, body = call(clerk, "POST", path, {"status": "duplicate", "duplicate_of": original.pk})
    assert (status, body["error"]["code"]) == (409, "wrong_state")


def test_a_public_note_becomes_the_public_note(world):
    city, clerk, filed = world["city"], world["clerk"], world["report"]
    path = f"/municipalities/{city.slug}/reports/{filed.pk}"
    status, body = call(clerk, "POST", f"{path}/notes", {"note": "Demain matin."})
    assert (status, body["internal"], body["note"]) == (201, False, "Demain matin.")
    _status, body = call(None, "GET", path)
    assert body["public_note"] == "Demain matin."


def test_staff_cannot_handle_another_municipality_report(world):
    elsewhere = town()
    status, _body = call(
        staff(elsewhere),
        "POST",
        f"/municipalities/{elsewhere.slug}/reports/{world['report'].pk}/status",
        {"status": "acknowledged"},
    )
    assert status == 404
    world["report"].refresh_from_db()
    assert world["report"].status == "open"


def test_open311_clients_create_list_revoke(world):
    city, clerk = world["city"], world["clerk"]
    base = f"/municipalities/{city.slug}/open311-clients"
    status, created = call(clerk, "POST", base, {"name": "Voilà"})
    assert status == 201
    assert created["key"].startswith(created["key_prefix"])
    assert services.open311_client_for_key(created["key"]).pk == created["id"]
    _status, listed = call(clerk, "GET", base)
    assert [c["name"] for c in listed] == ["Voilà"]
    assert "key" not in listed[0]
    status, revoked = call(clerk, "POST", f"{base}/{created['id']}/revoke")
    assert status == 200 and revoked["revoked_at"] is not None
    status, body = call(clerk, "POST", f"{base}/{created['id']}/revoke")
    assert (status, body["error"]["code"]) == (409, "wrong_state")
    other = town()
    status, _body = call(
        staff(other), "POST", f"/municipalities/{other.slug}/open311-clients/{created['id']}/revoke"
    )
    assert status == 404
