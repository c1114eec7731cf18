"""Municipal alerts: staff compose one (three languages), preview its audience, send it now or
schedule it; the fan-out turns it into one notification per person, in batches.

Who receives an alert (`audience_queryset`):

- with districts: the active people whose *home* membership is in this municipality and in one
  of those districts, plus everyone who follows one of those districts (`DistrictFollow`), home
  or not (following a district is an explicit request for its alerts);
- without districts (the whole municipality): every active person whose home is this
  municipality, plus everyone who follows any of its districts (a city-wide alert concerns every
  district they follow).

A person who only *visits* the municipality (a membership that is not their home) is not in the
audience unless they follow one of its districts. A person who turned the alert's topic off on
every channel is not in the audience either; everyone else gets at least the in-app item (the
notification centre receives municipal alerts unless the person turned the topic's in-app
channel off), and email or SMS where they asked for it (`delivery.plan_channels`).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.models import Membership, User
from milieu.core.errors import ApplicationError, Conflict
from milieu.core.permissions import require
from milieu.territory.models import District, Municipality

from . import registry
from .delivery import plan_channels
from .models import Alert, Delivery, DistrictFollow, Notification, Preference
from .selectors import unread_forget
from .services import enqueue_deliveries

PERM = "notifications.send_alert"
FAN_OUT_BATCH = 1000  # people per batch of the fan-out
TEXT_FIELDS = ("title_fr", "title_en", "title_es", "body_fr", "body_en", "body_es")
EDITABLE = {Alert.Status.DRAFT, Alert.Status.SCHEDULED}


def staff_topics() -> list[registry.Topic]:
    """The topics staff may send alerts about, in their display order."""
    return [topic for topic in registry.topics() if topic.staff_alerts]


def alert_key(alert_id: int) -> str:
    """The `Notification.key` of an alert: one notification per person and alert."""
    return f"alert:{alert_id}"


# --- The audience -------------------------------------------------------------------------------


def _wants_topic(topic: registry.Topic) -> Q:
    """People who want `topic` on at least one channel (what `delivery.wanted` decides for one
    person, as SQL): a default channel unless turned off, another channel if turned on."""
    conditions: list[Q] = []
    for channel in registry.channels():
        choices = Preference.objects.filter(
            user=OuterRef("pk"), topic=topic.key, channel=channel.key
        )
        if channel.key in topic.default_channels:
            conditions.append(Q(~Exists(choices.filter(enabled=False))))
        else:
            conditions.append(Q(Exists(choices.filter(enabled=True))))
    return reduce(or_, conditions)


def audience_queryset(
    *, municipality: Municipality, topic: registry.Topic, district_ids: Iterable[int]
) -> QuerySet[User]:
    """The people an alert of `topic` to these districts (none: the whole municipality) reaches.
    See the module's docstring for the rules."""
    district_ids = list(district_ids)
    homes = Membership.objects.filter(municipality=municipality, is_home=True)
    follows = DistrictFollow.objects.all()
    if district_ids:
        homes = homes.filter(district_id__in=district_ids)
        follows = follows.filter(district_id__in=district_ids)
    else:
        follows = follows.filter(district__municipality=municipality)
    return User.objects.filter(
        Q(pk__in=homes.values("user_id")) | Q(pk__in=follows.values("user_id")),
        _wants_topic(topic),
        is_active=True,
    )


def alert_audience(*, alert: Alert) -> int:
    """How many people the alert would reach if it were sent now (one query)."""
    return audience_queryset(
        municipality=alert.municipality,
        topic=registry.topic(alert.topic),
        district_ids=alert.districts.values_list("pk", flat=True),
    ).count()


def audience_preview(
    *, actor, municipality: Municipality, topic: str, district_ids: Iterable[int]
) -> int:
    """The audience of an alert being composed (not saved): for the live count of the form."""
    require(actor, PERM, municipality)
    topic_obj, districts, errors = _check_targeting(municipality, topic, district_ids, False)
    if errors:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": errors}
        )
    assert topic_obj is not None
    return audience_queryset(
        municipality=municipality, topic=topic_obj, district_ids=[d.pk for d in districts]
    ).count()


