from datetime import datetime

from ninja import Field, Schema


class AlertOut(Schema):
    id: int
    topic: str
    urgent: bool
    title_fr: str
    title_en: str
    title_es: str
    body_fr: str
    body_en: str
    body_es: str
    districts: list[int] = Field(..., description="District ids; empty: the whole municipality.")
    status: str = Field(..., description="draft, scheduled, sending, sent or cancelled.")
    scheduled_for: datetime | None
    sent_at: datetime | None
    audience_size: int | None = Field(..., description="People reached, once sent.")
    created_at: datetime

    @staticmethod
    def resolve_districts(obj) -> list[int]:
        return sorted(district.pk for district in obj.districts.all())


class AlertIn(Schema):
    topic: str = Field(..., description="A topic of municipal alerts, e.g. snow_removal.")
    urgent: bool = False
    title_fr: str = Field(..., max_length=140)
    body_fr: str = Field(..., max_length=2000)
    title_en: str = Field("", max_length=140, description="Empty: the French title is used.")
    body_en: str = Field("", max_length=2000)
    title_es: str = Field("", max_length=140, description="Empty: the French title is used.")
    body_es: str = Field("", max_length=2000)
    districts: list[int] = Field(
        default_factory=list, description="Only for geotargeted topics; empty: everyone."
    )


class AlertPatch(Schema):
    topic: str | None = None
    urgent: bool | None = None
    title_fr: str | None = Field(None, max_length=140)
    body_fr: str | None = Field(None, max_length=2000)
    title_en: str | None = Field(None, max_length=140)
    body_en: str | None = Field(None, max_length=2000)
    title_es: str | None = Field(None, max_length=140)
    body_es: str | None = Field(None, max_length=2000)
    districts: list[int] | None = None


class AlertScheduleIn(Schema):
    scheduled_for: datetime = Field(
        ..., description="In the future; without an offset, in the platform's time zone."
    )


class AudienceOut(Schema):
    audience: int = Field(..., description="People the alert would reach if sent now.")


class DeliveryCountsOut(Schema):
    channels: dict[str, dict[str, int]] = Field(
        ..., description='Deliveries by channel and status, e.g. {"email": {"sent": 12}}.'
    )
