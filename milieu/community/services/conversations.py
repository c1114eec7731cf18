"""Writes of private conversations: start one (one-to-one or a group of up to eight people),
send a message, mark a conversation read, leave a group.

Rules: everyone in a conversation shares its municipality (one the sender chooses among those
they share with every recipient); nobody writes to someone who blocked them, nor to someone
they blocked; the netiquette, suspensions and rate limits of the conversation's municipality
apply (`require_can_speak`, actions `conversation` and `message`). A one-to-one conversation
between two people is unique (`Conversation.pair_key`): starting it again writes in it.

New messages notify the other present members (topic `private_messages`), at most one unread
notification per conversation and person: the next one comes once they have read it (in the
notification centre or by opening the conversation, which marks it read too).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from ..models import (
    MAX_CONVERSATION_MEMBERS,
    MAX_MESSAGE_CHARS,
    Block,
    Conversation,
    ConversationMember,
    Message,
)
from ..selectors import conversations as selectors
from ..selectors.conversations import common_municipalities, profiles_by_handle
from .common import require_can_speak

MAX_TITLE_CHARS = 120
NOTIFICATION_KEY = "conversation:{conversation}:"


def _field_error(field: str, message) -> ApplicationError:
    return ApplicationError(message, code="validation", extra={"fields": {field: [message]}})


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise _field_error("body", _("Write a message."))
    if len(body) > MAX_MESSAGE_CHARS:
        raise _field_error(
            "body", _("At most %(count)d characters.") % {"count": MAX_MESSAGE_CHARS}
        )
    return body


def parse_handles(raw: str | list[str]) -> list[str]:
    """`"@marie, jean-guy  @ali"` (or a list) → `["marie", "jean-guy", "ali"]`, each once."""
    words = raw if isinstance(raw, list) else raw.replace(",", " ").replace(";", " ").split()
    seen: list[str] = []
    for word in words:
        handle = word.strip().lstrip("@").lower()
        if handle and handle not in seen:
            seen.append(handle)
    return seen


def _blocks(actor, other_ids: list[int]) -> tuple[set[int], set[int]]:
    """(those who blocked `actor`, those `actor` blocked) among `other_ids`."""
    blocked_me: set[int] = set()
    i_blocked: set[int] = set()
    for blocker, blocked in Block.objects.filter(
        blocker_id__in=[actor.pk, *other_ids], blocked_id__in=[actor.pk, *other_ids]
    ).values_list("blocker_id", "blocked_id"):
        if blocked == actor.pk and blocker in other_ids:
            blocked_me.add(blocker)
        elif blocker == actor.pk and blocked in other_ids:
            i_blocked.add(blocked)
    return blocked_me, i_blocked


def _require_no_block(actor, others: list) -> None:
    blocked_me, i_blocked = _blocks(actor, [user.pk for user in others])
    for user in others:
        if user.pk in blocked_me:
            raise PermissionDenied(
                _("%(name)s does not accept your messages.") % {"name": user.display_name},
                code="blocked",
            )
    for user in others:
        if user.pk in i_blocked:
            raise PermissionDenied(
                _("You blocked %(name)s: unblock them to write to them.")
                % {"name": user.display_name},
                code="blocked",
            )


@dataclass
class Sent:
    conversation: Conversation
    message: Message
    created: bool  # a new conversation (False: an existing one-to-one conversation reused)


@transaction.atomic
def conversation_start(
    *,
    actor,
    handles: list[str],
    body: str,
    title: str = "",
    municipality: Municipality | None = None,
) -> Sent:
    """Write to one person, or to a group (up to eight people in all, with an optional
    `title`). The conversation belongs to `municipality`, which every one of them shares; it
    may be left out when they share only one. Writing again to the same single person writes
    in the conversation you already have with them."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to write a message."))
    wanted = parse_handles(handles)
    body = _clean_body(body)
    title = (title or "").strip()
    if len(title) > MAX_TITLE_CHARS:
        raise _field_error("title", _("At most %(count)d characters.") % {"count": MAX_TITLE_CHARS})
    if not wanted:
        raise _field_error("to", _("Say whom you are writing to."))
    profiles = profiles_by_handle(wanted)
    missing = [handle for handle in wanted if handle not in profiles]
    if missing:
        raise _field_error("to", _("No one has the handle @%(handle)s.") % {"handle": missing[0]})
    recipients = [profiles[h].user for h in wanted if profiles[h].user_id != actor.pk]
    if not recipients:
        raise _field_error("to", _("Write to someone other than yourself."))
    if len(recipients) + 1 > MAX_CONVERSATION_MEMBERS:
        raise _field_error(
            "to",
            _("A conversation has at most %(count)d people, you included.")
            % {"count": MAX_CONVERSATION_MEMBERS},
        )
    candidates = common_municipalities(actor=actor, user_ids=[u.pk for u in recipients])
    if municipality is not None:
        if all(m.pk != municipality.pk for m in candidates):
            raise _field_error(
                "municipality",
                _("Everyone in the conversation must be a member of this municipality."),
            )
    elif len(candidates) == 1:
        municipality = candidates[0]
    elif not candidates:
        raise PermissionDenied(
            _("You can only write to people who are members of a municipality you share."),
            code="no_shared_municipality",
        )
    else:
        raise _field_error(
            "municipality", _("Choose the municipality this conversation belongs to.")
        )
    require(actor, "community.take_part", municipality)
    _require_no_block(actor, recipients)
    is_group = len(recipients) > 1
    pair_key = None
    if not is_group:
        low, high = sorted((actor.pk, recipients[0].pk))
        pair_key = f"{low}:{high}"
        existing = Conversation.objects.filter(pair_key=pair_key).first()
        if existing is not None:
            return Sent(
                existing, message_send(actor=actor, conversation=existing, body=body), False
            )
    require_can_speak(actor, municipality, action="conversation")
    require_can_speak(actor, municipality, action="message")
    now = timezone.now()
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                municipality=municipality,
                title=title if is_group else "",
                is_group=is_group,
                pair_key=pair_key,
                created_by=actor,
                created_at=now,
                last_message_at=now,
            )
    except IntegrityError:  # the same pair started at the same time: write in theirs
        existing = Conversation.objects.get(pair_key=pair_key)
        return Sent(existing, message_send(actor=actor, conversation=existing, body=body), False)
    ConversationMember.objects.bulk_create(
        [ConversationMember(conversation=conversation, user=actor, joined_at=now, last_read_at=now)]
        + [ConversationMember(conversation=conversation, user=u, joined_at=now) for u in recipients]
    )
    message = Message.objects.create(
        conversation=conversation, author=actor, body=body, created_at=now
    )
    selectors.inbox_changed([actor.pk, *(user.pk for user in recipients)])
    _notify_on_commit(conversation, message, actor, recipients)
    return Sent(conversation, message, True)


