"""Schemas of the moderation API: the netiquette, reports, the moderators' queue, decisions,
log and suspensions."""

from datetime import datetime

from ninja import Field, Schema
from pydantic.json_schema import JsonDict

from .models import ModerationAction, Report


def one_of(choices) -> str:
    """A pattern for a string among `choices` (a model's TextChoices): inline in the OpenAPI
    document, where named enums would collide with other apps' enums of the same name."""
    return "^(" + "|".join(choices.values) + ")$"


REASONS: JsonDict = {"enum": list(Report.Reason.values)}
ACTIONS: JsonDict = {"enum": list(ModerationAction.Action.values)}


class ParticipantOut(Schema):
    id: int
    name: str
    handle: str | None


class NetiquetteOut(Schema):
    version: int = Field(..., description="0 for the platform's default netiquette")
    language: str = Field(..., description="The language of `text` (French when missing)")
    text: str = Field(..., description="The rules as text (the default's as a bulleted list)")
    rules: list[str] = Field(..., description="The default netiquette's rules one by one")
    accepted: bool | None = Field(
        ..., description="Whether I accepted this version (null: anonymous)"
    )


class AcceptanceOut(Schema):
    version: int
    accepted_at: datetime


class NetiquetteIn(Schema):
    text_fr: str = Field(..., max_length=10000)
    text_en: str = Field("", max_length=10000)
    text_es: str = Field("", max_length=10000)


class NetiquettePublishedOut(Schema):
    version: int
    published_at: datetime


class ReportIn(Schema):
    target: str = Field(
        ..., max_length=40, description='"post:12", "comment:3", "message:40" or "person:7"'
    )
    reason: str = Field(..., pattern=one_of(Report.Reason), json_schema_extra=REASONS)
    details: str = Field("", max_length=1000)


class ReportCreatedOut(Schema):
    id: int
    target: str
    reason: str
    status: str
    municipality: str
    created_at: datetime


class ReportOut(Schema):
    id: int
    target: str
    reason: str
    details: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    reporter: ParticipantOut | None
    subject: ParticipantOut | None
    snapshot: str | None = Field(
        ..., description="What was reported; null in lists for private messages (see the report)"
    )


class ReportPageOut(Schema):
    items: list[ReportOut]
    count: int


class ActionOut(Schema):
    id: int
    action: str
    target: str
    reason: str
    created_at: datetime
    moderator: ParticipantOut | None
    subject: ParticipantOut | None
    report_id: int | None


class ActionPageOut(Schema):
    items: list[ActionOut]
    count: int


class LiveOut(Schema):
    kind: str
    text: str
    hidden: bool
    hidden_reason: str


class SuspensionOut(Schema):
    id: int
    person: ParticipantOut
    reason: str
    starts_at: datetime
    ends_at: datetime | None
    lifted_at: datetime | None


class SuspensionPageOut(Schema):
    items: list[SuspensionOut]
    count: int


class ReportDetailOut(ReportOut):
    live: LiveOut | None = Field(
        ..., description="The reported thing as it is now (null once gone)"
    )
    history: list[ActionOut] = Field(..., description="Earlier decisions about the person here")
    other_open_reports: list[ReportOut]
    suspension: SuspensionOut | None


class ActionIn(Schema):
    action: str = Field(..., pattern=one_of(ModerationAction.Action), json_schema_extra=ACTIONS)
    target: str = Field("", max_length=40, description="Left out: the target of `report_id`")
    reason: str = Field(..., max_length=1000, description="Shown to the person concerned")
    report_id: int | None = None
    until: datetime | None = Field(None, description="End of a suspension (none: no end)")
