"""The reports selectors: duplicate suggestions within 50 m, the public, staff and personal lists
(keyset pages, filters), what a report shows to whom, and the history."""

import pytest
from django.contrib.auth.models import AnonymousUser

from milieu.core.errors import ApplicationError, NotFound
from milieu.reports import selectors, services
from milieu.reports.models import ReportStatus

from .factories import category, member, offset, report, staff, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; the lists below file many reports."""
    from milieu.core import ratelimit

    original = ratelimit.hit
    ratelimit.hit = lambda *args, **kwargs: None  # type: ignore[assignment]
    yield
    ratelimit.hit = original


def centre(city):
    return (city.latitude, city.longitude)


def test_nearby_finds_an_open_report_of_the_same_category_within_50_m():
    city = town()
    pothole, lights = category(city), category(city)
    at = centre(city)
    near = report(city, category_=pothole, at=offset(at, north_m=40))
    report(city, category_=pothole, at=offset(at, east_m=60))  # too far
    report(city, category_=lights, at=offset(at, north_m=10))  # other category
    closed = report(city, category_=pothole, at=offset(at, east_m=20))
    services.report_set_status(actor=staff(city), report=closed, status=ReportStatus.CLOSED_FIXED)
    found = selectors.nearby_open_reports(
        municipality=city, category=pothole, latitude=at[0], longitude=at[1]
    )
    assert [(r.pk, r.distance_m) for r in found] == [(near.pk, 40)]


def test_nearby_sorts_by_distance_and_limits():
    city = town()
    pothole = category(city)
    at = centre(city)
    far = report(city, category_=pothole, at=offset(at, north_m=45))
    close = report(city, category_=pothole, at=offset(at, east_m=-15))
    found = selectors.nearby_open_reports(
        municipality=city, category=pothole, latitude=at[0], longitude=at[1]
    )
    assert [r.pk for r in found] == [close.pk, far.pk]
    one = selectors.nearby_open_reports(
        municipality=city, category=pothole, latitude=at[0], longitude=at[1], limit=1
    )
    assert [r.pk for r in one] == [close.pk]


def test_nearby_across_a_cell_border():
    """Points 30 m apart on both sides of an H3 cell's edge still find each other."""
    from milieu.core import geo

    city = town()
    pothole = category(city)
    at = centre(city)
    home = geo.cell_at(*at)
    step = 0
    while geo.cell_at(*offset(at, east_m=step)) == home:
        step += 10
    inside, outside = offset(at, east_m=step - 15), offset(at, east_m=step + 15)
    assert geo.cell_at(*inside) != geo.cell_at(*outside)
    filed = report(city, category_=pothole, at=outside)
    found = selectors.nearby_open_reports(
        municipality=city, category=pothole, latitude=inside[0], longitude=inside[1]
    )
    assert [r.pk for r in found] == [filed.pk]


def test_public_list_pages_newest_first_with_filters():
    city = town()
    pothole, lights = category(city), category(city)
    filed = [report(city, category_=pothole) for _ in range(3)]
    light = report(city, category_=lights)
    page, cursor = selectors.reports_public(municipality=city, limit=2)
    assert [r.pk for r in page] == [light.pk, filed[2].pk]
    page, cursor = selectors.reports_public(municipality=city, limit=2, cursor=cursor)
    assert ([r.pk for r in page], cursor) == ([filed[1].pk, filed[0].pk], None)
    page, _ = selectors.reports_public(municipality=city, category=lights)
    assert [r.pk for r in page] == [light.pk]
    services.report_set_status(actor=staff(city), report=light, status=ReportStatus.CLOSED_FIXED)
    page, _ = selectors.reports_public(municipality=city, status=["closed_fixed", "duplicate"])
    assert [r.pk for r in page] == [light.pk]


def test_a_bad_cursor_is_a_field_error():
    with pytest.raises(ApplicationError) as error:
        selectors.reports_public(municipality=town(), cursor="garbage!")
    assert list(error.value.extra["fields"]) == ["cursor"]


def test_staff_list_filters_by_department():
    city = town()
    clerk = staff(city)
    parks = services.department_create(actor=clerk, municipality=city, name="Parcs")
    mine, other = report(city), report(city)
    services.report_assign(actor=clerk, report=mine, department=parks)
    page, _ = selectors.reports_staff(municipality=city, department=parks)
    assert [r.pk for r in page] == [mine.pk]
    page, _ = selectors.reports_staff(municipality=city)
    assert [r.pk for r in page] == [other.pk, mine.pk]


def test_my_reports_across_municipalities():
    first, second = town(), town()
    person = member(first)
    from milieu.accounts.models import Membership

    Membership.objects.create(user=person, municipality=second)
    a = report(first, actor=person)
    b = report(second, actor=person)
    report(first)
    page, _ = selectors.reports_of(user=person)
    assert [r.pk for r in page] == [b.pk, a.pk]
    assert selectors.reports_of(user=AnonymousUser()) == ([], None)


def test_the_private_part_is_for_the_reporter_and_the_staff():
    city, elsewhere = town(), town()
    person = member(city)
    filed = report(city, actor=person)
    seen = {
        who: selectors.report_get_for(actor=actor, municipality=city, report_id=filed.pk)
        for who, actor in {
            "anonymous": AnonymousUser(),
            "reporter": person,
            "neighbour": member(city),
            "staff": staff(city),
            "other_staff": staff(elsewhere),
        }.items()
    }
    assert {who: r.show_private for who, r in seen.items()} == {
        "anonymous": False,
        "reporter": True,
        "neighbour": False,
        "staff": True,
        "other_staff": False,
    }


def test_a_report_of_another_municipality_is_not_found():
    city, elsewhere = town(), town()
    filed = report(city)
    with pytest.raises(NotFound):
        selectors.report_get_for(actor=staff(elsewhere), municipality=elsewhere, report_id=filed.pk)
    with pytest.raises(NotFound):
        selectors.report_public_get(municipality=elsewhere, report_id=filed.pk)


def test_history_hides_internal_steps_from_the_public():
    city = town()
    clerk = staff(city)
    filed = report(city)
    services.report_add_note(actor=clerk, report=filed, note="Interne", internal=True)
    services.report_set_status(actor=clerk, report=filed, status=ReportStatus.ACKNOWLEDGED)
    public = selectors.report_history(report=filed, include_internal=False)
    everything = selectors.report_history(report=filed, include_internal=True)
    assert [u.status_to for u in public] == ["open", "acknowledged"]
    assert [u.note for u in everything] == ["", "Interne", ""]
