from datetime import datetime

from ninja import Field, Schema

from milieu.core.schemas import ErrorDetail


class CardClaimsOut(Schema):
    """The whole payload of a card: nothing else is signed (no address, no email)."""

    iss: str = Field(..., description="Slug of the issuing municipality")
    sub: str = Field(..., description="Citizen id number, e.g. BRO-2026-004217-7")
    name: str = Field(..., description="Display name of the citizen")
    exp: int = Field(..., description="Expiry (Unix time): the citizen id's expiry")
    iat: int = Field(..., description="Signing time (Unix time)")
    nbf: int = Field(..., description="Not valid before (Unix time)")
    jti: str = Field(..., description="Unique id of this card")


class CardOut(Schema):
    token: str = Field(..., description="The card: a compact JWS (EdDSA, typ citizen-card+jws)")
    kid: str = Field(..., description="Id of the signing key in the JWKS")
    name: str
    municipality: str = Field(..., description="Slug of the issuing municipality")
    municipality_name: str
    citizen_id: str
    expires_at: datetime
    claims: CardClaimsOut


class CardVerifyIn(Schema):
    token: str = Field(..., max_length=8192, description="A card token, as scanned or pasted")


class CardVerifyOut(Schema):
    """The verdict on a card. An invalid card is an answer, not a failed request: `valid` is
    false and `error.code` says why (malformed, unknown_key, bad_signature, expired,
    not_yet_valid or revoked)."""

    valid: bool
    claims: CardClaimsOut | None = None
    municipality_name: str | None = None
    error: ErrorDetail | None = None
