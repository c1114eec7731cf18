"""Reads of the notifications app: a person's notification centre, unread count and preferences.

Every read is about the actor's own notifications (`user=`): nobody lists or counts another
person's, and there is no lookup by id alone.
"""

import base64
import binascii
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from milieu.core import prefetch
from milieu.core.compiled import CompiledQuery
from milieu.core.errors import ApplicationError, NotFound
from milieu.territory.models import District

from . import registry
from .delivery import wanted
from .models import DeliverySettings, DistrictFollow, Notification, Preference

PAGE_SIZE = 20  # small pages for slow connections and old phones
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    next_cursor: str | None


def _encode_cursor(notification: Notification) -> str:
    raw = f"{notification.created_at.isoformat()}|{notification.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.rsplit("|", 1)
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            raise ValueError("naive")
        return created_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApplicationError(
            _("This page of notifications does not exist; start from the first page."),
            code="validation",
            extra={"fields": {"cursor": [_("Invalid cursor.")]}},
        ) from None


FIELDS = ("id", "topic", "title", "body", "url", "urgent", "created_at", "read_at")
# The first page, which nearly every visit asks for, compiled once per process (`core.compiled`).
FIRST_PAGE = CompiledQuery(
    lambda user_id: (
        Notification.objects.filter(user_id=user_id)
        .order_by("-created_at", "-pk")
        .values_list(*FIELDS)[: PAGE_SIZE + 1]
    ),
    converted=True,
)


def _first_page_rows(user_id: int) -> list[Notification]:
    rows = []
    for row in FIRST_PAGE.rows(user_id):
        rows.append(Notification(user_id=user_id, **dict(zip(FIELDS, row, strict=True))))
    return rows


def notification_page(
    *, user, cursor: str | None = None, page_size: int = PAGE_SIZE
) -> NotificationPage:
    """One page of the person's notifications, newest first, by keyset (cursor) pagination.

    One query whatever the page: it walks the `notification_centre` index (user, -created_at)
    from the cursor and reads one row more than the page to know whether another page follows.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    if not cursor and page_size == PAGE_SIZE:
        rows = _first_page_rows(user.pk)
    else:
        qs = Notification.objects.filter(user=user)
        if cursor:
            created_at, pk = _decode_cursor(cursor)
            qs = qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
        rows = list(qs.only(*FIELDS).order_by("-created_at", "-pk")[: page_size + 1])
    items = rows[:page_size]
    next_cursor = _encode_cursor(items[-1]) if len(rows) > page_size else None
    return NotificationPage(items=items, next_cursor=next_cursor)


def notification_get(*, user, notification_id: int) -> Notification:
    """One of the person's own notifications; anyone else's is *not found*."""
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification


UNREAD_CACHE_SECONDS = 300


def unread_cache_key(user_id: int) -> str:
    return f"notifications:unread:v2:{user_id}"


@dataclass(frozen=True)
class UnreadState:
    count: int
    # Random, new each time the entry is computed again: every change to the person's
    # notifications forgets the entry (`unread_forget`), so the version names one state of them.
    version: str


# The count of every cold page of a logged-in person, compiled once (`core.compiled`): one row,
# or none when nothing is unread (grouped by the person, on the partial index).
UNREAD_COUNT = CompiledQuery(
    lambda user_id: (
        Notification.objects.filter(user_id=user_id, read_at__isnull=True)
        .values("user_id")
        .annotate(unread=Count("pk"))
        .values_list("unread")
        .order_by()
    )
)


def notification_unread_state(*, user) -> UnreadState:
    """The person's unread count and the version of their notifications: from the cache, else
    one query on the partial index `notification_unread`. The writes that change notifications
    (`notify`, the alert fan-out, marking read) call `unread_forget`."""
    key = unread_cache_key(user.pk)
    state = prefetch.get(user, key)  # read with the user, usually
    if state is None:
        rows = UNREAD_COUNT.rows(user.pk)
        state = UnreadState(count=rows[0][0] if rows else 0, version=secrets.token_hex(6))
        # Written now, not with the request's other entries: the centre caches its pages under
        # this version, so a notification that commits from here on must find it to forget.
        prefetch.put(user, key, state, UNREAD_CACHE_SECONDS, now=True)
    return state


def notification_unread_count(*, user) -> int:
    """How many of the person's notifications are unread (the badge of every page)."""
    return notification_unread_state(user=user).count


def unread_forget(user_ids: Iterable[int]) -> None:
    """Forget the unread counts of these people, now and again after the commit."""
    prefetch.forget(unread_cache_key(user_id) for user_id in user_ids)


# --- Preferences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelColumn:
    """A channel as the preference grid shows it to one person."""

    channel: registry.Channel
    available: bool  # messages of this channel can reach the person now
    editable: bool  # the person may tick its boxes (SMS before the number is typed: yes)
    reason: str  # why it is unavailable, in the person's language ("" when available)

    @property
    def key(self) -> str:
        return self.channel.key

    @property
    def name(self):
        return self.channel.name


def channel_columns(*, user) -> list[ChannelColumn]:
    """The channels offered on this installation (SMS only when configured), with what each
    means for this person."""
    columns = []
    for channel in registry.channels():
        if not channel.offered():
            continue
        available = channel.available_for(user)
        columns.append(
            ChannelColumn(
                channel=channel,
                available=available,
                editable=available or channel.editable_when_unavailable(user),
                reason="" if available else str(channel.unavailable_reason(user)),
            )
        )
    return columns


def preference_grid(*, user) -> dict[tuple[str, str], bool]:
    """The effective choice for every topic and offered channel (the topic's default where the
    person has not chosen)."""
    chosen = {
        (p.topic, p.channel): p.enabled
        for p in Preference.objects.filter(user=user).only("topic", "channel", "enabled")
    }
    return {
        (topic.key, channel.key): wanted(topic, channel.key, chosen)
        for topic in registry.topics()
        for channel in registry.channels()
        if channel.offered()
    }


def delivery_settings_get(*, user) -> DeliverySettings:
    """The person's settings, or an unsaved row with the defaults."""
    return DeliverySettings.objects.filter(user=user).first() or DeliverySettings(user=user)


def home_district(*, user) -> District | None:
    from milieu.accounts.models import Membership

    membership = (
        Membership.objects.select_related("district__municipality")
        .filter(user=user, is_home=True, district__isnull=False)
        .first()
    )
    return membership.district if membership else None


def followable_districts(*, user, exclude: District | None = None) -> QuerySet[District]:
    """Districts a person may follow: those of the municipalities they belong to (home or
    visited). The home district is always followed and is excluded by the caller."""
    qs = (
        District.objects.filter(municipality__memberships__user=user)
        .select_related("municipality")
        .order_by("municipality__name", "name")
        .distinct()
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def followed_district_ids(*, user) -> list[int]:
    return list(
        DistrictFollow.objects.filter(user=user)
        .order_by("district_id")
        .values_list("district_id", flat=True)
    )
