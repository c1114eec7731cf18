"""Query budget of the notification pages and API (issue 6): the same number of queries, at most
12, for a few districts, alerts or deliveries as for many.

Measured elsewhere: the notification centre (`test_centre.py`), the notifications API
(`test_notifications_api.py`), the staff alert list page (`test_alerts_views.py`)."""

from itertools import count

import pytest
from django.utils import timezone

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import (
    assert_constant_queries,
    assert_within_budget,
    client_for,
    showing,
)
from milieu.notifications.models import Alert, Delivery, DistrictFollow, Notification
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

from .factories_alerts import draft, resident

pytestmark = pytest.mark.django_db
_numbers = count()


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def staff(brossard):
    return with_role(brossard, Role.STAFF)


def _district(municipality):
    return DistrictFactory(municipality=municipality, name=f"Secteur {next(_numbers):04d}")


# --- Preferences --------------------------------------------------------------------------------


def _followable(user):
    """Municipalities the person belongs to, with districts they may follow (and follow)."""

    def add(n):
        names = []
        for _ in range(n):
            municipality = MunicipalityFactory()
            Membership.objects.create(user=user, municipality=municipality)
            district = _district(municipality)
            if len(names) % 2:
                DistrictFollow.objects.create(user=user, district=district)
            names.append(district.name)
        return names

    return add


@pytest.mark.parametrize(
    "url", ["/fr/notifications/preferences/", "/api/v1/notifications/preferences"]
)
def test_preferences_are_constant_in_the_districts_one_may_follow(brossard, url):
    user = resident(brossard, _district(brossard))
    assert_constant_queries(client_for(user), url, _followable(user))


def test_one_notification_page_is_within_budget(brossard):
    user = resident(brossard)
    notification = Notification.objects.create(user=user, topic="account", key="k", title="Avis")
    assert_within_budget(client_for(user), f"/fr/notifications/{notification.pk}/", "Avis")


# --- Staff: alerts ------------------------------------------------------------------------------


def _alerts(municipality):
    def add(n):
        made = [
            draft(
                municipality,
                title_fr=f"Alerte {next(_numbers):04d}",
                districts=[_district(municipality)],
            )
            for _ in range(n)
        ]
        return [alert.title_fr for alert in made]

    return add


def test_the_api_alert_list_is_constant_in_its_alerts(brossard, staff):
    assert_constant_queries(
        client_for(staff), "/api/v1/municipalities/brossard/alerts", _alerts(brossard), many=20
    )


def _sent_alert(municipality) -> Alert:
    alert = draft(municipality, title_fr="Avis de déneigement")
    alert.status = Alert.Status.SENT
    alert.sent_at = timezone.now()
    alert.save()
    return alert


def _districts_and_deliveries(alert):
    """Districts on the alert, and people it reached: a notification each, delivered in the
    notification centre and by email (sent, failed or bounced)."""

    def add(n):
        names = []
        statuses = [Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.BOUNCED]
        for i in range(n):
            district = _district(alert.municipality)
            alert.districts.add(district)
            names.append(district.name)
            notification = Notification.objects.create(
                user=resident(alert.municipality, district),
                topic=alert.topic,
                municipality=alert.municipality,
                alert=alert,
                key=f"alert:{alert.pk}",
                title=alert.title_fr,
            )
            Delivery.objects.create(
                notification=notification, channel="in_app", status=Delivery.Status.SENT
            )
            Delivery.objects.create(
                notification=notification, channel="email", status=statuses[i % 3]
            )
        return names

    return add


def test_an_alert_page_is_constant_in_its_districts_and_deliveries(brossard, staff):
    alert = _sent_alert(brossard)
    add = _districts_and_deliveries(alert)
    assert_constant_queries(client_for(staff), f"/fr/brossard/staff/alerts/{alert.pk}/", add)


def test_a_draft_s_page_counts_its_audience_in_constant_queries(brossard, staff):
    alert = draft(brossard, title_fr="Brouillon")

    def add(n):
        for _ in range(n):
            resident(brossard, _district(brossard))
        return [alert.title_fr]

    client = client_for(staff)
    assert_constant_queries(client, f"/fr/brossard/staff/alerts/{alert.pk}/", add)
    url = f"/api/v1/municipalities/brossard/alerts/{alert.pk}/audience"
    assert_constant_queries(client, url, showing(add, "audience"))
    assert client.get(url).json() == {"audience": 51}  # 50 residents and the staff member


def test_the_api_alert_and_its_deliveries_are_constant_in_their_number(brossard, staff):
    alert = _sent_alert(brossard)
    add = _districts_and_deliveries(alert)
    client = client_for(staff)
    base = f"/api/v1/municipalities/brossard/alerts/{alert.pk}"

    assert_constant_queries(client, base, showing(add, alert.title_fr))
    assert len(client.get(base).json()["districts"]) == 25

    assert_constant_queries(client, f"{base}/deliveries", showing(add, "in_app", "email"))
    counts = client.get(f"{base}/deliveries").json()["channels"]
    assert counts["in_app"] == {"sent": 50}
    assert counts["email"] == {"sent": 18, "failed": 18, "bounced": 14}


def test_composing_an_alert_is_constant_in_the_districts_to_choose(brossard, staff):
    def add(n):
        return [_district(brossard).name for _ in range(n)]

    client = client_for(staff)
    assert_constant_queries(client, "/fr/brossard/staff/alerts/new/", add)
    alert = draft(brossard, title_fr="À modifier")
    assert_constant_queries(client, f"/fr/brossard/staff/alerts/{alert.pk}/edit/", add)


def test_the_live_audience_count_is_constant_in_the_districts_chosen(brossard, staff):
    client = client_for(staff)
    districts = [_district(brossard) for _ in range(25)]
    for district in districts:
        resident(brossard, district)

    def url(chosen) -> str:
        chosen_ids = "".join(f"&districts={district.pk}" for district in chosen)
        return f"/en/brossard/staff/alerts/audience/?topic=snow_removal{chosen_ids}"

    few = assert_within_budget(client, url(districts[:2]), "would reach 2 people")
    many = assert_within_budget(client, url(districts), "would reach 25 people")
    assert few == many


def test_no_one_else_s_alert_counts(brossard, staff):
    """The lists above are the municipality's own: another municipality's alerts are not in."""
    other = MunicipalityFactory()
    _alerts(other)(3)
    body = client_for(staff).get("/api/v1/municipalities/brossard/alerts").json()
    assert body["count"] == 0
