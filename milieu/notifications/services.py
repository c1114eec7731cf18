"""Writes of the notifications app. `notify` is the one way the platform reaches a person."""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, NotFound

from . import registry
from .delivery import plan_channels
from .models import Delivery, DeliverySettings, DistrictFollow, Notification, Preference
from .selectors import unread_forget

logger = logging.getLogger("milieu.notifications")
MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)  # 1, 2, 4, 8 minutes between attempts
TASK_BATCH = 100  # deliveries per delivery task


def _preferences(user) -> dict[tuple[str, str], bool]:
    return {(p.topic, p.channel): p.enabled for p in Preference.objects.filter(user=user)}


def _texts(value, language: str) -> str:
    if isinstance(value, dict):
        return value.get(language) or value.get("fr") or next(iter(value.values()), "")
    return str(value)


def _enqueue_later(delivery_ids: list[int], when) -> None:
    """Schedule a task for later when the task backend can; otherwise the `deliver_due` sweep
    (run every few minutes) picks the deliveries up once they are due."""
    from .tasks import deliver

    if deliver.get_backend().supports_defer:
        deliver.using(run_after=when).enqueue(delivery_ids=delivery_ids)


def enqueue_deliveries(deliveries: Iterable[Delivery]) -> None:
    """Queue the delivery tasks: due ones in batches, held ones when their quiet hours end."""
    from .tasks import deliver

    now = timezone.now()
    due: list[int] = []
    # Held deliveries by the time they are due: an alert's fan-out holds many until the same time.
    later: dict[datetime, list[int]] = {}
    for delivery in deliveries:
        if delivery.status not in (Delivery.Status.QUEUED, Delivery.Status.HELD):
            continue
        if delivery.not_before and delivery.not_before > now:
            later.setdefault(delivery.not_before, []).append(delivery.pk)
        else:
            due.append(delivery.pk)
    for when, ids in later.items():
        for start in range(0, len(ids), TASK_BATCH):
            _enqueue_later(ids[start : start + TASK_BATCH], when)
    for start in range(0, len(due), TASK_BATCH):
        deliver.enqueue(delivery_ids=due[start : start + TASK_BATCH])


def deliver_due(*, now=None) -> int:
    """The sweep: queue every delivery whose time has come (held for quiet hours, waiting for a
    retry, or left behind by a stopped worker). Returns how many were queued."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status__in=(Delivery.Status.QUEUED, Delivery.Status.HELD))
        .filter(models.Q(not_before__isnull=True) | models.Q(not_before__lte=now))
        .values_list("pk", flat=True)[:50_000]
    )
    from .tasks import deliver

    for start in range(0, len(due), TASK_BATCH):
        deliver.enqueue(delivery_ids=due[start : start + TASK_BATCH])
    return len(due)


def in_every_language(make: Callable[[], str]) -> dict[str, str]:
    """A text for `notify`, written in each language of the site (`make` is called once per
    language, with that language active); `notify` picks the person's."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(make())
    return texts


def notify_after_commit(
    *,
    user_id: int,
    topic: str,
    key: str,
    title: Callable[[], str],
    url_name: str,
    url_kwargs: dict,
    municipality=None,
) -> None:
    """`notify` one person once the current transaction commits (nothing is sent if it rolls
    back), with a title written in every language and a link to a page reversed in the person's
    language."""
    from django.urls import reverse

    titles = in_every_language(title)

    def send() -> None:
        from milieu.accounts.models import User

        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            url = reverse(url_name, kwargs=url_kwargs)
        notify(user=user, topic=topic, key=key, title=titles, url=url, municipality=municipality)

    transaction.on_commit(send)


