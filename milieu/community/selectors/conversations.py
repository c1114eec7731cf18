"""Reads of private conversations: my inbox, one conversation, its messages.

Only the conversation's present members read it: someone who left, or was never in it, gets
*not found*. Hidden messages disappear for everyone but their author (who sees the reason).

Messages are paged by keyset cursors on `(created_at, id)` (opaque strings): the newest page
first, `before` for older pages, `after` for what came since (htmx polls with it).
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from milieu.accounts.models import Membership
from milieu.core import caching, modules
from milieu.core.compiled import CompiledQuery
from milieu.core.errors import ApplicationError, NotFound
from milieu.territory.models import Municipality

from ..models import CommunityProfile, Conversation, ConversationMember, Message

PAGE_SIZE = 20  # conversations per page of the inbox
MESSAGES_PAGE = 30  # messages per page of a conversation
MAX_PAGE_SIZE = 100
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


# --- Cursors --------------------------------------------------------------------------------------


def encode_cursor(message: Message) -> str:
    raw = f"{message.created_at.isoformat()}|{message.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, field: str = "cursor") -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.rsplit("|", 1)
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            raise ValueError("naive")
        return created_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApplicationError(
            _("This page of messages does not exist; start from the newest messages."),
            code="validation",
            extra={"fields": {field: [_("Invalid cursor.")]}},
        ) from None


# --- The inbox ------------------------------------------------------------------------------------
# Each person's inbox has a version, renewed by every change to what it shows (`inbox_changed`,
# called by the services: a conversation started, a message sent, hidden or restored, a
# conversation read or left); the inbox page is kept rendered under it (`core.pagecache`). A
# renamed member or municipality shows in a kept inbox within ten minutes.


def _inbox_version_key(user_id: int) -> str:
    return f"community:inbox-version:v1:{user_id}"


def inbox_version(user_id: int) -> int:
    key = _inbox_version_key(user_id)
    return caching.versions([key])[key]


def inbox_changed(user_ids) -> None:
    """What the inboxes of `user_ids` show has changed (now, and again after the commit)."""
    caching.renew(_inbox_version_key(user_id) for user_id in set(user_ids))


def _unread_count() -> Subquery:
    """Messages of the member's conversation they have not read: newer than their last read,
    by someone else, not hidden."""
    unread = (
        Message.objects.filter(conversation=OuterRef("conversation"), hidden_at__isnull=True)
        .exclude(author=OuterRef("user"))
        .filter(created_at__gt=Coalesce(OuterRef("last_read_at"), Value(_EPOCH)))
        .order_by()
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(unread, output_field=IntegerField())


def _last_message() -> Subquery:
    last = Message.objects.filter(
        conversation=OuterRef("conversation"), hidden_at__isnull=True
    ).order_by("-created_at", "-pk")
    return Subquery(last.values("body")[:1])


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "conversation__members",
        queryset=ConversationMember.objects.filter(left_at__isnull=True)
        .select_related("user__community_profile")
        .order_by("joined_at", "pk"),
        to_attr="present_members",
    )


def conversation_memberships(*, visible_to) -> QuerySet[ConversationMember]:
    """My places in conversations I have not left, newest activity first, each with its
    `unread` count, its `last_body` and the conversation's `present_members` (the caller
    pages it: two queries a page whatever its length, plus the count)."""
    return (
        ConversationMember.objects.filter(user=visible_to, left_at__isnull=True)
        .select_related("conversation__municipality")
        .annotate(unread=Coalesce(_unread_count(), 0), last_body=_last_message())
        .prefetch_related(_members_prefetch())
        .order_by("-conversation__last_message_at", "-conversation_id")
    )


@dataclass
class InboxPage:
    items: list[ConversationMember]
    count: int


def conversation_list(*, visible_to, limit: int = PAGE_SIZE, offset: int = 0) -> InboxPage:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    qs = conversation_memberships(visible_to=visible_to)
    return InboxPage(items=list(qs[offset : offset + limit]), count=qs.count())


def conversation_get(*, visible_to, conversation_id: int) -> Conversation:
    """A conversation I am in (and have not left), with its `present_members` and `me` (my
    `ConversationMember`). Not found for anyone else."""
    if not visible_to.is_authenticated:
        raise NotFound(_("Conversation not found."))
    conversation = (
        Conversation.objects.filter(
            pk=conversation_id,
            members__user=visible_to,
            members__left_at__isnull=True,
        )
        .select_related("municipality__region")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConversationMember.objects.filter(left_at__isnull=True)
                .select_related("user__community_profile")
                .order_by("joined_at", "pk"),
                to_attr="present_members",
            )
        )
        .first()
    )
    if conversation is None:
        raise NotFound(_("Conversation not found."))
    members = conversation.present_members
    conversation.me = next(m for m in members if m.user_id == visible_to.pk)  # type: ignore[attr-defined]
    return conversation


def _my_place_query(conversation_id: int, user_id: int):
    return ConversationMember.objects.filter(
        conversation_id=conversation_id, user_id=user_id, left_at__isnull=True
    ).values_list("last_read_at", "conversation__last_message_at")


MY_PLACE = CompiledQuery(_my_place_query, arguments=2, converted=True)


def thread_read_state(
    *, visible_to, conversation_id: int
) -> tuple[datetime | None, datetime | None]:
    """When I last read a conversation I am in, and when its last message came: one small
    query, for a thread's page kept rendered. Not found for anyone else."""
    rows = MY_PLACE.rows(conversation_id, visible_to.pk) if visible_to.is_authenticated else []
    if not rows:
        raise NotFound(_("Conversation not found."))
    return rows[0]


