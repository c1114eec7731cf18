"""The email and SMS channels against real local servers: an SMTP server (aiosmtpd, the shared
`smtp_server` fixture) and an HTTP server imitating Twilio's REST API. Nothing is mocked."""

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.test import Client

from milieu.accounts.tests.factories import UserFactory
from milieu.notifications import services
from milieu.notifications.models import Delivery, DeliverySettings, Notification, Preference

pytestmark = pytest.mark.django_db
DAYTIME = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in Quebec
NIGHT = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # 23:00 in Quebec


def email_delivery(notification: Notification) -> Delivery:
    return notification.deliveries.get(channel="email")


def unsubscribe_path(message) -> str:
    header = message["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    return urllib.parse.urlsplit(header[1:-1]).path


# --- Email ---------------------------------------------------------------------------------------


def test_an_email_arrives_with_one_click_unsubscribe_headers(smtp_server):
    user = UserFactory(email="camille@example.org", preferred_language="en")
    notification = services.notify(
        user=user,
        topic="account",
        key="a",
        title="Your citizen id",
        body="It expires soon.",
        url="/en/profile/identity/",
    )

    message = smtp_server.wait_for_message()

    assert message["Subject"] == "Your citizen id"
    assert message["To"] == "camille@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message).startswith("/notifications/unsubscribe/")
    text = message.get_body().get_content()
    assert "It expires soon." in text
    assert "http://127.0.0.1:8000/en/profile/identity/" in text
    delivery = email_delivery(notification)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.provider_id == message["Message-ID"]  # a bounce quotes it


def test_one_click_post_unsubscribes_without_cookies_or_csrf_token(smtp_server):
    user = UserFactory()
    services.notify(user=user, topic="account", key="a", title="Bonjour")
    path = unsubscribe_path(smtp_server.wait_for_message())
    mail_client = Client(enforce_csrf_checks=True)  # what a mail provider's one-click POST is

    response = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert not mail_client.cookies.get("sessionid")
    assert Preference.objects.get(user=user, topic="account", channel="email").enabled is False
    later = services.notify(user=user, topic="account", key="b", title="Encore")
    assert dict(later.deliveries.values_list("channel", "status")) == {"in_app": "sent"}
    assert len(smtp_server.messages) == 1


def test_get_only_shows_a_confirmation(smtp_server):
    user = UserFactory(preferred_language="en")
    services.notify(user=user, topic="account", key="a", title="Hello")
    path = unsubscribe_path(smtp_server.wait_for_message())

    response = Client().get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop receiving emails about “My account and identity”?" in html
    assert '<form method="post">' in html
    assert not Preference.objects.filter(user=user).exists()


@pytest.mark.parametrize("damage", ["forged", "truncated", "other_salt"])
def test_a_forged_or_truncated_token_is_refused_and_changes_nothing(smtp_server, damage):
    user = UserFactory()
    services.notify(user=user, topic="account", key="a", title="Bonjour")
    token = unsubscribe_path(smtp_server.wait_for_message()).rstrip("/").rsplit("/", 1)[1]
    _payload, _timestamp, signature = token.rsplit(":", 2)
    if damage == "forged":
        # Someone else's id in the payload, the original signature.
        other = UserFactory()
        from django.core import signing

        forged = signing.dumps({"u": other.pk, "t": "account", "c": "email"}, salt="x")
        token = forged.rsplit(":", 1)[0] + ":" + signature
    elif damage == "truncated":
        token = token[:-6]
    else:
        from django.core import signing

        token = signing.dumps({"u": user.pk, "t": "account", "c": "email"})  # no salt

    for method in ("get", "post"):
        response = getattr(Client(enforce_csrf_checks=True), method)(
            f"/notifications/unsubscribe/{token}/",
            **({"data": "List-Unsubscribe=One-Click"} if method == "post" else {}),
            **({"content_type": "application/x-www-form-urlencoded"} if method == "post" else {}),
        )
        assert response.status_code == 400
    assert not Preference.objects.exists()


def test_a_refusing_smtp_server_is_retried_with_backoff_and_delivered_once(smtp_server):
    accept = smtp_server.handle_DATA
    refused = []

    async def try_later_once(server, session, envelope):
        if not refused:
            refused.append(envelope.original_content)
            return "451 4.3.0 try later"
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = try_later_once  # aiosmtpd looks the hook up per connection
    user = UserFactory()
    with time_machine.travel(DAYTIME, tick=False):
        notification = services.notify(user=user, topic="account", key="a", title="Bonjour")
    delivery = email_delivery(notification)
    assert len(refused) == 1 and smtp_server.messages == []
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "451" in delivery.last_error
    assert delivery.not_before == DAYTIME + timedelta(minutes=1)

    with time_machine.travel(DAYTIME + timedelta(seconds=30), tick=False):
        assert services.deliver_due() == 0  # not before its backoff
    with time_machine.travel(DAYTIME + timedelta(minutes=1), tick=False):
        assert services.deliver_due() == 1
    assert smtp_server.wait_for_message()["Subject"] == "Bonjour"

    # A duplicate task or a later sweep sends nothing more.
    assert services.deliver_one(delivery.pk) == "sent"
    with time_machine.travel(DAYTIME + timedelta(hours=1), tick=False):
        assert services.deliver_due() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(smtp_server.messages) == 1


def test_quiet_hours_hold_the_email_until_morning_then_it_arrives(smtp_server):
    user = UserFactory()
    DeliverySettings.objects.create(user=user, quiet_start=time(21, 0), quiet_end=time(7, 0))
    with time_machine.travel(NIGHT, tick=False):
        held = services.notify(user=user, topic="account", key="a", title="Plus tard")
        services.notify(user=user, topic="urgent", key="b", title="Avis urgent", urgent=True)
    assert smtp_server.wait_for_message()["Subject"] == "Avis urgent"
    assert email_delivery(held).status == "held"

    with time_machine.travel(datetime(2026, 1, 16, 11, 59, tzinfo=UTC), tick=False):
        assert services.deliver_due() == 0
    with time_machine.travel(datetime(2026, 1, 16, 12, 0, tzinfo=UTC), tick=False):
        assert services.deliver_due() == 1
    assert smtp_server.wait_for_message()["Subject"] == "Plus tard"
    assert len(smtp_server.messages) == 2


def test_preferences_decide_which_emails_reach_the_server(smtp_server):
    user = UserFactory()
    services.preference_set(actor=user, topic="snow_removal", channel="email", enabled=True)
    services.preference_set(actor=user, topic="account", channel="email", enabled=False)
    services.notify(user=user, topic="account", key="a", title="Pas par courriel")
    services.notify(user=user, topic="waste_collection", key="b", title="Pas par défaut")
    services.notify(user=user, topic="snow_removal", key="c", title="Déneigement")
    assert smtp_server.wait_for_message()["Subject"] == "Déneigement"
    assert [m["Subject"] for m in smtp_server.messages] == ["Déneigement"]


# --- SMS: a local HTTP server imitating Twilio's REST API ------------------------------------------

SID, TOKEN = "AC0123456789abcdef", "secret-auth-token"


@dataclass
class SmsProvider:
    url: str
    replies: list[tuple[int, dict]] = field(default_factory=list)  # consumed in order
    requests: list[dict] = field(default_factory=list)
    sent: list[dict] = field(default_factory=list)


@pytest.fixture
def sms_provider(settings) -> Iterator[SmsProvider]:
    provider = SmsProvider(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
            provider.requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), **form}
            )
            if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                status, body = 404, {"message": "not found"}
            elif self.headers.get("Authorization") != expected:
                status, body = 401, {"message": "Authenticate"}
            elif provider.replies:
                status, body = provider.replies.pop(0)
            else:
                status, body = 201, {"sid": f"SM{len(provider.requests):032d}", "status": "queued"}
            if status == 201:
                provider.sent.append(form)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/2010-04-01"
    settings.SMS_API_URL = provider.url
    settings.SMS_ACCOUNT_SID = SID
    settings.SMS_AUTH_TOKEN = TOKEN
    settings.SMS_FROM = "+15145550000"
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def sms_user(number: str = "+15145551234"):
    user = UserFactory()
    DeliverySettings.objects.create(user=user, sms_number=number)
    services.preference_set(actor=user, topic="snow_removal", channel="sms", enabled=True)
    return user


