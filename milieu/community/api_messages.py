"""The private conversations' API: my conversations, starting one, its messages (cursor
pages), writing, marking read, leaving a group. The same services and rules as the pages."""

from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut
from milieu.territory.selectors import municipality_get

from .api_moderation import person_out
from .models import Conversation, Message
from .schemas_messages import (
    ConversationIn,
    ConversationOut,
    ConversationPageOut,
    MessageIn,
    MessageOut,
    MessagePageOut,
)
from .selectors import conversations as selectors
from .services import conversations as services

router = Router(tags=["community"], auth=django_auth)
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def conversation_out(
    conversation: Conversation, user, unread: int, last_message: str | None = None
) -> dict:
    return {
        "id": conversation.pk,
        "title": conversation.title,
        "is_group": conversation.is_group,
        "municipality": conversation.municipality.slug,
        "members": [person_out(other) for other in selectors.others(conversation, user)],
        "last_message_at": conversation.last_message_at,
        "last_message": last_message,
        "unread": unread,
    }


def message_out(message: Message) -> dict:
    return {
        "id": message.pk,
        "author": person_out(message.author),
        "body": message.body,
        "created_at": message.created_at,
        "hidden_reason": message.hidden_reason if message.hidden_at else None,
    }


def _unread(conversation: Conversation, user) -> int:
    me = conversation.me  # type: ignore[attr-defined]
    qs = Message.objects.filter(conversation=conversation, hidden_at__isnull=True).exclude(
        author=user
    )
    if me.last_read_at is not None:
        qs = qs.filter(created_at__gt=me.last_read_at)
    return qs.count()


def _last(conversation: Conversation) -> str | None:
    return (
        Message.objects.filter(conversation=conversation, hidden_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list("body", flat=True)
        .first()
    )


def _get(request: AuthenticatedRequest, conversation_id: int) -> Conversation:
    return selectors.conversation_get(visible_to=request.user, conversation_id=conversation_id)


@router.get("/community/conversations", response={200: ConversationPageOut, 401: ErrorOut})
def list_conversations(
    request: AuthenticatedRequest,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """My conversations, newest activity first, with the number of messages I have not read."""
    page = selectors.conversation_list(visible_to=request.user, limit=limit, offset=offset)
    items = []
    for member in page.items:
        unread, last = member.unread, member.last_body  # type: ignore[attr-defined]
        items.append(conversation_out(member.conversation, request.user, unread, last))
    return {"items": items, "count": page.count}


@router.post(
    "/community/conversations", response={200: ConversationOut, 201: ConversationOut, **ERRORS}
)
def start_conversation(request: AuthenticatedRequest, payload: ConversationIn):
    """Write to one person or to a group (up to eight people in all). 201 with a new
    conversation; 200 when I already had a one-to-one conversation with that person (the message
    is added to it)."""
    municipality = municipality_get(slug=payload.municipality) if payload.municipality else None
    sent = services.conversation_start(
        actor=request.user,
        handles=payload.to,
        body=payload.body,
        title=payload.title,
        municipality=municipality,
    )
    conversation = _get(request, sent.conversation.pk)
    return Status(
        201 if sent.created else 200,
        conversation_out(conversation, request.user, 0, sent.message.body),
    )


@router.get("/community/conversations/{conversation_id}", response={200: ConversationOut, **ERRORS})
def get_conversation(request: AuthenticatedRequest, conversation_id: int):
    """One of my conversations (not found once I left it)."""
    conversation = _get(request, conversation_id)
    unread = _unread(conversation, request.user)
    return conversation_out(conversation, request.user, unread, _last(conversation))


@router.get(
    "/community/conversations/{conversation_id}/messages",
    response={200: MessagePageOut, **ERRORS},
)
def list_messages(
    request: AuthenticatedRequest,
    conversation_id: int,
    cursor: str | None = None,
    after: str | None = None,
    limit: int = Query(30, ge=1, le=100),
):
    """The newest messages, oldest first; `cursor` (a `next_cursor`) for older ones, `after`
    (a `newest_cursor`) for those that came since. Reading does not mark read (`/read` does)."""
    conversation = _get(request, conversation_id)
    page = selectors.message_page(
        visible_to=request.user, conversation=conversation, before=cursor, after=after, limit=limit
    )
    return {
        "items": [message_out(m) for m in page.messages],
        "next_cursor": page.older_cursor,
        "newest_cursor": page.newest_cursor,
    }


@router.post(
    "/community/conversations/{conversation_id}/messages", response={201: MessageOut, **ERRORS}
)
def send_message(request: AuthenticatedRequest, conversation_id: int, payload: MessageIn):
    """Write in one of my conversations."""
    conversation = _get(request, conversation_id)
    message = services.message_send(
        actor=request.user, conversation=conversation, body=payload.body
    )
    message.author = request.user
    return Status(201, message_out(message))


@router.post("/community/conversations/{conversation_id}/read", response={204: None, **ERRORS})
def mark_read(request: AuthenticatedRequest, conversation_id: int):
    """I have read the conversation up to now."""
    services.conversation_mark_read(actor=request.user, conversation=_get(request, conversation_id))
    return Status(204, None)


@router.post("/community/conversations/{conversation_id}/leave", response={204: None, **ERRORS})
def leave(request: AuthenticatedRequest, conversation_id: int):
    """Leave a group conversation: I no longer read it nor receive its messages."""
    services.conversation_leave(actor=request.user, conversation=_get(request, conversation_id))
    return Status(204, None)
