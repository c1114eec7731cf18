"""API of the citizen card: my card, and the server-side verification of any card.

The keys are published at /.well-known/citizen-card/jwks.json and the revoked cards at
/.well-known/citizen-card/revocations.json (see `views.card`).
"""

from ninja import Router
from ninja.security import django_auth

from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut

from . import card, selectors, services
from .schemas_card import CardOut, CardVerifyIn, CardVerifyOut

router = Router(tags=["identity"])


@router.get(
    "/card",
    response={200: CardOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def get_my_card(request: AuthenticatedRequest):
    """My citizen card: the one signed for me in the last hours, unless my citizen id, name or
    the card keys changed since (then a new one). 404 `no_citizen_id` without a valid citizen id;
    400 `name_required` when my profile has no display name."""
    issued = services.citizen_card_current(actor=request.user)
    citizen_id = issued.citizen_id
    return {
        "token": issued.token,
        "kid": issued.kid,
        "name": issued.claims["name"],
        "municipality": citizen_id.municipality.slug,
        "municipality_name": citizen_id.municipality.name,
        "citizen_id": citizen_id.number,
        "expires_at": citizen_id.expires_at,
        "claims": issued.claims,
    }


@router.post("/cards/verify", response={200: CardVerifyOut, 422: ErrorOut})
def verify_card(request: MilieuRequest, payload: CardVerifyIn):
    """Verify a card on the server: signature with a published key, dates and revocation.
    Public, for merchants and partners; the verifier page does the same in the browser."""
    try:
        verified = selectors.card_verify(token=payload.token)
    except card.CardError as error:
        detail = {"code": error.code, "message": str(error.message), "fields": {}}
        return {"valid": False, "error": detail}
    return {
        "valid": True,
        "claims": verified.claims,
        "municipality_name": verified.municipality.name,
    }
