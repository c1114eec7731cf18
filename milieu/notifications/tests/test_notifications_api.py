"""The notifications API: my notifications, unread count, marking read, preferences, and the
bounce webhook of the SMTP relay and the SMS provider."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.notifications import services
from milieu.notifications.models import (
    Delivery,
    DeliverySettings,
    DistrictFollow,
    Notification,
    Preference,
)
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
SECRET = "webhook-secret-0123456789"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_notifications(user, count: int) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(
            user=user,
            topic="municipal_news",
            key=f"n{n}",
            title=f"Avis {n}",
            url=f"/fr/avis/{n}/",
            created_at=START + timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_my_notifications_newest_first_by_cursor_with_constant_queries():
    user = UserFactory()
    make_notifications(user, 45)
    make_notifications(UserFactory(), 3)
    client = logged_in(user)

    cache.clear()  # measured cold: the visitor's access facts are read too
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/api/v1/notifications").json()
    assert [n["title"] for n in first["items"]] == [f"Avis {n}" for n in range(44, 24, -1)]
    assert first["items"][0] == {
        "id": first["items"][0]["id"],
        "topic": "municipal_news",
        "title": "Avis 44",
        "body": "",
        "url": "/fr/avis/44/",
        "urgent": False,
        "created_at": "2026-01-15T15:44:00Z",
        "read_at": None,
        "unread": True,
    }
    second = client.get("/api/v1/notifications", {"cursor": first["next_cursor"]}).json()
    cache.clear()  # measured cold: the visitor's access facts are read too
    with CaptureQueriesContext(connection) as last_queries:
        last = client.get(
            "/api/v1/notifications", {"cursor": second["next_cursor"], "page_size": 100}
        ).json()
    assert [n["title"] for n in last["items"]] == [f"Avis {n}" for n in range(4, -1, -1)]
    assert last["next_cursor"] is None
    # session, user, the unread state (its version names the cached page), one page
    assert len(first_queries) == len(last_queries) == 4


def test_a_bad_cursor_is_a_clear_error():
    response = logged_in(UserFactory()).get(
        "/api/v1/notifications", {"cursor": "%%%"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cursor": ["Invalid cursor."]}


def test_unread_count_and_marking_read():
    user = UserFactory()
    first, _second, _third = make_notifications(user, 3)
    client = logged_in(user)
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 3}

    response = client.post(
        "/api/v1/notifications/read", {"ids": [first.pk]}, content_type="application/json"
    )
    assert response.json() == {"marked": 1, "unread": 2}
    response = client.post(
        "/api/v1/notifications/read", {"all": True}, content_type="application/json"
    )
    assert response.json() == {"marked": 2, "unread": 0}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


@pytest.mark.parametrize("body", [{}, {"ids": [1], "all": True}, {"all": False}])
def test_mark_read_needs_ids_or_all(body):
    response = logged_in(UserFactory()).post(
        "/api/v1/notifications/read", body, content_type="application/json"
    )
    assert response.status_code == 422


ACTORS = {
    "anonymous": lambda b, m: None,
    "citizen": lambda b, m: citizen_of(b),
    "citizen_other_city": lambda b, m: citizen_of(m),
    "staff": lambda b, m: with_role(b, Role.STAFF),
    "staff_other_city": lambda b, m: with_role(m, Role.ADMIN),
    "operator": lambda b, m: UserFactory(is_staff=True, is_superuser=True),
}


@pytest.mark.parametrize("kind", ACTORS)
def test_nobody_reads_or_marks_another_persons_notifications(kind):
    brossard, magog = MunicipalityFactory(slug="brossard"), MunicipalityFactory(slug="magog")
    owner = citizen_of(brossard)
    mine = make_notifications(owner, 2)
    actor = ACTORS[kind](brossard, magog)
    client = logged_in(actor) if actor else Client()

    listing = client.get("/api/v1/notifications")
    count = client.get("/api/v1/notifications/unread-count")
    mark = client.post(
        "/api/v1/notifications/read",
        {"ids": [mine[0].pk]},
        content_type="application/json",
    )
    mark_all = client.post(
        "/api/v1/notifications/read", {"all": True}, content_type="application/json"
    )

    if actor is None:
        assert [r.status_code for r in (listing, count, mark, mark_all)] == [401] * 4
    else:
        assert listing.json()["items"] == []
        assert count.json() == {"unread": 0}
        assert mark.status_code == 404
        assert mark.json()["error"]["code"] == "not_found"
        assert mark_all.json() == {"marked": 0, "unread": 0}
    assert Notification.objects.filter(user=owner, read_at__isnull=True).count() == 2


def test_marking_mine_and_someone_elses_together_marks_nothing():
    user, other = UserFactory(), UserFactory()
    (mine,) = make_notifications(user, 1)
    (theirs,) = make_notifications(other, 1)
    response = logged_in(user).post(
        "/api/v1/notifications/read", {"ids": [mine.pk, theirs.pk]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


# --- Preferences -----------------------------------------------------------------------------------


@pytest.fixture
def resident():
    brossard = MunicipalityFactory(slug="brossard", name="Brossard")
    home = DistrictFactory(municipality=brossard, name="Secteur A")
    DistrictFactory(municipality=brossard, name="Secteur B")
    user = citizen_of(brossard)
    Membership.objects.filter(user=user).update(district=home)
    return user


def test_get_preferences_shows_the_grid_settings_and_districts(resident, settings):
    settings.SMS_API_URL = ""
    body = (
        logged_in(resident)
        .get("/api/v1/notifications/preferences", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    assert [c["key"] for c in body["channels"]] == ["in_app", "email"]
    snow = next(t for t in body["topics"] if t["key"] == "snow_removal")
    assert snow == {
        "key": "snow_removal",
        "name": "Snow removal",
        "description": "Snow-removal operations in your district.",
        "geotargeted": True,
        "urgent": False,
        "channels": {"in_app": True, "email": False},
    }
    assert body["settings"] == {
        "quiet_start": None,
        "quiet_end": None,
        "digest": "none",
        "sms_number": "",
    }
    assert body["home_district"]["name"] == "Secteur A"
    assert [d["name"] for d in body["followable_districts"]] == ["Secteur B"]
    assert body["followed_districts"] == []


def test_sms_appears_once_configured_and_says_why_it_is_unavailable(resident, settings):
    settings.SMS_API_URL = "http://127.0.0.1:9"
    body = (
        logged_in(resident)
        .get("/api/v1/notifications/preferences", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    sms = body["channels"][-1]
    assert (sms["key"], sms["available"], sms["editable"]) == ("sms", False, True)
    assert sms["reason"].startswith("You have not given a mobile number yet")


def test_put_preferences_saves_everything(resident, settings):
    settings.SMS_API_URL = "http://127.0.0.1:9"
    other = DistrictFactory(municipality=Membership.objects.get(user=resident).municipality)
    response = logged_in(resident).put(
        "/api/v1/notifications/preferences",
        {
            "topics": {"snow_removal": {"email": True, "sms": True, "in_app": True}},
            "settings": {
                "quiet_start": "22:00",
                "quiet_end": "06:30",
                "digest": "weekly",
                "sms_number": "+1 514 555 1234",
            },
            "followed_districts": [other.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["settings"]["sms_number"] == "+15145551234"
    assert sorted(
        Preference.objects.filter(user=resident).values_list("topic", "channel", "enabled")
    ) == [
        ("snow_removal", "email", True),
        ("snow_removal", "sms", True),
    ]
    row = DeliverySettings.objects.get(user=resident)
    assert (row.quiet_start, row.quiet_end, row.digest) == (time(22), time(6, 30), "weekly")
    assert list(
        DistrictFollow.objects.filter(user=resident).values_list("district", flat=True)
    ) == [other.pk]


def snapshot(user) -> tuple:
    return (
        sorted(Preference.objects.filter(user=user).values_list("topic", "channel", "enabled")),
        list(
            DeliverySettings.objects.filter(user=user).values_list(
                "digest", "sms_number", "quiet_start"
            )
        ),
        list(DistrictFollow.objects.filter(user=user).values_list("district", flat=True)),
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"settings": {"sms_number": "514-555"}}, 400, "sms_number"),
        ({"settings": {"quiet_start": "22:00"}}, 400, "quiet_end"),
        ({"settings": {"digest": "hourly"}}, 422, "settings.digest"),
        ({"topics": {"nonsense": {"email": True}}}, 400, "preferences"),
        ({"topics": {"urgent": {"sms": True}}}, 400, "preferences"),  # SMS not offered here
        ({"followed_districts": [999999]}, 400, "followed_districts"),
        ({"followed_districts": "foreign"}, 400, "followed_districts"),
    ],
)
def test_put_preferences_refuses_bad_input_and_changes_nothing(
    resident, body, status, field, settings
):
    settings.SMS_API_URL = ""
    if body.get("followed_districts") == "foreign":
        body = {
            "followed_districts": [
                DistrictFactory(municipality=MunicipalityFactory(slug="magog")).pk
            ]
        }
    services.preference_set(actor=resident, topic="rewards", channel="email", enabled=True)
    before = snapshot(resident)
    # Every refused request also carries a valid change, which must not be saved either.
    payload = {"topics": {"snow_removal": {"email": True}}, **body}
    response = logged_in(resident).put(
        "/api/v1/notifications/preferences", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert snapshot(resident) == before


def test_preferences_need_a_login():
    assert Client().get("/api/v1/notifications/preferences").status_code == 401
    response = Client().put(
        "/api/v1/notifications/preferences",
        {"settings": {"digest": "daily"}},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not DeliverySettings.objects.exists()


# --- The bounce webhook ----------------------------------------------------------------------------


def sent_email(provider_id: str = "<abc@milieu.local>") -> Delivery:
    notification = services.notify(user=UserFactory(), topic="account", key="a", title="x")
    delivery = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(provider_id=provider_id)
    return delivery


def test_the_webhook_is_disabled_without_a_secret(settings):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = ""
    delivery = sent_email()
    response = Client().post(
        "/api/v1/notifications/bounces",
        {"provider_id": "<abc@milieu.local>"},
        content_type="application/json",
        headers={"X-Milieu-Webhook-Secret": ""},
    )
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "sent"


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
def test_the_webhook_refuses_a_wrong_secret_and_changes_nothing(settings, secret):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = SECRET
    delivery = sent_email()
    headers = {} if secret is None else {"X-Milieu-Webhook-Secret": secret}
    response = Client().post(
        "/api/v1/notifications/bounces",
        {"provider_id": "<abc@milieu.local>", "reason": "550"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_the_smtp_relay_reports_a_bounce(settings):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = SECRET
    delivery = sent_email()
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/notifications/bounces",
        {"provider_id": "<abc@milieu.local>", "reason": "550 5.1.1 no such user"},
        content_type="application/json",
        headers={"X-Milieu-Webhook-Secret": SECRET},
    )
    assert response.status_code == 200
    assert response.json() == {"recorded": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("bounced", "550 5.1.1 no such user")


def test_the_sms_provider_status_callback_records_failures_only(settings):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = SECRET
    delivery = sent_email("SM0123")
    client = Client(enforce_csrf_checks=True)
    post = lambda data: client.post(  # noqa: E731
        "/api/v1/notifications/bounces", data, headers={"X-Milieu-Webhook-Secret": SECRET}
    )

    assert post({"MessageSid": "SM0123", "MessageStatus": "delivered"}).json() == {"recorded": 0}
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    response = post({"MessageSid": "SM0123", "MessageStatus": "undelivered", "ErrorCode": "30003"})
    assert response.json() == {"recorded": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("bounced", "SMS undelivered (error 30003)")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"reason": "550"}', "application/json"),
        ("not json", "application/json"),
        ({"MessageStatus": "failed"}, None),
    ],
)
def test_the_webhook_validates_its_input(settings, data, content_type):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = SECRET
    kwargs = {"content_type": content_type} if content_type else {}
    response = Client().post(
        "/api/v1/notifications/bounces",
        data,
        headers={"X-Milieu-Webhook-Secret": SECRET},
        **kwargs,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation"


def test_a_cached_page_of_notifications_shows_a_change_at_once():
    from milieu.notifications import services

    user = UserFactory()
    make_notifications(user, 2)
    client = logged_in(user)
    assert [n["unread"] for n in client.get("/api/v1/notifications").json()["items"]] == [
        True,
        True,
    ]

    services.notification_mark_read(actor=user, notification_ids=None)
    assert [n["unread"] for n in client.get("/api/v1/notifications").json()["items"]] == [
        False,
        False,
    ]
    services.notify(user=user, topic="account", key="new", title="Tout nouveau")
    titles = [n["title"] for n in client.get("/api/v1/notifications").json()["items"]]
    assert "Tout nouveau" in titles and len(titles) == 3
