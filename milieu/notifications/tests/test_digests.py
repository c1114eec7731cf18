"""Daily and weekly digests, through a real local SMTP server."""

import urllib.parse
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from milieu.accounts.tests.factories import UserFactory
from milieu.notifications import digests, services, tasks
from milieu.notifications.models import Delivery, DeliverySettings, Preference

pytestmark = pytest.mark.django_db


def digest_user(digest: str = "daily", **kwargs):
    user = UserFactory(**kwargs)
    DeliverySettings.objects.create(user=user, digest=digest)
    services.preference_set(actor=user, topic="snow_removal", channel="email", enabled=True)
    return user


def notify_three(user) -> list:
    return [
        services.notify(
            user=user,
            topic="account",
            key="a",
            title="Votre identifiant",
            body="Il expire bientôt.",
            url="/fr/profile/identity/",
        ),
        services.notify(
            user=user,
            topic="snow_removal",
            key="b",
            title="Déneigement",
            body="Rue Principale.",
            url="/fr/brossard/",
        ),
        services.notify(user=user, topic="account", key="c", title="Nouvelle connexion"),
    ]


def email_statuses(user) -> list[str]:
    return sorted(
        Delivery.objects.filter(notification__user=user, channel="email").values_list(
            "status", flat=True
        )
    )


def test_a_daily_digest_is_one_email_with_every_notification(smtp_server):
    user = digest_user(email="ana@example.org", preferred_language="es")
    notify_three(user)
    services.notify(user=user, topic="urgent", key="u", title="Avis urgent", urgent=True)
    assert smtp_server.wait_for_message()["Subject"] == "Avis urgent"  # urgent does not wait
    assert email_statuses(user) == ["digest", "digest", "digest", "sent"]

    result = digests.send_digests(period="daily")

    assert result == digests.DigestResult(emails=1, notifications=3, failed=0)
    message = smtp_server.wait_for_message()
    assert len(smtp_server.messages) == 2
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Su resumen diario: 3 notificaciones"  # in the person's language
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/notifications/unsubscribe/"
    )
    text = message.get_body().get_content()
    for line in (
        "* Votre identifiant",
        "Il expire bientôt.",
        "http://127.0.0.1:8000/fr/profile/identity/",
        "* Déneigement",
        "Rue Principale.",
        "http://127.0.0.1:8000/fr/brossard/",
        "* Nouvelle connexion",
        "http://127.0.0.1:8000/es/notifications/preferences/",  # in the person's language
    ):
        assert line in text
    assert text.index("Votre identifiant") < text.index("Déneigement") < text.index("Nouvelle")
    sent = Delivery.objects.filter(
        notification__user=user, channel="email", notification__urgent=False
    )
    assert {(d.status, d.provider_id, d.attempts) for d in sent} == {
        ("sent", message["Message-ID"], 1)
    }


def test_running_the_digest_twice_sends_one_email(smtp_server):
    user = digest_user()
    notify_three(user)

    first = digests.send_digests(period="daily")
    second = digests.send_digests(period="daily")

    assert (first.emails, second.emails) == (1, 0)
    smtp_server.wait_for_message()
    assert len(smtp_server.messages) == 1
    assert email_statuses(user) == ["sent", "sent", "sent"]
    # What comes after the digest waits for the next one.
    services.notify(user=user, topic="account", key="d", title="Plus tard")
    assert digests.send_digests(period="daily").notifications == 1
    assert smtp_server.wait_for_message()["Subject"] == "Votre résumé quotidien\xa0: 1 notification"


def test_each_period_sends_only_its_own_people(smtp_server):
    daily, weekly = digest_user("daily"), digest_user("weekly")
    notify_three(daily)
    notify_three(weekly)

    assert digests.send_digests(period="daily").emails == 1
    assert smtp_server.wait_for_message()["To"] == daily.email
    assert email_statuses(weekly) == ["digest", "digest", "digest"]

    assert digests.send_digests(period="weekly").emails == 1
    message = smtp_server.wait_for_message()
    assert (message["To"], message["Subject"]) == (
        weekly.email,
        "Votre résumé hebdomadaire\xa0: 3 notifications",
    )
    assert len(smtp_server.messages) == 2


def test_a_refused_digest_stays_pending_and_goes_with_the_next_run(smtp_server):
    accept = smtp_server.handle_DATA
    refusals = []

    async def try_later_once(server, session, envelope):
        if not refusals:
            refusals.append(1)
            return "451 4.3.0 try later"
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = try_later_once
    user = digest_user()
    notify_three(user)

    assert digests.send_digests(period="daily") == digests.DigestResult(failed=1)
    assert email_statuses(user) == ["digest", "digest", "digest"]
    assert smtp_server.messages == []

    assert digests.send_digests(period="daily").emails == 1
    smtp_server.wait_for_message()
    assert email_statuses(user) == ["sent", "sent", "sent"]
    assert len(smtp_server.messages) == 1


def test_a_person_back_to_one_email_per_message_gets_the_pending_ones_in_the_daily_run(
    smtp_server,
):
    user = digest_user("weekly")
    notify_three(user)
    services.delivery_settings_update(actor=user, digest="none")

    assert digests.send_digests(period="weekly").emails == 0
    assert digests.send_digests(period="daily").emails == 1
    smtp_server.wait_for_message()
    assert email_statuses(user) == ["sent", "sent", "sent"]


def test_one_click_on_a_digest_stops_email_for_every_topic_it_gathered(smtp_server):
    user = digest_user()
    notify_three(user)
    digests.send_digests(period="daily")
    header = smtp_server.wait_for_message()["List-Unsubscribe"]
    path = urllib.parse.urlsplit(header[1:-1]).path

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert sorted(
        Preference.objects.filter(user=user, channel="email").values_list("topic", "enabled")
    ) == [("account", False), ("snow_removal", False)]


def test_the_command_and_the_task_send_the_digests(smtp_server):
    notify_three(digest_user("daily"))
    notify_three(digest_user("weekly"))
    out = StringIO()

    call_command("send_digests", "--period", "daily", stdout=out)
    assert out.getvalue().startswith("1 digest(s) sent with 3 notification(s)")
    result = tasks.send_digests.enqueue(period="weekly")
    assert result.return_value == {"emails": 1, "notifications": 3, "failed": 0}
    smtp_server.wait_for_message()
    smtp_server.wait_for_message()
    assert len(smtp_server.messages) == 2

    with pytest.raises(Exception, match="invalid choice"):
        call_command("send_digests", "--period", "hourly")


def test_nobody_to_write_to_fails_the_pending_deliveries_instead_of_keeping_them(smtp_server):
    user = digest_user()
    notify_three(user)
    user.is_active = False
    user.save()
    assert digests.send_digests(period="daily").emails == 0
    assert email_statuses(user) == ["failed", "failed", "failed"]
    assert smtp_server.messages == []
