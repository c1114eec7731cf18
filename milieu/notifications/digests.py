"""Email digests: the non-urgent emails of people who chose a daily or weekly digest wait as
deliveries with status `digest`; `send_digests` gathers them into one email per person.

Run daily and weekly (`manage.py send_digests --period daily|weekly`, or the task
`notifications.tasks.send_digests`). It is idempotent: each person's pending deliveries are
locked, the email is sent while the lock is held, and they are marked sent in the same
transaction. A second run (or a concurrent one, which waits for the lock) finds nothing left; a
failed send rolls back and leaves them pending for the next run.
"""

import logging
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from . import registry
from .channels import absolute, message_id, unsubscribe_token
from .models import Delivery, DeliverySettings

logger = logging.getLogger("milieu.notifications")
PERIODS = (DeliverySettings.Digest.DAILY, DeliverySettings.Digest.WEEKLY)
MAX_ITEMS = 200  # per email; what is left waits for the next digest


@dataclass(frozen=True)
class DigestResult:
    emails: int = 0
    notifications: int = 0
    failed: int = 0


def _pending(period: str):
    """Email deliveries waiting for a digest of this period. The daily run also flushes the
    pending digests of people who have since gone back to one email per message (`none`), so that
    nothing waits forever after a change of mind."""
    digests = [period]
    if period == DeliverySettings.Digest.DAILY:
        digests.append(DeliverySettings.Digest.NONE)
    return Delivery.objects.filter(
        channel=registry.EMAIL,
        status=Delivery.Status.DIGEST,
        notification__user__delivery_settings__digest__in=digests,
    )


def send_digests(*, period: str) -> DigestResult:
    """Send one digest email to each person with pending deliveries for `period`."""
    if period not in PERIODS:
        raise ValueError(f"Unknown digest period: {period!r}")
    user_ids = list(
        _pending(period).order_by().values_list("notification__user_id", flat=True).distinct()
    )
    emails = notifications = failed = 0
    for user_id in sorted(user_ids):
        try:
            sent = send_digest(user_id=user_id, period=period)
        except OSError as error:  # SMTP refused or unreachable: still pending, next run
            failed += 1
            logger.warning("digest_failed", extra={"user": user_id, "error": str(error)})
            continue
        if sent:
            emails += 1
            notifications += sent
    return DigestResult(emails=emails, notifications=notifications, failed=failed)


def send_digest(*, user_id: int, period: str) -> int:
    """One person's digest. Returns how many notifications it carried (0: nothing was sent)."""
    with transaction.atomic():
        deliveries = list(
            _pending(period)
            .filter(notification__user_id=user_id)
            .select_for_update(of=("self",))
            .select_related("notification__user")
            .order_by("notification__created_at", "pk")[:MAX_ITEMS]
        )
        if not deliveries:
            return 0
        user = deliveries[0].notification.user
        if not registry.channel(registry.EMAIL).available_for(user) or not user.is_active:
            # Nobody to write to any more: the log says so rather than keeping them pending.
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                status=Delivery.Status.FAILED,
                last_error="No email address",
                updated_at=timezone.now(),
            )
            return 0
        message = _digest_message(user, period, [d.notification for d in deliveries])
        message.send()  # raises OSError: the transaction rolls back, all stay pending
        now = timezone.now()
        for delivery in deliveries:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            delivery.attempts += 1
            delivery.provider_id = message.extra_headers["Message-ID"][:100]
            delivery.last_error = ""
            delivery.updated_at = now  # bulk_update does not apply auto_now
        Delivery.objects.bulk_update(
            deliveries,
            ["status", "sent_at", "attempts", "provider_id", "last_error", "updated_at"],
        )
    return len(deliveries)


def _digest_message(user, period: str, notifications) -> EmailMultiAlternatives:
    topics = sorted({n.topic for n in notifications})
    token = unsubscribe_token(user_id=user.pk, topic=topics, channel=registry.EMAIL)
    with translation.override(user.preferred_language):
        unsubscribe_url = absolute(reverse("notifications_public:unsubscribe", args=[token]))
        count = len(notifications)
        if period == DeliverySettings.Digest.WEEKLY:
            subject = ngettext(
                "Your weekly digest: %(count)d notification",
                "Your weekly digest: %(count)d notifications",
                count,
            ) % {"count": count}
        else:
            subject = ngettext(
                "Your daily digest: %(count)d notification",
                "Your daily digest: %(count)d notifications",
                count,
            ) % {"count": count}
        body = render_to_string(
            "notifications/email/digest.txt",
            {
                "period": period,
                "notifications": [
                    {
                        "title": n.title,
                        "body": n.body,
                        "link": absolute(n.url) if n.url.startswith("/") else n.url,
                    }
                    for n in notifications
                ],
                "centre_url": absolute(reverse("notifications:centre")),
                "preferences_url": absolute(reverse("notifications:preferences")),
                "unsubscribe_url": unsubscribe_url,
            },
        )
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058, as for every email: one click stops the topics it gathers.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Milieu-Digest": period,
            "Message-ID": message_id(),
        },
    )
