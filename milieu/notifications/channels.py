"""The delivery channels: in-app (the notification centre), email (SMTP) and SMS (an HTTP
provider). Each is registered in the channel registry by `apps.py`."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registry import EMAIL, IN_APP, SMS, Channel, DeliveryError, PermanentDeliveryError

UNSUBSCRIBE_SALT = "milieu.notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, topic: str | list[str], channel: str) -> str:
    """The signed token of an unsubscribe link: one topic, or several for a digest email."""
    return signing.dumps({"u": user_id, "t": topic, "c": channel}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> dict:
    """The token's content; raises signing.BadSignature for anything forged or truncated."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message_id() -> str:
    """A Message-ID on the site's domain, kept as the delivery's provider id so that a bounce
    reported by the SMTP relay (which quotes it) finds its delivery."""
    domain = urllib.parse.urlsplit(settings.SITE_URL).hostname or "milieu.local"
    return make_msgid(domain=domain)


class InAppChannel(Channel):
    """The notification itself is the in-app message: nothing to send."""

    key = IN_APP
    name = gettext_lazy("In the app")
    order = 10

    def available_for(self, user) -> bool:
        return True

    def send(self, delivery) -> str:
        return ""


class EmailChannel(Channel):
    key = EMAIL
    name = gettext_lazy("Email")
    order = 20

    def available_for(self, user) -> bool:
        email = user.email or ""
        return bool(email) and not email.endswith("@assisted.invalid")

    def unavailable_reason(self, user) -> Any:
        return gettext_lazy("Your account has no email address we can write to.")

    def send(self, delivery) -> str:
        notification = delivery.notification
        user = notification.user
        token = unsubscribe_token(user_id=user.pk, topic=notification.topic, channel=EMAIL)
        with translation.override(user.preferred_language):
            unsubscribe_url = absolute(reverse("notifications_public:unsubscribe", args=[token]))
            body = notification.body
            if notification.url:
                body += f"\n\n{absolute(notification.url)}"
            body += "\n\n--\n" + _("Stop these emails: %(url)s") % {"url": unsubscribe_url}
        msgid = message_id()
        message = EmailMultiAlternatives(
            subject=notification.title,
            body=body,
            to=[user.email],
            headers={
                # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe button.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Milieu-Delivery": str(delivery.pk),
                "Message-ID": msgid,
            },
        )
        try:
            message.send()
        except OSError as error:  # SMTP refused or unreachable: try again later
            raise DeliveryError(str(error)) from error
        return msgid


class SmsChannel(Channel):
    """Text messages through a Twilio-style REST API (`SMS_API_URL`, `SMS_ACCOUNT_SID`,
    `SMS_AUTH_TOKEN`, `SMS_FROM`). Without `SMS_API_URL`, SMS is not offered."""

    key = SMS
    name = gettext_lazy("Text message (SMS)")
    order = 30

    def offered(self) -> bool:
        return bool(getattr(settings, "SMS_API_URL", ""))

    def available_for(self, user) -> bool:
        if not self.offered():
            return False
        delivery_settings = getattr(user, "delivery_settings", None)
        return bool(delivery_settings and delivery_settings.sms_number)

    def unavailable_reason(self, user) -> Any:
        if not self.offered():
            return gettext_lazy("Text messages are not offered here.")
        return gettext_lazy(
            "You have not given a mobile number yet: add it below to receive text messages."
        )

    def editable_when_unavailable(self, user) -> bool:
        return self.offered()

    def send(self, delivery) -> str:
        notification = delivery.notification
        number = notification.user.delivery_settings.sms_number
        url = (
            f"{settings.SMS_API_URL.rstrip('/')}/Accounts/{settings.SMS_ACCOUNT_SID}/Messages.json"
        )
        text = (
            notification.title
            if not notification.body
            else f"{notification.title}: {notification.body}"
        )
        data = urllib.parse.urlencode(
            {"To": number, "From": settings.SMS_FROM, "Body": text[:640]}
        ).encode()
        credentials = f"{settings.SMS_ACCOUNT_SID}:{settings.SMS_AUTH_TOKEN}".encode()
        request = urllib.request.Request(  # noqa: S310 - the provider URL is configuration
            url,
            data=data,
            headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500 and error.code != 429:
                raise PermanentDeliveryError(f"SMS provider refused: HTTP {error.code}") from error
            raise DeliveryError(f"SMS provider: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DeliveryError(f"SMS provider unreachable: {error}") from error
        return str(payload.get("sid", ""))
