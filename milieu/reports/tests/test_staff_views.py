"""The staff's problem-report pages: who may open them (every actor, with nothing changed on a
refusal), the queue's filters and query count, handling a report (status, duplicate, department,
notes; the reporter is told), categories, departments and Open311 keys."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import assert_constant_queries, client_for
from milieu.notifications.models import Notification

from .. import services
from ..models import (
    Department,
    Open311Client,
    Report,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from . import factories as f

pytestmark = pytest.mark.django_db


def url(name: str, municipality, *args) -> str:
    return reverse(f"reports_staff:{name}", args=[municipality.slug, *args])


def snapshot() -> tuple:
    """Every row the staff's pages may write."""
    return (
        list(Report.objects.values_list("pk", "status", "department_id", "public_note")),
        ReportUpdate.objects.count(),
        list(ServiceCategory.objects.values_list("pk", "code", "name_fr", "active")),
        list(Department.objects.values_list("pk", "name")),
        list(Open311Client.objects.values_list("pk", "revoked_at")),
        Notification.objects.count(),
    )


@pytest.fixture
def world():
    here, there = f.town(), f.town()
    officer = f.staff(here)
    pothole = f.category(here, actor=officer)
    reporter = f.member(here)
    report = f.report(here, actor=reporter, category_=pothole)
    department = services.department_create(actor=officer, municipality=here, name="Voirie")
    client, _key = services.open311_client_create(actor=officer, municipality=here, name="App")
    actors = {
        "anonymous": None,
        "citizen": reporter,
        "citizen_other": f.member(there),
        "staff": officer,
        "staff_nomfa": with_role(here, Role.STAFF, mfa=False),
        "staff_other": f.staff(there),
    }
    return {
        "here": here,
        "actors": actors,
        "report": report,
        "category": pothole,
        "department": department,
        "client": client,
        "reporter": reporter,
        "officer": officer,
    }


def _operations(w) -> list[tuple[str, str, str, dict]]:
    here, report = w["here"], w["report"]
    return [
        ("GET", url("queue", here), "queue", {}),
        ("GET", url("report", here, report.pk), "report", {}),
        (
            "POST",
            url("report_status", here, report.pk),
            "status",
            {"status": "closed_fixed", "note": "Réparé"},
        ),
        (
            "POST",
            url("report_assign", here, report.pk),
            "assign",
            {"department": str(w["department"].pk)},
        ),
        ("POST", url("report_note", here, report.pk), "note", {"note": "Vu", "internal": "on"}),
        ("GET", url("categories", here), "categories", {}),
        (
            "POST",
            url("categories", here),
            "category_create",
            {"code": "graffiti", "name_fr": "Graffiti", "position": "1", "active": "on"},
        ),
        ("GET", url("category_edit", here, w["category"].pk), "category_edit", {}),
        (
            "POST",
            url("category_edit", here, w["category"].pk),
            "category_save",
            {"code": w["category"].code, "name_fr": "Trou", "position": "0"},
        ),
        ("POST", url("department_create", here), "department", {"name": "Parcs"}),
        ("GET", url("keys", here), "keys", {}),
        ("POST", url("keys", here), "key_create", {"name": "Autre app"}),
        ("POST", url("key_revoke", here, w["client"].pk), "key_revoke", {}),
    ]


EXPECTED = {
    "anonymous": "login",
    "citizen": 403,
    "citizen_other": 403,
    "staff_nomfa": "mfa",
    "staff_other": 403,
}


@pytest.mark.parametrize("actor", list(EXPECTED))
def test_only_the_towns_staff_with_mfa_open_the_staff_pages_and_refusals_change_nothing(
    world, actor
):
    client = client_for(world["actors"][actor])
    for method, address, label, data in _operations(world):
        before = snapshot()
        response = client.get(address) if method == "GET" else client.post(address, data)
        expected = EXPECTED[actor]
        if expected == "login":
            assert response.status_code == 302 and "/login/" in response["Location"], label
        elif expected == "mfa":
            assert response.status_code == 302 and "totp" in response["Location"], label
        else:
            assert response.status_code == expected, label
        assert snapshot() == before, label