@transaction.atomic
def notify(
    *,
    user,
    topic: str,
    key: str,
    title,
    body="",
    url: str = "",
    municipality=None,
    urgent: bool = False,
) -> Notification:
    """Tell one person something, on the channels they chose for `topic`.

    `title` and `body` are strings, or dicts by language code (the person's language is used,
    French otherwise). `key` makes the call idempotent: a second call with the same key for the
    same person returns the first notification and sends nothing more.
    """
    topic_obj = registry.topic(topic)
    existing = Notification.objects.filter(user=user, key=key).first()
    if existing is not None:
        return existing
    language = user.preferred_language
    with translation.override(language):
        notification = Notification(
            user=user,
            topic=topic,
            key=key[:200],
            title=_texts(title, language)[:200],
            body=_texts(body, language),
            url=url,
            municipality=municipality,
            urgent=urgent,
        )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:  # a concurrent call with the same key won
        return Notification.objects.get(user=user, key=key)
    unread_forget([user.pk])
    now = timezone.now()
    plans = plan_channels(
        user=user,
        topic=topic_obj,
        urgent=urgent,
        now=now,
        preferences=_preferences(user),
        delivery_settings=DeliverySettings.objects.filter(user=user).first(),
    )
    deliveries = [
        Delivery.objects.create(
            notification=notification,
            channel=plan.channel,
            status=plan.status,
            not_before=plan.not_before,
            sent_at=now if plan.status == Delivery.Status.SENT else None,
        )
        for plan in plans
    ]
    enqueue_deliveries(deliveries)
    return notification


def deliver_one(delivery_id: int) -> str:
    """Send one delivery, once. Returns its final or current status.

    The row is locked while it is sent; a delivery already sent (a retried task, a duplicate
    message in the queue) is left alone. A temporary failure schedules another attempt with
    exponential backoff; after MAX_ATTEMPTS, or on a permanent failure, it is marked failed.
    """
    with transaction.atomic():
        delivery = (
            # Only the delivery's row: PostgreSQL cannot lock the nullable side of the outer
            # join to the delivery settings (which a person may not have).
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification__user__delivery_settings")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status not in (
            Delivery.Status.QUEUED,
            Delivery.Status.HELD,
        ):
            return delivery.status if delivery else "missing"
        if delivery.not_before and delivery.not_before > timezone.now():
            return "not_due"  # an early run: the scheduled one (or the sweep) will send it
        delivery.attempts += 1
        channel = registry.channel(delivery.channel)
        try:
            delivery.provider_id = channel.send(delivery)[:100]
        except registry.PermanentDeliveryError as error:
            delivery.status = Delivery.Status.FAILED
            delivery.last_error = str(error)[:500]
        except registry.DeliveryError as error:
            delivery.last_error = str(error)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.status = Delivery.Status.QUEUED
                delivery.not_before = timezone.now() + BACKOFF * 2 ** (delivery.attempts - 1)
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        delivery.save()
    if delivery.status == Delivery.Status.QUEUED:
        _enqueue_later([delivery.pk], delivery.not_before)
    if delivery.status == Delivery.Status.FAILED:
        logger.warning(
            "delivery_failed",
            extra={
                "delivery": delivery.pk,
                "channel": delivery.channel,
                "error": delivery.last_error,
            },
        )
    return delivery.status


@transaction.atomic
def delivery_record_bounce(*, provider_id: str, reason: str) -> int:
    """A bounce or a provider's failure report for a message already sent."""
    if not provider_id:
        raise ApplicationError(_("The message id is missing."), code="validation")
    return Delivery.objects.filter(provider_id=provider_id).update(
        status=Delivery.Status.BOUNCED, last_error=reason[:500]
    )


@transaction.atomic
def preference_set(*, actor, topic: str, channel: str, enabled: bool) -> Preference:
    try:
        registry.topic(topic)
        registry.channel(channel)
    except KeyError:
        raise ApplicationError(_("Unknown topic or channel."), code="validation") from None
    preference, _created = Preference.objects.update_or_create(
        user=actor, topic=topic, channel=channel, defaults={"enabled": enabled}
    )
    return preference


@transaction.atomic
def unsubscribe(*, user_id: int, topic: str, channel: str) -> Preference:
    """One-click unsubscribe from an email (RFC 8058): no login, the signed token is the proof."""
    from milieu.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("This link no longer works."))
    return preference_set(actor=user, topic=topic, channel=channel, enabled=False)


