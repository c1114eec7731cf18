from datetime import datetime

from ninja import Field, Schema


class ProfileOut(Schema):
    handle: str
    display_name: str
    bio: str
    interests: list[str]
    languages: list[str]
    profile_visibility: str = Field(
        ...,
        description="Who sees the bio, interests and languages: `private` (only me), `members` "
        "(members of my municipalities) or `public` (everyone logged in). Changed on the "
        "account (`PATCH /me`), not here.",
    )


class ProfileIn(Schema):
    handle: str | None = Field(
        None, max_length=41, description="2 to 40 lowercase letters, digits and dashes."
    )
    bio: str | None = Field(None, max_length=500)
    interests: list[str] | None = Field(None, max_length=50)
    languages: list[str] | None = Field(None, max_length=50)


class PostSummaryOut(Schema):
    id: int
    municipality: str
    group: str | None
    district: str | None
    body: str
    language: str
    created_at: datetime


class RelationOut(Schema):
    is_me: bool
    following: bool = Field(..., description="I follow this person.")
    follows_me: bool
    blocked: bool = Field(..., description="I blocked this person.")
    blocks_me: bool = Field(..., description="This person blocked me.")
    can_follow: bool


class PersonOut(Schema):
    id: int
    handle: str
    display_name: str
    details_visible: bool = Field(
        ..., description="Whether the person's profile visibility lets me see their details."
    )
    bio: str | None
    interests: list[str] | None
    languages: list[str] | None
    relation: RelationOut
    posts: list[PostSummaryOut] = Field(
        ..., description="Their recent posts that I may read, newest first."
    )


class PersonSummaryOut(Schema):
    id: int
    handle: str
    display_name: str
    since: datetime


class PersonPageOut(Schema):
    items: list[PersonSummaryOut]
    count: int


class FollowOut(Schema):
    handle: str
    following: bool


class BlockOut(Schema):
    handle: str
    blocked: bool


class SearchItemOut(Schema):
    kind: str = Field(..., description="`post`, `group` or `person`.")
    id: int
    title: str = Field(..., description="A post's author, a group's name, a person's display name.")
    text: str = Field(..., description="A post's text, a group's description, a person's handle.")
    language: str | None
    municipality: str | None = Field(None, description="The municipality's slug (not for people).")
    handle: str | None = Field(None, description="The person, or the post's author.")
    url: str = Field(..., description="Its page on the site (empty if it has none yet).")
    created_at: datetime


class SearchPageOut(Schema):
    items: list[SearchItemOut]
    count: int = Field(
        ..., description="The number of results, counted up to 100 past this page at most."
    )
    count_is_lower_bound: bool = Field(
        ..., description="True when there are more results than `count` says."
    )
    next_offset: int | None


class TranslationOut(Schema):
    target: str
    source: str = Field(..., description="The language it was written in.")
    language: str = Field(..., description="The language of `text`.")
    text: str
    machine_translated: bool = True