# --- Composing ----------------------------------------------------------------------------------


def _district_ids(districts: Iterable[Any]) -> list[int]:
    ids = []
    for district in districts:
        try:
            ids.append(int(district.pk if isinstance(district, District) else district))
        except (TypeError, ValueError):
            ids.append(-1)  # not a district: refused below as not of this municipality
    return sorted(set(ids))


def _check_targeting(
    municipality: Municipality, topic: str, districts: Iterable[Any], urgent: bool
) -> tuple[registry.Topic | None, list[District], dict[str, list[str]]]:
    """The topic, the districts and the errors of an alert's targeting."""
    errors: dict[str, list[str]] = {}
    try:
        topic_obj: registry.Topic | None = registry.topic(topic)
    except KeyError:
        topic_obj = None
    if topic_obj is None or not topic_obj.staff_alerts:
        errors["topic"] = [_("Choose one of the topics of municipal alerts.")]
        return None, [], errors
    ids = _district_ids(districts)
    found = list(District.objects.filter(municipality=municipality, pk__in=ids).order_by("name"))
    if len(found) != len(ids):
        errors["districts"] = [_("Choose districts of this municipality.")]
    elif found and not topic_obj.geotargeted:
        errors["districts"] = [
            _("Alerts about “%(topic)s” go to the whole municipality: leave the districts empty.")
            % {"topic": topic_obj.name}
        ]
    if urgent and not topic_obj.urgent:
        errors["urgent"] = [
            _("Alerts about “%(topic)s” cannot be urgent; choose the urgent advisories topic.")
            % {"topic": topic_obj.name}
        ]
    return topic_obj, found, errors


def _validate(alert: Alert, districts: Iterable[Any]) -> list[District]:
    """Check an alert (an unsaved or fresh copy) and its districts; raise with every error."""
    for name in TEXT_FIELDS:
        setattr(alert, name, (getattr(alert, name) or "").strip())
    _topic, found, errors = _check_targeting(
        alert.municipality, alert.topic, districts, alert.urgent
    )
    try:
        alert.full_clean(exclude=["municipality", "created_by", "topic", "districts"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": errors}
        )
    return found


@transaction.atomic
def alert_create(
    *,
    actor,
    municipality: Municipality,
    topic: str,
    title_fr: str,
    body_fr: str,
    title_en: str = "",
    body_en: str = "",
    title_es: str = "",
    body_es: str = "",
    urgent: bool = False,
    districts: Iterable[Any] = (),
) -> Alert:
    """A draft alert. French is required; English and Spanish fall back to French when empty.
    `districts` (District objects or ids, of this municipality) only for geotargeted topics;
    none means the whole municipality. `urgent` only for topics that allow it."""
    require(actor, PERM, municipality)
    alert = Alert(
        municipality=municipality,
        topic=topic,
        urgent=urgent,
        title_fr=title_fr,
        title_en=title_en,
        title_es=title_es,
        body_fr=body_fr,
        body_en=body_en,
        body_es=body_es,
        created_by=actor,
    )
    found = _validate(alert, districts)
    alert.save()
    alert.districts.set(found)
    return alert


UPDATABLE = {"topic", "urgent", "districts", *TEXT_FIELDS}


def _locked(alert: Alert) -> Alert:
    """A fresh copy of the alert, its row locked for the rest of the transaction."""
    return Alert.objects.select_for_update().select_related("municipality").get(pk=alert.pk)


@transaction.atomic
def alert_update(*, actor, alert: Alert, **changes: Any) -> Alert:
    """Change a draft or scheduled alert (a scheduled one keeps its time). Only the given
    fields change; the same rules as `alert_create` apply to the result."""
    require(actor, PERM, alert.municipality)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %s") % ", ".join(sorted(unknown)), code="validation"
        )
    fresh = _locked(alert)
    if fresh.status not in EDITABLE:
        raise Conflict(_("This alert has been sent or cancelled: it can no longer be changed."))
    districts = changes.pop("districts", None)
    if districts is None:
        districts = list(fresh.districts.values_list("pk", flat=True))
    for name, value in changes.items():
        setattr(fresh, name, value)
    found = _validate(fresh, districts)
    fresh.save()
    fresh.districts.set(found)
    return fresh