@transaction.atomic
def message_send(*, actor, conversation: Conversation, body: str) -> Message:
    """Write in a conversation I am in. Refused when one of the others blocked me or I blocked
    them, when I am suspended there or have not accepted its netiquette, and when everyone else
    has left."""
    require(actor, "community.view_conversation", conversation)
    body = _clean_body(body)
    members = list(
        ConversationMember.objects.filter(conversation=conversation, left_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    recipients = [m.user for m in members if m.user_id != actor.pk and m.user.is_active]
    if not recipients:
        raise ApplicationError(
            _("No one else is in this conversation any more."), code="conversation_empty"
        )
    _require_no_block(actor, recipients)
    require_can_speak(actor, conversation.municipality, action="message")
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author=actor, body=body, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    conversation.last_message_at = now
    ConversationMember.objects.filter(conversation=conversation, user=actor).update(
        last_read_at=now
    )
    selectors.inbox_changed(member.user_id for member in members)
    _notify_on_commit(conversation, message, actor, recipients)
    return message


def _notify_on_commit(conversation: Conversation, message: Message, author, recipients) -> None:
    ids = [user.pk for user in recipients]
    transaction.on_commit(lambda: _notify(conversation, message, author, ids))


def _notify(conversation: Conversation, message: Message, author, recipient_ids: list[int]) -> None:
    """Tell the others, unless they still have an unread notification of this conversation."""
    from milieu.accounts.models import User
    from milieu.notifications.models import Notification
    from milieu.notifications.services import notify

    prefix = NOTIFICATION_KEY.format(conversation=conversation.pk)
    waiting = set(
        Notification.objects.filter(
            user_id__in=recipient_ids, key__startswith=prefix, read_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    name = author.display_name or _("Someone")
    for user in User.objects.filter(pk__in=set(recipient_ids) - waiting, is_active=True):
        titles, urls = {}, {}
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                if conversation.is_group:
                    titles[code] = _("New message from %(name)s in “%(title)s”") % {
                        "name": name,
                        "title": conversation.title or _("a group conversation"),
                    }
                else:
                    titles[code] = _("New message from %(name)s") % {"name": name}
                urls[code] = reverse(
                    "messages:conversation", kwargs={"conversation_id": conversation.pk}
                )
        notify(
            user=user,
            topic="private_messages",
            key=f"{prefix}{message.pk}",
            title=titles,
            url=urls.get(user.preferred_language, urls["fr"]),
            municipality=conversation.municipality,
        )


@transaction.atomic
def conversation_mark_read(*, actor, conversation: Conversation) -> None:
    """I have read the conversation up to now: its unread count and its notifications go.
    Only a present member: the update finds their row, or the conversation is not found (the
    check and the write in one query, as every reading of a thread marks it read)."""
    marked = ConversationMember.objects.filter(
        conversation=conversation, user=actor, left_at__isnull=True
    ).update(last_read_at=timezone.now())
    if not marked:
        raise NotFound(_("Conversation not found."))
    selectors.inbox_changed([actor.pk])
    _read_notifications(actor, conversation)


def _read_notifications(actor, conversation: Conversation) -> None:
    from milieu.notifications.models import Notification
    from milieu.notifications.selectors import unread_forget

    changed = Notification.objects.filter(
        user=actor,
        key__startswith=NOTIFICATION_KEY.format(conversation=conversation.pk),
        read_at__isnull=True,
    ).update(read_at=timezone.now())
    if changed:
        unread_forget([actor.pk])


@transaction.atomic
def conversation_leave(*, actor, conversation: Conversation) -> None:
    """Leave a group conversation: I no longer read it nor receive its messages. (A one-to-one
    conversation is not left; block the person instead.)"""
    if not actor.has_perm("community.view_conversation", conversation):
        raise NotFound(_("Conversation not found."))
    if not conversation.is_group:
        raise ApplicationError(
            _("You can only leave a group conversation. To stop hearing from someone, block them."),
            code="not_a_group",
        )
    ConversationMember.objects.filter(
        conversation=conversation, user=actor, left_at__isnull=True
    ).update(left_at=timezone.now())
    selectors.inbox_changed(  # the others' inboxes name who is left
        ConversationMember.objects.filter(conversation=conversation).values_list(
            "user_id", flat=True
        )
    )
    _read_notifications(actor, conversation)
