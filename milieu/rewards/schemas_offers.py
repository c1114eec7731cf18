from datetime import date, datetime

from ninja import Field, Schema


class OfferOut(Schema):
    id: int
    program_id: int
    merchant_id: int | None
    merchant_name: str | None = Field(None, alias="merchant.name")
    kind: str
    title: str
    description: str
    points_price: int
    quantity: int
    per_person_limit: int
    valid_from: datetime
    valid_until: datetime
    active: bool


class OfferPageOut(Schema):
    items: list[OfferOut]
    count: int


class ManagedOfferOut(OfferOut):
    issued: int = 0
    validated: int = 0


class OfferIn(Schema):
    kind: str = Field(
        "discount", description="Ignored for municipal offers (always municipal_service)."
    )
    title: str = Field(..., max_length=140)
    description: str = Field("", max_length=2000)
    points_price: int
    quantity: int
    per_person_limit: int = 1
    valid_from: datetime | None = None
    valid_until: datetime
    active: bool = True


class OfferPatch(Schema):
    kind: str | None = None
    title: str | None = Field(None, max_length=140)
    description: str | None = Field(None, max_length=2000)
    points_price: int | None = None
    quantity: int | None = None
    per_person_limit: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    active: bool | None = None


class RedeemIn(Schema):
    key: str | None = Field(
        None, max_length=150, description="The idempotency key, unless sent as `Idempotency-Key`."
    )


class VoucherOut(Schema):
    id: int
    code: str
    token: str
    offer: OfferOut
    issued_at: datetime
    expires_at: datetime
    validated_at: datetime | None


class ValidateIn(Schema):
    token: str = Field(..., max_length=500)


class ValidatedOut(Schema):
    id: int
    offer_id: int
    offer_title: str
    validated_at: datetime


class SettlementRowOut(Schema):
    month: date
    points: int
    redemptions: int


class SettlementOut(Schema):
    merchant_id: int
    start: date
    end: date
    total: int
    rows: list[SettlementRowOut]
