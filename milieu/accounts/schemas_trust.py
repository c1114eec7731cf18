from datetime import date, datetime

from ninja import Field, Schema


class CitizenIdOut(Schema):
    id: int
    number: str
    municipality: str
    issued_at: datetime
    expires_at: datetime
    valid: bool

    @staticmethod
    def resolve_municipality(obj) -> str:
        return obj.municipality.slug

    @staticmethod
    def resolve_valid(obj) -> bool:
        from django.utils import timezone

        return obj.revoked_at is None and obj.expires_at > timezone.now()


class TrustOut(Schema):
    municipality: str
    is_home: bool
    trust_level: str
    residency_shared: bool


class IdentityOut(Schema):
    citizen_ids: list[CitizenIdOut]
    trust: list[TrustOut]


class AuthorizationOut(Schema):
    application_id: int
    name: str
    scopes: list[str]
    descriptions: list[str]
    granted_at: datetime


class BackgroundCheckIn(Schema):
    email: str = Field(..., max_length=254)
    kind: str = Field(..., min_length=1, max_length=100)
    checked_on: date
    expires_on: date


class BackgroundCheckOut(Schema):
    id: int
    user_email: str
    kind: str
    checked_on: date
    expires_on: date
    revoked: bool

    @staticmethod
    def resolve_user_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_revoked(obj) -> bool:
        return obj.revoked_at is not None
