from datetime import datetime, time
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator, model_validator

from .forms import normalise_phone


class NotificationOut(Schema):
    id: int
    topic: str
    title: str
    body: str
    url: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj) -> bool:
        return obj.read_at is None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None = Field(
        description="Pass it as `cursor` for the next (older) page; null on the last page."
    )


class UnreadCountOut(Schema):
    unread: int


class MarkReadIn(Schema):
    """Either `ids` (some of my notifications) or `all: true`."""

    ids: list[int] | None = Field(None, max_length=500)
    all: bool = False

    @model_validator(mode="after")
    def ids_or_all(self):
        if self.all == (self.ids is not None):
            raise ValueError("give either ids or all: true")
        return self


class MarkReadOut(Schema):
    marked: int
    unread: int


class ChannelOut(Schema):
    key: str
    name: str
    available: bool = Field(description="Whether messages on this channel can reach me now.")
    editable: bool = Field(description="Whether I may choose topics for it now.")
    reason: str = Field(description="Why it is unavailable, in my language.")


class TopicOut(Schema):
    key: str
    name: str
    description: str
    geotargeted: bool
    urgent: bool
    channels: dict[str, bool] = Field(description="My choice for each channel offered.")


class DeliverySettingsOut(Schema):
    quiet_start: time | None
    quiet_end: time | None
    digest: Literal["none", "daily", "weekly"]
    sms_number: str


class DeliverySettingsIn(Schema):
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest: Literal["none", "daily", "weekly"] = "none"
    sms_number: str = Field("", max_length=30, description="E.164, e.g. +15145551234.")

    @field_validator("sms_number")
    @classmethod
    def normalise(cls, value: str) -> str:
        return normalise_phone(value)


class DistrictRef(Schema):
    id: int
    name: str
    municipality: str
    municipality_name: str

    @staticmethod
    def resolve_municipality(obj) -> str:
        return obj.municipality.slug

    @staticmethod
    def resolve_municipality_name(obj) -> str:
        return obj.municipality.name


class PreferencesOut(Schema):
    channels: list[ChannelOut]
    topics: list[TopicOut]
    settings: DeliverySettingsOut
    home_district: DistrictRef | None = Field(
        description="Always followed (set it on the profile)."
    )
    followed_districts: list[int]
    followable_districts: list[DistrictRef]


class PreferencesIn(Schema):
    """Each part is optional: a part left out stays as it is; a part given replaces it."""

    topics: dict[str, dict[str, bool]] | None = Field(
        None, description='{"snow_removal": {"email": true, "sms": false}, …}'
    )
    settings: DeliverySettingsIn | None = None
    followed_districts: list[int] | None = Field(None, max_length=200)


class BounceIn(Schema):
    """A bounce or failure reported by the SMTP relay (JSON)."""

    provider_id: str = Field(
        ..., min_length=1, max_length=100, description="The Message-ID of the email."
    )
    reason: str = Field("", max_length=500)


class BounceOut(Schema):
    recorded: int = Field(description="How many deliveries were marked bounced.")
