"""Who may do what with reports: the matrix (anonymous, member of the town, member of another
town, staff of the town, staff of another town, staff without MFA) for every write, and nothing
changed on a refusal."""

import pytest
from django.contrib.auth.models import AnonymousUser

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.errors import PermissionDenied
from milieu.reports import services
from milieu.reports.models import Department, Open311Client, Report, ReportUpdate, ServiceCategory

from .factories import category, member, report, staff, town

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "member", "other_member", "staff", "other_staff", "staff_without_mfa"]


@pytest.fixture
def world():
    city, elsewhere = town(), town()
    return {
        "city": city,
        "anonymous": AnonymousUser(),
        "member": member(city),
        "other_member": member(elsewhere),
        "staff": staff(city),
        "other_staff": staff(elsewhere),
        "staff_without_mfa": with_role(city, Role.STAFF, mfa=False),
    }


def snapshot():
    return (
        list(Report.objects.order_by("pk").values()),
        list(ReportUpdate.objects.order_by("pk").values()),
        list(ServiceCategory.objects.order_by("pk").values()),
        list(Department.objects.order_by("pk").values()),
        list(Open311Client.objects.order_by("pk").values()),
    )


def attempt(operation) -> bool:
    before = snapshot()
    try:
        operation()
    except PermissionDenied:
        assert snapshot() == before
        return False
    return True


def test_perms_matrix(world):
    city = world["city"]
    filed = report(city)
    expected = {
        "anonymous": (False, False, False, False),
        "member": (True, False, False, False),
        "other_member": (False, False, False, False),
        "staff": (True, True, True, True),
        "other_staff": (False, False, False, False),
        "staff_without_mfa": (True, False, False, False),  # a member, not yet staff
    }
    for who in WHO:
        user = world[who]
        assert (
            user.has_perm("reports.file_report", city),
            user.has_perm("reports.handle_report", city),
            user.has_perm("reports.manage_categories", city),
            user.has_perm("reports.handle_this_report", filed),
        ) == expected[who], who


def test_nobody_files_when_the_module_is_off():
    city = town(modules=())
    assert not member(city).has_perm("reports.file_report", city)
    assert staff(city).has_perm("reports.handle_report", city)


@pytest.mark.parametrize("who", WHO)
def test_filing_matrix(world, who):
    city = world["city"]
    pothole = category(city)
    allowed = attempt(lambda: report(city, actor=world[who], category_=pothole))
    assert allowed == (who in {"member", "staff", "staff_without_mfa"})


@pytest.mark.parametrize("who", WHO)
def test_handling_matrix(world, who):
    city = world["city"]
    filed = report(city)
    parks = services.department_create(actor=world["staff"], municipality=city, name="Parcs")
    actor = world[who]
    results = [
        attempt(
            lambda: services.report_set_status(actor=actor, report=filed, status="acknowledged")
        ),
        attempt(lambda: services.report_assign(actor=actor, report=filed, department=parks)),
        attempt(
            lambda: services.report_add_note(actor=actor, report=filed, note="x", internal=True)
        ),
    ]
    assert results == [who == "staff"] * 3


@pytest.mark.parametrize("who", WHO)
def test_management_matrix(world, who):
    city = world["city"]
    actor = world[who]
    department = services.department_create(actor=world["staff"], municipality=city, name="D")
    existing = category(city, actor=world["staff"])
    client, _key = services.open311_client_create(
        actor=world["staff"], municipality=city, name="App"
    )
    results = [
        attempt(lambda: services.department_create(actor=actor, municipality=city, name="E")),
        attempt(lambda: services.department_update(actor=actor, department=department, name="F")),
        attempt(
            lambda: services.category_create(
                actor=actor, municipality=city, values={"code": "new", "name_fr": "Nouveau"}
            )
        ),
        attempt(
            lambda: services.category_update(actor=actor, category=existing, values={"group": "G"})
        ),
        attempt(lambda: services.open311_client_create(actor=actor, municipality=city, name="B")),
        attempt(lambda: services.open311_client_revoke(actor=actor, client=client)),
    ]
    assert results == [who == "staff"] * 6
