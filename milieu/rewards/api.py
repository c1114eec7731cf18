"""The rewards API: my wallet and its history, the till, earning rules and merchants."""

from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core import caching
from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory.selectors import municipality_get

from . import selectors, services
from .models import EarningRule
from .schemas import (
    AwardOut,
    EntryPageOut,
    MerchantIn,
    MerchantOut,
    PurchaseIn,
    RuleIn,
    RuleOut,
    WalletOut,
)

router = Router(tags=["rewards"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _award_out(award: services.Award) -> dict:
    return {"posting_id": award.posting.pk, "points": award.points, "requested": award.requested}


@router.get("/rewards/wallets", response={200: list[WalletOut], 401: ErrorOut})
def list_wallets(request: AuthenticatedRequest):
    """My wallets (one per program) and their balances (from the cache until a posting on one
    of them)."""
    user = request.user
    version = selectors.wallets_version(user=user)
    return caching.json_response(
        f"rewards:wallets-api:v1:{user.pk}:{version}",
        lambda: selectors.my_wallets(user=user),
        selectors.WALLETS_CACHE_SECONDS,
    )


@router.get("/rewards/history", response={200: EntryPageOut, 401: ErrorOut})
def list_history(
    request: AuthenticatedRequest,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """Every movement of points on my wallets, newest first (paginated: `limit`, `offset`;
    from the cache until a posting on one of them)."""
    user = request.user
    version = selectors.wallets_version(user=user)
    return caching.json_response(
        f"rewards:history-api:v1:{user.pk}:{version}:{limit}:{offset}",
        lambda: selectors.my_history(user=user, limit=limit, offset=offset),
        selectors.WALLETS_CACHE_SECONDS,
    )


@router.post("/rewards/till/purchase", response={200: AwardOut, **ERRORS})
def till_purchase(request: AuthenticatedRequest, payload: PurchaseIn):
    """A verified merchant awards points for a purchase paid by the holder of a citizen card.
    `key` is the till's idempotency key for this sale: a retry returns the first award."""
    merchant = selectors.merchant_owned_get(
        visible_to=request.user, merchant_id=payload.merchant_id
    )
    award = services.purchase_award(
        actor=request.user,
        merchant=merchant,
        card_token=payload.card_token,
        amount_dollars=payload.amount,
        key=payload.key,
    )
    return _award_out(award)


def _staff_program(request: AuthenticatedRequest, slug: str):
    municipality = municipality_get(slug=slug)
    require(request.user, "rewards.manage_program", municipality)
    return municipality, services.program_for(municipality)


@router.get("/municipalities/{slug}/rewards/rules", response={200: list[RuleOut], **ERRORS})
def list_rules(request: AuthenticatedRequest, slug: str):
    """The earning rules of the municipality's program (staff)."""
    _municipality, program = _staff_program(request, slug)
    return selectors.earning_rule_list(program=program)


@router.put("/municipalities/{slug}/rewards/rules/{action}", response={200: RuleOut, **ERRORS})
def set_rule(request: AuthenticatedRequest, slug: str, action: EarningRule.Action, payload: RuleIn):
    """Set the points and caps of one action (staff)."""
    _municipality, program = _staff_program(request, slug)
    return services.earning_rule_set(
        actor=request.user, program=program, action=action, **payload.dict()
    )


@router.get("/municipalities/{slug}/rewards/merchants", response={200: list[MerchantOut], **ERRORS})
def list_merchants(request: AuthenticatedRequest, slug: str):
    """The merchants of the municipality, verified or not (staff)."""
    municipality, _program = _staff_program(request, slug)
    return list(selectors.merchant_list(municipality=municipality))


@router.post("/municipalities/{slug}/rewards/merchants", response={201: MerchantOut, **ERRORS})
def register_merchant(request: AuthenticatedRequest, slug: str, payload: MerchantIn):
    """Register my business (merchant role in the municipality); the city verifies it."""
    municipality = municipality_get(slug=slug)
    merchant = services.merchant_register(
        actor=request.user, municipality=municipality, **payload.dict()
    )
    return Status(201, merchant)


@router.post(
    "/municipalities/{slug}/rewards/merchants/{merchant_id}/verify",
    response={200: MerchantOut, **ERRORS},
)
def verify_merchant(request: AuthenticatedRequest, slug: str, merchant_id: int):
    """Verify a merchant and open its ledger account (staff)."""
    municipality, _program = _staff_program(request, slug)
    merchant = selectors.merchant_get(municipality=municipality, merchant_id=merchant_id)
    return services.merchant_verify(actor=request.user, merchant=merchant)