def test_the_towns_staff_open_every_page_and_each_write_changes_something(world):
    client = client_for(world["officer"])
    for method, address, label, data in _operations(world):
        before = snapshot()
        response = client.get(address) if method == "GET" else client.post(address, data)
        if method == "GET":
            assert response.status_code == 200, label
            assert snapshot() == before, label
        else:
            assert response.status_code in (200, 302), (label, response.status_code)
            assert snapshot() != before, label


def test_a_report_of_another_town_is_not_found_for_its_staff(world):
    there = f.town()
    elsewhere = f.report(there)
    client = client_for(world["officer"])
    assert client.get(url("report", world["here"], elsewhere.pk)).status_code == 404
    response = client.post(
        url("report_status", world["here"], elsewhere.pk), {"status": "closed_fixed"}
    )
    assert response.status_code == 404
    assert Report.objects.get(pk=elsewhere.pk).status == ReportStatus.OPEN


# --- The queue ----------------------------------------------------------------------------------


def test_the_queue_lists_open_reports_in_constant_queries(world):
    here = world["here"]
    pothole = world["category"]

    def add(n: int) -> list[str]:
        return [f"#{f.report(here, category_=pothole).pk}" for _ in range(n)]

    assert_constant_queries(client_for(world["officer"]), url("queue", here), add, few=2, many=8)


def test_the_queue_filters_by_status_category_and_department(world):
    here, officer = world["here"], world["officer"]
    light = f.category(here, actor=officer)
    lit = f.report(here, category_=light)
    closed = f.report(here, category_=light)
    services.report_set_status(actor=officer, report=closed, status="closed_fixed")
    services.report_assign(actor=officer, report=lit, department=world["department"])
    client = client_for(officer)

    def shown(**query) -> set[int]:
        response = client.get(url("queue", here), query)
        assert response.status_code == 200
        return {report.pk for report in response.context["reports"]}

    assert shown() == {world["report"].pk, lit.pk}
    assert shown(status="all") == {world["report"].pk, lit.pk, closed.pk}
    assert shown(status="closed_fixed") == {closed.pk}
    assert shown(status="all", category=light.code) == {lit.pk, closed.pk}
    assert shown(department=str(world["department"].pk)) == {lit.pk}


