from datetime import datetime

from ninja import Field, Schema


class MembershipOut(Schema):
    municipality: str
    municipality_name: str
    district_id: int | None
    district_name: str | None
    is_home: bool

    @staticmethod
    def resolve_municipality(obj) -> str:
        return obj.municipality.slug

    @staticmethod
    def resolve_municipality_name(obj) -> str:
        return obj.municipality.name

    @staticmethod
    def resolve_district_name(obj) -> str | None:
        return obj.district.name if obj.district else None


class MyRoleOut(Schema):
    role: str
    municipality: str | None
    region: str | None

    @staticmethod
    def resolve_municipality(obj) -> str | None:
        return obj.municipality.slug if obj.municipality else None

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.slug if obj.region else None


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str
    profile_visibility: str
    mfa_enabled: bool
    memberships: list[MembershipOut]
    roles: list[MyRoleOut]


class MePatch(Schema):
    display_name: str | None = Field(None, max_length=80)
    preferred_language: str | None = None
    profile_visibility: str | None = None
    home_municipality: str | None = Field(None, description="Slug of the new home municipality")
    home_district: int | None = Field(None, description="District id in the home municipality")


class RoleOut(Schema):
    id: int
    role: str
    user_email: str
    user_display_name: str
    granted_at: datetime

    @staticmethod
    def resolve_user_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_user_display_name(obj) -> str:
        return obj.user.display_name


class RoleIn(Schema):
    email: str = Field(..., max_length=254)
    role: str
