"""`notify`: preferences, defaults, quiet hours, digests, idempotency, retries without duplicates."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from milieu.accounts.tests.factories import UserFactory
from milieu.notifications import registry, services
from milieu.notifications.delivery import in_quiet_hours, quiet_hours_end
from milieu.notifications.models import Delivery, DeliverySettings, Notification

pytestmark = pytest.mark.django_db
# 15:00 UTC is 10:00 in Quebec (EST) on this date.
DAYTIME = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
NIGHT = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # 23:00 in Quebec


def statuses(notification: Notification) -> dict[str, str]:
    return dict(notification.deliveries.values_list("channel", "status"))


def test_defaults_are_minimal_in_app_always_email_only_for_urgent_and_account():
    user = UserFactory()
    news = services.notify(user=user, topic="snow_removal", key="a", title="Déneigement")
    account = services.notify(user=user, topic="account", key="b", title="Votre identifiant")
    assert statuses(news) == {"in_app": "sent"}
    assert statuses(account) == {"in_app": "sent", "email": "sent"}
    assert [m.subject for m in mail.outbox] == ["Votre identifiant"]


def test_preferences_switch_channels_on_and_off():
    user = UserFactory()
    services.preference_set(actor=user, topic="snow_removal", channel="email", enabled=True)
    services.preference_set(actor=user, topic="account", channel="email", enabled=False)
    assert statuses(services.notify(user=user, topic="snow_removal", key="a", title="x")) == {
        "in_app": "sent",
        "email": "sent",
    }
    assert statuses(services.notify(user=user, topic="account", key="b", title="y")) == {
        "in_app": "sent"
    }


def test_the_same_key_never_notifies_twice():
    user = UserFactory()
    first = services.notify(user=user, topic="account", key="renewal:1:30", title="x")
    second = services.notify(user=user, topic="account", key="renewal:1:30", title="x")
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_title_and_body_follow_the_persons_language():
    user = UserFactory(preferred_language="es")
    notification = services.notify(
        user=user,
        topic="account",
        key="k",
        title={"fr": "Bonjour", "en": "Hello", "es": "Hola"},
        body={"fr": "Texte"},
    )
    assert (notification.title, notification.body) == ("Hola", "Texte")


def test_quiet_hours_hold_non_urgent_messages_until_they_end():
    user = UserFactory()
    DeliverySettings.objects.create(user=user, quiet_start=time(21, 0), quiet_end=time(7, 0))
    with time_machine.travel(NIGHT, tick=False):
        held = services.notify(user=user, topic="account", key="a", title="Plus tard")
        urgent = services.notify(user=user, topic="urgent", key="b", title="Avis", urgent=True)
    delivery = held.deliveries.get(channel="email")
    assert delivery.status == Delivery.Status.HELD
    assert delivery.not_before == datetime(2026, 1, 16, 12, 0, tzinfo=UTC)  # 07:00 in Quebec
    assert statuses(urgent)["email"] == "sent"
    assert [m.subject for m in mail.outbox] == ["Avis"]

    assert services.deliver_due(now=NIGHT + timedelta(hours=1)) == 0
    with time_machine.travel(datetime(2026, 1, 16, 12, 1, tzinfo=UTC), tick=False):
        assert services.deliver_due() == 1
    assert [m.subject for m in mail.outbox] == ["Avis", "Plus tard"]


def test_quiet_hours_arithmetic():
    assert in_quiet_hours(NIGHT, time(21, 0), time(7, 0))
    assert not in_quiet_hours(DAYTIME, time(21, 0), time(7, 0))
    assert in_quiet_hours(DAYTIME, time(9, 0), time(11, 0))
    assert not in_quiet_hours(DAYTIME, None, None)
    assert quiet_hours_end(DAYTIME, time(11, 0)) == datetime(2026, 1, 15, 16, 0, tzinfo=UTC)


def test_a_digest_keeps_non_urgent_emails_for_later():
    user = UserFactory()
    DeliverySettings.objects.create(user=user, digest=DeliverySettings.Digest.DAILY)
    notification = services.notify(user=user, topic="account", key="a", title="x")
    assert statuses(notification)["email"] == "digest"
    assert mail.outbox == []


class FlakyChannel(registry.Channel):
    key = "email"
    name = "flaky"

    def __init__(self, failures: int, permanent: bool = False):
        self.failures, self.permanent, self.sent = failures, permanent, 0

    def available_for(self, user):
        return True

    def send(self, delivery):
        if self.failures:
            self.failures -= 1
            error = registry.PermanentDeliveryError if self.permanent else registry.DeliveryError
            raise error("SMTP 451 try again later")
        self.sent += 1
        return "msg-1"


@pytest.fixture
def flaky(monkeypatch):
    def install(failures: int, permanent: bool = False) -> FlakyChannel:
        channel = FlakyChannel(failures, permanent)
        monkeypatch.setitem(registry._channels, "email", channel)
        return channel

    return install


def test_temporary_failures_are_retried_with_backoff_and_sent_once(flaky):
    channel = flaky(failures=2)
    user = UserFactory()
    with time_machine.travel(DAYTIME, tick=False):
        notification = services.notify(user=user, topic="account", key="a", title="x")
    delivery = notification.deliveries.get(channel="email")
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.not_before == DAYTIME + timedelta(minutes=1)

    with time_machine.travel(DAYTIME + timedelta(seconds=30), tick=False):
        assert services.deliver_one(delivery.pk) == "not_due"
    with time_machine.travel(DAYTIME + timedelta(minutes=1), tick=False):
        services.deliver_due()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.not_before) == (2, DAYTIME + timedelta(minutes=3))
    with time_machine.travel(DAYTIME + timedelta(minutes=3), tick=False):
        services.deliver_due()
        # A duplicate task for the same delivery (a retried worker) sends nothing more.
        assert services.deliver_one(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, channel.sent) == ("sent", 3, 1)


def test_permanent_failures_and_exhausted_retries_are_recorded(flaky):
    flaky(failures=1, permanent=True)
    notification = services.notify(user=UserFactory(), topic="account", key="a", title="x")
    delivery = notification.deliveries.get(channel="email")
    assert (delivery.status, delivery.last_error) == ("failed", "SMTP 451 try again later")


def test_a_bounce_marks_the_delivery():
    notification = services.notify(user=UserFactory(), topic="account", key="a", title="x")
    delivery = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(provider_id="<abc@milieu>")
    assert (
        services.delivery_record_bounce(provider_id="<abc@milieu>", reason="550 no such user") == 1
    )
    delivery.refresh_from_db()
    assert delivery.status == "bounced"


def test_the_sweep_command_queues_what_is_due(capsys):
    from django.core.management import call_command

    user = UserFactory()
    DeliverySettings.objects.create(user=user, quiet_start=time(21, 0), quiet_end=time(7, 0))
    with time_machine.travel(NIGHT, tick=False):
        services.notify(user=user, topic="account", key="a", title="Plus tard")
    with time_machine.travel(datetime(2026, 1, 16, 12, 5, tzinfo=UTC), tick=False):
        call_command("deliver_due_notifications")
    assert "1 delivery(ies) queued." in capsys.readouterr().out
    assert [m.subject for m in mail.outbox] == ["Plus tard"]