@transaction.atomic
def delivery_settings_update(*, actor, **fields) -> DeliverySettings:
    settings_obj, _created = DeliverySettings.objects.get_or_create(user=actor)
    for name, value in fields.items():
        if name not in {"quiet_start", "quiet_end", "digest", "sms_number"}:
            raise ApplicationError(_("Unknown settings: %s") % name)
        setattr(settings_obj, name, value)
    from django.core.exceptions import ValidationError

    try:
        settings_obj.full_clean(exclude=["user"])
    except ValidationError as error:
        raise ApplicationError(
            _("Some fields need correcting."),
            code="validation",
            extra={"fields": error.message_dict},
        ) from error
    if (settings_obj.quiet_start is None) != (settings_obj.quiet_end is None):
        raise ApplicationError(
            _("Give both the start and the end of your quiet hours, or neither."),
            code="validation",
            extra={"fields": {"quiet_end": [_("Give both times.")]}},
        )
    settings_obj.save()
    return settings_obj


@transaction.atomic
def district_follow_set(*, actor, districts) -> None:
    DistrictFollow.objects.filter(user=actor).exclude(district__in=districts).delete()
    for district in districts:
        DistrictFollow.objects.get_or_create(user=actor, district=district)


@transaction.atomic
def notification_mark_read(*, actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read: the given ones, or all. Returns how many changed.

    An id that is not one of the actor's own notifications is *not found*, and nothing changes
    (another person's notification and a missing one look the same)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        ids = set(notification_ids)
        owned = set(
            Notification.objects.filter(user=actor, pk__in=ids).values_list("pk", flat=True)
        )
        if ids - owned:
            raise NotFound(_("Notification not found."))
        qs = qs.filter(pk__in=ids)
    changed = qs.update(read_at=timezone.now())
    unread_forget([actor.pk])
    return changed


@transaction.atomic
def preferences_update(
    *,
    actor,
    choices: dict[tuple[str, str], bool] | None = None,
    delivery_settings: dict | None = None,
    districts=None,
) -> None:
    """Save a person's notification preferences at once: the topic-by-channel grid (`choices`),
    their delivery settings (quiet hours, digest, mobile number: the fields of
    `delivery_settings_update`) and the districts they follow besides their home district. Each
    part is optional (None leaves it as it is). All or nothing: a refusal changes nothing.

    Only the choices that differ from what holds now are written, so that a box never touched
    keeps following the topic's default.
    """
    from .selectors import followable_districts, home_district, preference_grid

    errors: dict[str, list[str]] = {}
    current = preference_grid(user=actor)
    changes: dict[tuple[str, str], bool] = {}
    for (topic_key, channel_key), enabled in (choices or {}).items():
        try:
            registry.topic(topic_key)
            channel = registry.channel(channel_key)
        except KeyError:
            errors.setdefault("preferences", []).append(
                _("Unknown topic or channel: %(topic)s/%(channel)s")
                % {"topic": topic_key, "channel": channel_key}
            )
            continue
        if current.get((topic_key, channel_key)) == enabled:
            continue
        if not channel.offered() or not (
            channel.available_for(actor) or channel.editable_when_unavailable(actor)
        ):
            errors.setdefault("preferences", []).append(
                _("%(channel)s: %(reason)s")
                % {"channel": channel.name, "reason": channel.unavailable_reason(actor)}
            )
            continue
        changes[(topic_key, channel_key)] = enabled
    if districts is not None:
        home = home_district(user=actor)
        allowed = set(followable_districts(user=actor).values_list("pk", flat=True))
        if any(district.pk not in allowed for district in districts):
            errors["districts"] = [
                _("You can only follow districts of the municipalities you belong to.")
            ]
        districts = [d for d in districts if home is None or d.pk != home.pk]
    if errors:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": errors}
        )
    saved: DeliverySettings | None
    if delivery_settings is not None:
        saved = delivery_settings_update(actor=actor, **delivery_settings)
    else:
        saved = DeliverySettings.objects.filter(user=actor).first()
    for (topic_key, channel_key), enabled in changes.items():
        preference_set(actor=actor, topic=topic_key, channel=channel_key, enabled=enabled)
    if districts is not None:
        district_follow_set(actor=actor, districts=districts)
    sms = registry.channel(registry.SMS)
    wants_sms = any(on for (_t, key), on in preference_grid(user=actor).items() if key == sms.key)
    if sms.offered() and wants_sms and not (saved and saved.sms_number):
        raise ApplicationError(
            _("Some fields need correcting."),
            code="validation",
            extra={
                "fields": {
                    "sms_number": [
                        _(
                            "Give your mobile number to receive text messages, or untick the "
                            "text-message boxes."
                        )
                    ]
                }
            },
        )
