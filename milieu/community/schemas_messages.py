"""Schemas of the private conversations' API."""

from datetime import datetime

from ninja import Field, Schema

from .models import MAX_CONVERSATION_MEMBERS, MAX_MESSAGE_CHARS
from .schemas_moderation import ParticipantOut


class ConversationIn(Schema):
    to: list[str] = Field(
        ...,
        min_length=1,
        max_length=MAX_CONVERSATION_MEMBERS - 1,
        description="The handles of the people I write to (one, or a group)",
    )
    body: str = Field(..., max_length=MAX_MESSAGE_CHARS)
    title: str = Field("", max_length=120, description="A group conversation's title")
    municipality: str | None = Field(
        None, description="The slug of the conversation's municipality (when we share several)"
    )


class ConversationOut(Schema):
    id: int
    title: str
    is_group: bool
    municipality: str
    members: list[ParticipantOut] = Field(..., description="The other present members")
    last_message_at: datetime
    last_message: str | None = Field(..., description="The newest visible message's text")
    unread: int


class ConversationPageOut(Schema):
    items: list[ConversationOut]
    count: int


class MessageIn(Schema):
    body: str = Field(..., max_length=MAX_MESSAGE_CHARS)


class MessageOut(Schema):
    id: int
    author: ParticipantOut | None
    body: str
    created_at: datetime
    hidden_reason: str | None = Field(..., description="Set on my own messages that were hidden")


class MessagePageOut(Schema):
    items: list[MessageOut] = Field(..., description="Oldest first")
    next_cursor: str | None = Field(..., description="`cursor` for the older messages")
    newest_cursor: str | None = Field(..., description="`after` for the messages that come next")
