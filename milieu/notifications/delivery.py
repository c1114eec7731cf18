"""How one notification becomes deliveries: preferences, availability, quiet hours, digests.

`plan_channels` is pure (it is given the person's preferences and settings), so that `notify`
for one person and the fan-out of an alert to a whole municipality decide the same way.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from . import registry
from .models import Delivery, DeliverySettings

LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Planned:
    channel: str
    status: str  # Delivery.Status
    not_before: datetime | None = None


def in_quiet_hours(moment: datetime, start: time | None, end: time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    local = moment.astimezone(LOCAL_TZ).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # overnight, e.g. 21:00 → 07:00


def quiet_hours_end(moment: datetime, end: time) -> datetime:
    local = moment.astimezone(LOCAL_TZ)
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def wanted(topic: registry.Topic, channel: str, preferences: dict[tuple[str, str], bool]) -> bool:
    choice = preferences.get((topic.key, channel))
    return channel in topic.default_channels if choice is None else choice


def plan_channels(
    *,
    user,
    topic: registry.Topic,
    urgent: bool,
    now: datetime,
    preferences: dict[tuple[str, str], bool],
    delivery_settings: DeliverySettings | None,
) -> list[Planned]:
    """The deliveries one notification gets. Urgent messages skip quiet hours and digests;
    everything else waits for the end of the person's quiet hours, and emails of a person who
    chose a digest wait for it."""
    plans = []
    quiet = delivery_settings is not None and in_quiet_hours(
        now, delivery_settings.quiet_start, delivery_settings.quiet_end
    )
    for channel in registry.channels():
        if not wanted(topic, channel.key, preferences) or not channel.available_for(user):
            continue
        if channel.key == registry.IN_APP:
            plans.append(Planned(channel.key, Delivery.Status.SENT))
        elif urgent:
            plans.append(Planned(channel.key, Delivery.Status.QUEUED))
        elif (
            channel.key == registry.EMAIL
            and delivery_settings is not None
            and delivery_settings.digest != DeliverySettings.Digest.NONE
        ):
            plans.append(Planned(channel.key, Delivery.Status.DIGEST))
        elif quiet:
            assert delivery_settings is not None and delivery_settings.quiet_end is not None
            plans.append(
                Planned(
                    channel.key,
                    Delivery.Status.HELD,
                    quiet_hours_end(now, delivery_settings.quiet_end),
                )
            )
        else:
            plans.append(Planned(channel.key, Delivery.Status.QUEUED))
    return plans