def test_the_queue_answers_htmx_with_its_results_only(world):
    response = client_for(world["officer"]).get(
        url("queue", world["here"]), {"status": "all"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'id="queue-results"' in body and "<html" not in body


# --- Handling a report --------------------------------------------------------------------------


def test_closing_as_fixed_with_a_note_tells_the_reporter_in_app(
    world, django_capture_on_commit_callbacks
):
    report = world["report"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["officer"]).post(
            url("report_status", world["here"], report.pk),
            {"status": "closed_fixed", "note": "Le trou est bouché."},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.public_note) == ("closed_fixed", "Le trou est bouché.")
    assert report.closed_at is not None
    notification = Notification.objects.get(user=world["reporter"])
    assert notification.topic == "reports"
    assert notification.url.endswith(f"/reports/{report.pk}/")


def test_marking_a_duplicate_names_the_original_and_a_bad_number_keeps_the_form(world):
    here, officer = world["here"], world["officer"]
    report = world["report"]
    original = f.report(here, category_=world["category"])
    client = client_for(officer)
    before = snapshot()
    with translation.override("en"):
        response = client.post(
            url("report_status", here, report.pk),
            {"status": "duplicate", "duplicate_of": "999999", "note": "Déjà signalé"},
        )
    assert response.status_code == 400
    form = response.context["status_form"]
    assert list(form.errors) == ["duplicate_of"]
    assert "Déjà signalé" in response.content.decode()
    assert snapshot() == before
    response = client.post(
        url("report_status", here, report.pk),
        {"status": "duplicate", "duplicate_of": str(original.pk)},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.duplicate_of_id) == ("duplicate", original.pk)


def test_a_duplicate_without_a_number_is_refused_on_the_field(world):
    before = snapshot()
    response = client_for(world["officer"]).post(
        url("report_status", world["here"], world["report"].pk), {"status": "duplicate"}
    )
    assert response.status_code == 400
    assert list(response.context["status_form"].errors) == ["duplicate_of"]
    assert snapshot() == before


def test_assigning_a_department_and_an_internal_note_do_not_tell_the_reporter(
    world, django_capture_on_commit_callbacks
):
    here, report = world["here"], world["report"]
    client = client_for(world["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                url("report_assign", here, report.pk), {"department": world["department"].pk}
            ).status_code
            == 302
        )
        assert (
            client.post(
                url("report_note", here, report.pk), {"note": "Budget 2027", "internal": "on"}
            ).status_code
            == 302
        )
    report.refresh_from_db()
    assert report.department == world["department"]
    assert report.public_note == ""
    assert Notification.objects.filter(user=world["reporter"]).count() == 0
    page = client.get(url("report", here, report.pk)).content.decode()
    assert "Budget 2027" in page and "Voirie" in page


def test_a_note_to_the_reporter_tells_them(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world["officer"]).post(
            url("report_note", world["here"], world["report"].pk), {"note": "On s'en occupe"}
        )
    assert Notification.objects.filter(user=world["reporter"], topic="reports").count() == 1


def test_an_empty_note_is_refused_on_the_field(world):
    before = snapshot()
    response = client_for(world["officer"]).post(
        url("report_note", world["here"], world["report"].pk), {"note": ""}
    )
    assert response.status_code == 400
    assert list(response.context["note_form"].errors) == ["note"]
    assert snapshot() == before


# --- Categories, departments, keys --------------------------------------------------------------


def test_a_category_with_extra_questions_is_added_and_bad_json_keeps_what_was_typed(world):
    here = world["here"]
    client = client_for(world["officer"])
    before = snapshot()
    data = {
        "code": "neige",
        "name_fr": "Déneigement",
        "position": "3",
        "active": "on",
        "attributes": "[{not json",
        "department": str(world["department"].pk),
    }
    response = client.post(url("categories", here), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["attributes"]
    assert 'value="Déneigement"' in response.content.decode()
    assert snapshot() == before
    data["attributes"] = (
        '[{"code": "rue", "datatype": "string", "description": "Quelle rue?", "required": true}]'
    )
    assert client.post(url("categories", here), data).status_code == 302
    category = ServiceCategory.objects.get(municipality=here, code="neige")
    assert category.department == world["department"]
    assert category.attributes[0]["code"] == "rue"


def test_a_taken_code_is_refused_on_the_field(world):
    before = snapshot()
    response = client_for(world["officer"]).post(
        url("categories", world["here"]),
        {"code": world["category"].code, "name_fr": "Autre", "position": "0"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["code"]
    assert snapshot() == before


def test_a_category_is_changed_and_can_stop_being_offered(world):
    category = world["category"]
    response = client_for(world["officer"]).post(
        url("category_edit", world["here"], category.pk),
        {"code": category.code, "name_fr": "Trou", "name_en": "Hole", "position": "2"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name_fr, category.name_en, category.active) == ("Trou", "Hole", False)


def test_a_new_key_is_shown_once_and_a_revoked_key_is_marked(world):
    here = world["here"]
    client = client_for(world["officer"])
    response = client.post(url("keys", here), {"name": "Carte citoyenne"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    created = Open311Client.objects.get(name="Carte citoyenne")
    assert key.startswith(created.key_prefix) and key in response.content.decode()
    assert key not in client.get(url("keys", here)).content.decode()
    assert client.post(url("key_revoke", here, created.pk)).status_code == 302
    created.refresh_from_db()
    assert created.revoked_at is not None
    again = client.post(url("key_revoke", here, created.pk))
    assert again.status_code == 400
