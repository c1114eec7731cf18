"""Schemas of the social API (groups, posts, pictures, comments, reactions, feeds)."""

from datetime import datetime

from ninja import Field, Schema

from milieu.core.schemas import PictureOut


class AuthorOut(Schema):
    handle: str | None = Field(None, description="For mentions (`@handle`) and the profile.")
    display_name: str


class PlaceOut(Schema):
    id: int
    slug: str
    name: str


class PostOut(Schema):
    id: int
    municipality: str = Field(..., description="The municipality's slug.")
    district: PlaceOut | None
    group: PlaceOut | None
    author: AuthorOut | None = Field(..., description="None: a former member.")
    body: str
    language: str
    created_at: datetime
    edited_at: datetime | None
    comment_count: int
    reaction_count: int
    my_reaction: str | None
    may_interact: bool = Field(..., description="Whether I may comment and react.")
    is_mine: bool
    hidden: bool = Field(..., description="Hidden by the moderators (seen only by its author).")
    hidden_reason: str
    pictures: list[PictureOut]
    url: str = Field(..., description="The post's page.")


class FeedOut(Schema):
    items: list[PostOut]
    next_cursor: str | None = Field(
        ..., description="Pass it as `cursor` for the next (older) page; none at the end."
    )


class PostIn(Schema):
    body: str = Field(..., description="At most 5,000 characters.")
    language: str | None = Field(
        None, description="The language of the text (ISO 639 code); default: the request's."
    )


class PostPatch(Schema):
    body: str | None = None
    language: str | None = None
    alt_texts: dict[int, str] | None = Field(
        None, description="New descriptions of pictures, by picture id."
    )
    remove_pictures: list[int] = Field(default_factory=list, description="Picture ids.")


class CommentOut(Schema):
    id: int
    post_id: int
    author: AuthorOut | None
    body: str
    language: str
    created_at: datetime
    edited_at: datetime | None
    is_mine: bool
    hidden: bool
    hidden_reason: str


class CommentPageOut(Schema):
    items: list[CommentOut]
    count: int


class CommentIn(Schema):
    body: str = Field(..., description="At most 2,000 characters.")
    language: str | None = None


class CommentPatch(Schema):
    body: str
    language: str | None = None


class ReactionIn(Schema):
    kind: str = Field(..., description="like, thanks, support or celebrate.")


class ReactionOut(Schema):
    kind: str | None
    reaction_count: int


class GroupOut(Schema):
    id: int
    slug: str
    municipality: str
    name: str
    description: str
    interest: str
    visibility: str = Field(..., description="open or on_request.")
    official: bool
    language: str
    member_count: int
    post_count: int
    last_post_at: datetime | None
    created_at: datetime
    my_status: str | None = Field(..., description="active, pending, or none.")
    my_role: str | None = Field(..., description="admin, member, or none.")
    url: str


class GroupPageOut(Schema):
    items: list[GroupOut]
    count: int


class GroupIn(Schema):
    name: str
    description: str = ""
    interest: str = ""
    visibility: str = "open"
    official: bool = Field(False, description="Only the municipality's moderators.")
    language: str | None = None


class GroupPatch(Schema):
    name: str | None = None
    description: str | None = None
    interest: str | None = None
    visibility: str | None = None
    official: bool | None = None
    language: str | None = None


class MemberOut(Schema):
    user_id: int
    handle: str | None
    display_name: str
    role: str
    status: str
    requested_at: datetime
    joined_at: datetime | None


class MemberPageOut(Schema):
    items: list[MemberOut]
    count: int