def sms_delivery(notification: Notification) -> Delivery:
    return notification.deliveries.get(channel="sms")


def test_an_sms_is_posted_to_the_provider_with_basic_auth(sms_provider):
    user = sms_user()
    notification = services.notify(
        user=user, topic="snow_removal", key="a", title="Déneigement", body="Rue Principale ce soir"
    )

    assert sms_provider.sent == [
        {
            "To": "+15145551234",
            "From": "+15145550000",
            "Body": "Déneigement: Rue Principale ce soir",
        }
    ]
    delivery = sms_delivery(notification)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.provider_id == f"SM{1:032d}"


def test_an_sms_provider_error_500_is_retried_once_and_sent_once(sms_provider):
    sms_provider.replies = [(500, {"message": "Internal error"})]
    user = sms_user()
    with time_machine.travel(DAYTIME, tick=False):
        notification = services.notify(
            user=user, topic="snow_removal", key="a", title="Déneigement"
        )
    delivery = sms_delivery(notification)
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.last_error == "SMS provider: HTTP 500"

    with time_machine.travel(DAYTIME + timedelta(minutes=1), tick=False):
        assert services.deliver_due() == 1
        assert services.deliver_one(delivery.pk) == "sent"  # a duplicate task: nothing more
    with time_machine.travel(DAYTIME + timedelta(hours=1), tick=False):
        assert services.deliver_due() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(sms_provider.requests) == 2
    assert len(sms_provider.sent) == 1


def test_an_sms_refused_with_400_fails_at_once_and_is_not_retried(sms_provider):
    sms_provider.replies = [(400, {"code": 21211, "message": "Invalid 'To' Phone Number"})]
    user = sms_user("+15145559999")
    with time_machine.travel(DAYTIME, tick=False):
        notification = services.notify(
            user=user, topic="snow_removal", key="a", title="Déneigement"
        )
    delivery = sms_delivery(notification)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "SMS provider refused: HTTP 400"

    with time_machine.travel(DAYTIME + timedelta(hours=2), tick=False):
        assert services.deliver_due() == 0
    assert services.deliver_one(delivery.pk) == "failed"
    assert len(sms_provider.requests) == 1 and sms_provider.sent == []


def test_an_unreachable_sms_provider_is_a_temporary_failure(sms_provider, settings):
    settings.SMS_API_URL = "http://127.0.0.1:9/nothing-listens-here"
    user = sms_user()
    notification = services.notify(user=user, topic="snow_removal", key="a", title="x")
    delivery = sms_delivery(notification)
    assert delivery.status == "queued"
    assert delivery.last_error.startswith("SMS provider unreachable")


def test_no_sms_without_a_number_or_without_the_provider(sms_provider, settings):
    user = UserFactory()
    services.preference_set(actor=user, topic="snow_removal", channel="sms", enabled=True)
    first = services.notify(user=user, topic="snow_removal", key="a", title="x")
    settings.SMS_API_URL = ""
    second = services.notify(user=sms_user(), topic="snow_removal", key="b", title="y")
    assert not first.deliveries.filter(channel="sms").exists()
    assert not second.deliveries.filter(channel="sms").exists()
    assert sms_provider.requests == []
