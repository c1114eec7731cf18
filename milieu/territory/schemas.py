from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator


class RegionOut(Schema):
    slug: str
    name: str
    kind: str


class ModuleOut(Schema):
    key: str
    name: str


class MunicipalityOut(Schema):
    slug: str
    name: str
    kind: str
    indigenous: bool
    population: int
    latitude: float
    longitude: float
    region: RegionOut
    languages: list[str]
    enabled_modules: list[str]
    brand_colour: str
    logo_url: str | None
    privacy_officer_name: str
    privacy_officer_email: str

    @staticmethod
    def resolve_logo_url(obj) -> str | None:
        return obj.logo.url if obj.logo else None


class MunicipalityPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    brand_colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    privacy_officer_name: str | None = Field(None, max_length=200)
    privacy_officer_email: str | None = Field(None, max_length=254)
    languages: list[str] | None = None


class ModulesIn(Schema):
    enabled: list[str]


class DistrictOut(Schema):
    id: int
    slug: str
    name: str
    latitude: float | None
    longitude: float | None
    area_km2: Decimal | None


class DistrictIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    area_km2: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)

    @field_validator("name")
    @classmethod
    def strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class DistrictPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    area_km2: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
