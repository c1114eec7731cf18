from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class WalletOut(Schema):
    id: int
    program: str = Field(..., alias="program.name")
    balance: int


class EntryOut(Schema):
    id: int
    amount: int
    kind: str = Field(..., alias="posting.kind")
    program: str = Field(..., alias="account.program.name")
    created_at: datetime = Field(..., alias="posting.created_at")


class EntryPageOut(Schema):
    items: list[EntryOut]
    count: int


class PurchaseIn(Schema):
    merchant_id: int
    card_token: str = Field(..., max_length=4096)
    amount: Decimal = Field(..., gt=0, max_digits=9, decimal_places=2)
    key: str = Field(..., min_length=1, max_length=150)


class AwardOut(Schema):
    posting_id: int
    points: int
    requested: int


class RuleOut(Schema):
    action: str
    points: int
    daily_cap: int | None
    monthly_cap: int | None
    active: bool


class RuleIn(Schema):
    points: int = Field(..., ge=0, le=1_000_000)
    daily_cap: int | None = Field(None, ge=0, le=1_000_000)
    monthly_cap: int | None = Field(None, ge=0, le=1_000_000)
    active: bool = True


class MerchantIn(Schema):
    name: str = Field(..., max_length=120)
    category: str = Field(..., max_length=60)
    address: str = Field(..., max_length=200)
    hours: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)


class MerchantOut(Schema):
    id: int
    name: str
    category: str
    address: str
    hours: str
    description: str
    verified_at: datetime | None