def others(conversation: Conversation, user) -> list:
    """The other present members' users of a conversation fetched by the selectors above."""
    members = conversation.present_members  # type: ignore[attr-defined]
    return [m.user for m in members if m.user_id != user.pk]


# --- Messages -------------------------------------------------------------------------------------


@dataclass
class MessagePage:
    messages: list[Message]  # oldest first, as they are read
    older_cursor: str | None  # `before=` this for the previous page
    newest_cursor: str | None  # `after=` this for what comes next


def message_page(
    *,
    visible_to,
    conversation: Conversation,
    before: str | None = None,
    after: str | None = None,
    limit: int = MESSAGES_PAGE,
) -> MessagePage:
    """A page of the conversation's messages, oldest first: the newest ones, or those before
    `before`, or those after `after` (at most `limit`, the oldest of them). One query."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    qs = Message.objects.filter(conversation=conversation).filter(
        Q(hidden_at__isnull=True) | Q(author=visible_to)
    )
    qs = qs.select_related("author__community_profile")
    if after:
        created_at, pk = decode_cursor(after, field="after")
        qs = qs.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk))
        rows = list(qs.order_by("created_at", "pk")[:limit])
        return MessagePage(
            messages=rows,
            older_cursor=None,
            newest_cursor=encode_cursor(rows[-1]) if rows else after,
        )
    if before:
        created_at, pk = decode_cursor(before, field="before")
        qs = qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-pk")[: limit + 1])
    older = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    page = list(reversed(rows[:limit]))
    newest = None
    if not before:
        newest = encode_cursor(page[-1] if page else _origin(conversation))
    return MessagePage(messages=page, older_cursor=older, newest_cursor=newest)


def _origin(conversation: Conversation) -> Message:
    """A cursor position before any message of the conversation (an empty thread)."""
    return Message(pk=0, created_at=_EPOCH)


# --- Starting a conversation ----------------------------------------------------------------------


def profiles_by_handle(handles: list[str]) -> dict[str, CommunityProfile]:
    return {
        profile.handle: profile
        for profile in CommunityProfile.objects.filter(
            handle__in=handles, user__is_active=True
        ).select_related("user")
    }


def common_municipalities(*, actor, user_ids: list[int]) -> list[Municipality]:
    """Where a conversation between `actor` and `user_ids` may belong: the municipalities all
    of them are members of, whose community is open, where `actor` may take part."""
    everyone = {actor.pk, *user_ids}
    shared = (
        Membership.objects.filter(user_id__in=everyone)
        .values("municipality_id")
        .annotate(people=Count("user_id", distinct=True))
        .filter(people=len(everyone))
        .values("municipality_id")
    )
    return [
        municipality
        for municipality in Municipality.objects.filter(pk__in=shared)
        .select_related("region")
        .order_by("name")
        if modules.is_enabled(municipality, "community")
        and actor.has_perm("community.take_part", municipality)
    ]