# --- Sending ------------------------------------------------------------------------------------


@transaction.atomic
def alert_send(*, actor, alert: Alert) -> Alert:
    """Send a draft (or a scheduled alert, ahead of its time) now: the fan-out runs in a task."""
    from .tasks import alert_fan_out

    require(actor, PERM, alert.municipality)
    fresh = _locked(alert)
    if fresh.status not in EDITABLE:
        raise Conflict(_("This alert has already been sent or cancelled."))
    _validate(fresh, fresh.districts.values_list("pk", flat=True))  # e.g. a topic since removed
    fresh.status = Alert.Status.SENDING
    fresh.save(update_fields=["status"])
    alert_fan_out.enqueue(alert_id=fresh.pk)
    fresh.refresh_from_db()  # an immediate task backend has already sent it
    return fresh


@transaction.atomic
def alert_schedule(*, actor, alert: Alert, when: datetime | None) -> Alert:
    """Send a draft later (or move a scheduled alert to another time). `when` must be in the
    future; a naive time is read in the platform's time zone."""
    from .tasks import alert_fan_out

    require(actor, PERM, alert.municipality)
    if when is None:
        raise ApplicationError(
            _("Choose when to send the alert."),
            code="validation",
            extra={"fields": {"scheduled_for": [_("Choose a date and a time.")]}},
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when <= timezone.now():
        raise ApplicationError(
            _("The time to send the alert has already passed."),
            code="validation",
            extra={"fields": {"scheduled_for": [_("Choose a time in the future.")]}},
        )
    fresh = _locked(alert)
    if fresh.status not in EDITABLE:
        raise Conflict(_("This alert has already been sent or cancelled."))
    _validate(fresh, fresh.districts.values_list("pk", flat=True))
    fresh.status = Alert.Status.SCHEDULED
    fresh.scheduled_for = when
    fresh.save(update_fields=["status", "scheduled_for"])
    if alert_fan_out.get_backend().supports_defer:
        # On time without waiting for the minute's sweep; the sweep remains the safety net.
        # `only_if_scheduled`: a task left over from an earlier time finds nothing due and
        # leaves; one arriving after the sweep (or a manual send) began leaves too.
        alert_fan_out.using(run_after=when).enqueue(alert_id=fresh.pk, only_if_scheduled=True)
    return fresh


@transaction.atomic
def alert_cancel(*, actor, alert: Alert) -> Alert:
    """Cancel a scheduled alert: it will not be sent (a draft is simply left unsent)."""
    require(actor, PERM, alert.municipality)
    fresh = _locked(alert)
    if fresh.status != Alert.Status.SCHEDULED:
        raise Conflict(_("Only a scheduled alert can be cancelled."))
    fresh.status = Alert.Status.CANCELLED
    fresh.save(update_fields=["status"])
    return fresh


def alerts_send_due(*, now: datetime | None = None) -> int:
    """The minute's sweep (`manage.py send_scheduled_alerts`, or its task): start the fan-out of
    every scheduled alert whose time has come. Returns how many were started.

    The status moves from scheduled to sending in one conditional UPDATE, so two sweeps (or a
    sweep and the deferred task) never start the same alert twice."""
    from .tasks import alert_fan_out

    now = now or timezone.now()
    started = 0
    due = Alert.objects.filter(status=Alert.Status.SCHEDULED, scheduled_for__lte=now)
    for alert_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            if _start(alert_id, now):
                alert_fan_out.enqueue(alert_id=alert_id)
                started += 1
    return started


def _start(alert_id: int, now: datetime) -> bool:
    return bool(
        Alert.objects.filter(
            pk=alert_id, status=Alert.Status.SCHEDULED, scheduled_for__lte=now
        ).update(status=Alert.Status.SENDING)
    )


# --- The fan-out --------------------------------------------------------------------------------


def fan_out(*, alert_id: int, only_if_scheduled: bool = False) -> int:
    """Turn an alert into notifications and deliveries, FAN_OUT_BATCH people at a time, each
    batch in its own transaction. Returns the audience size (0 when there was nothing to do).

    Idempotent: notifications are unique per (person, `alert:<id>`) and deliveries per
    (notification, channel), both created with `ignore_conflicts`, so a task run twice (a
    worker that died halfway and was started again) creates nothing twice, and `deliver_one`
    never sends a delivery twice. Runs for an alert that is `sending`, or `scheduled` and due;
    with `only_if_scheduled` (the task deferred to the scheduled time) only for the latter.
    """
    now = timezone.now()
    alert = Alert.objects.select_related("municipality").filter(pk=alert_id).first()
    if alert is None:
        return 0
    if not _start(alert_id, now) and (only_if_scheduled or alert.status != Alert.Status.SENDING):
        return 0
    alert.refresh_from_db(fields=["status"])
    if alert.status != Alert.Status.SENDING:
        return 0
    topic = registry.topic(alert.topic)
    user_ids = list(
        audience_queryset(
            municipality=alert.municipality,
            topic=topic,
            district_ids=alert.districts.values_list("pk", flat=True),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(user_ids), FAN_OUT_BATCH):
        _fan_out_batch(alert, topic, user_ids[start : start + FAN_OUT_BATCH])
    size = Notification.objects.filter(alert=alert).count()
    Alert.objects.filter(pk=alert.pk, status=Alert.Status.SENDING).update(
        status=Alert.Status.SENT, sent_at=timezone.now(), audience_size=size
    )
    return size


@transaction.atomic
def _fan_out_batch(alert: Alert, topic: registry.Topic, user_ids: list[int]) -> None:
    """One batch: a constant number of queries whatever its size (people, their settings and
    choices for this topic are read in bulk; rows are written in bulk)."""
    now = timezone.now()
    key = alert_key(alert.pk)
    users = list(User.objects.filter(pk__in=user_ids).select_related("delivery_settings"))
    preferences: dict[int, dict[tuple[str, str], bool]] = defaultdict(dict)
    for user_id, channel, enabled in Preference.objects.filter(
        user_id__in=user_ids, topic=topic.key
    ).values_list("user_id", "channel", "enabled"):
        preferences[user_id][(topic.key, channel)] = enabled

    notifications = []
    for user in users:
        title, body = alert.text_in(user.preferred_language)
        notifications.append(
            Notification(
                user=user,
                topic=topic.key,
                municipality_id=alert.municipality_id,
                alert=alert,
                key=key,
                title=title,
                body=body,
                urgent=alert.urgent,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    unread_forget(n.user_id for n in notifications)
    # ignore_conflicts does not return primary keys: read them back (including those of a run
    # that was interrupted after this batch).
    notification_ids = dict(
        Notification.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", "pk")
    )

    deliveries: list[Delivery] = []
    for user in users:
        plans = plan_channels(
            user=user,
            topic=topic,
            urgent=alert.urgent,
            now=now,
            preferences=preferences.get(user.pk, {}),
            delivery_settings=getattr(user, "delivery_settings", None),
        )
        deliveries.extend(
            Delivery(
                notification_id=notification_ids[user.pk],
                channel=plan.channel,
                status=plan.status,
                not_before=plan.not_before,
                sent_at=now if plan.status == Delivery.Status.SENT else None,
            )
            for plan in plans
        )
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    # Queue what is still to send: on a second run, deliveries already sent are not queued
    # again, and those queued again are sent once (`deliver_one` locks and checks the row).
    enqueue_deliveries(
        Delivery.objects.filter(
            notification_id__in=notification_ids.values(),
            status__in=(Delivery.Status.QUEUED, Delivery.Status.HELD),
        )
        .only("pk", "status", "not_before")
        .order_by("pk")
    )
