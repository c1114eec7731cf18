"""Schemas of the residency-verification API (`api_identity`)."""

from datetime import datetime

from ninja import Field, Schema

from .services.verification import is_placeholder_email


class MethodOut(Schema):
    key: str
    name: str
    description: str
    citizen_starts: bool


class VerificationOut(Schema):
    """A citizen's own view of one of their verifications."""

    id: int
    method: str
    status: str
    created_at: datetime
    letter_printed_at: datetime | None = Field(
        None, description="When the letter was printed and mailed (registry_letter only)"
    )
    decided_at: datetime | None
    note: str = Field(..., description="The reason of a refusal or revocation")


class StaffVerificationOut(VerificationOut):
    """A verification as staff see it in the queues and the decisions log."""

    user_id: int
    user_display_name: str
    user_email: str | None = Field(None, description="None for an assisted account without email")
    failed_attempts: int
    consent_recorded_at: datetime | None
    decided_by: str | None = Field(None, description="Email of the staff member who decided")
    revoked_at: datetime | None
    revoked_by: str | None = None

    @staticmethod
    def resolve_user_display_name(obj) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_user_email(obj) -> str | None:
        return None if is_placeholder_email(obj.user.email) else obj.user.email

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.email if obj.decided_by else None

    @staticmethod
    def resolve_revoked_by(obj) -> str | None:
        return obj.revoked_by.email if obj.revoked_by else None


class AddressClaimIn(Schema):
    civic_number: str = Field(..., max_length=16, examples=["1234"])
    street: str = Field(..., max_length=200, examples=["boul. Saint-Laurent"])
    postal_code: str = Field(..., max_length=10, examples=["H2X 2T3"])


class LetterCodeIn(Schema):
    code: str = Field(..., max_length=20, examples=["ABCD-EFGH"])


class RowErrorOut(Schema):
    line: int
    messages: list[str]


class RegistryImportOut(Schema):
    dry_run: bool
    imported: bool = Field(..., description="False for a dry run or a file with errors")
    rows: int
    created: int
    updated: int
    errors: list[RowErrorOut]


class DecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=500, description="Required to refuse")


class RevokeIn(Schema):
    reason: str = Field(..., max_length=500)


class CounterIn(Schema):
    email: str = Field(..., max_length=254, description="Email of the resident's account")
    note: str = Field("", max_length=500)


class AssistedAccountIn(Schema):
    display_name: str = Field(..., max_length=80)
    consent: bool = Field(..., description="The resident agreed to the account being created")
    email: str = Field("", max_length=254, description="Optional: without it, no login")
    preferred_language: str = Field("", max_length=8)
    note: str = Field("", max_length=500)


class AssistedAccountPatch(Schema):
    display_name: str | None = Field(None, max_length=80)
    email: str | None = Field(None, max_length=254, description='"" removes the address')


class AssistedAccountOut(Schema):
    id: int
    display_name: str
    email: str | None = Field(None, description="None while the account has no email")
    preferred_language: str

    @staticmethod
    def resolve_email(obj) -> str | None:
        return None if is_placeholder_email(obj.email) else obj.email
