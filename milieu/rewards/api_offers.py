"""Offers, redemption, vouchers and settlement over the API: the same services as the pages."""

from datetime import date, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.security import django_auth

from milieu.accounts.access import access_facts
from milieu.core import caching
from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut

from . import services_offers as offers
from .models import Voucher
from .schemas_offers import (
    ManagedOfferOut,
    OfferIn,
    OfferOut,
    OfferPageOut,
    OfferPatch,
    RedeemIn,
    SettlementOut,
    ValidatedOut,
    ValidateIn,
    VoucherOut,
)

router = Router(tags=["rewards offers"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _voucher_out(voucher: Voucher) -> dict:
    return {
        "id": voucher.pk,
        "code": voucher.code,
        "token": offers.voucher_token(voucher),
        "offer": voucher.offer,
        "issued_at": voucher.issued_at,
        "expires_at": voucher.expires_at,
        "validated_at": voucher.validated_at,
    }


OFFERS_CACHE_SECONDS = 60


@router.get("/rewards/offers", response={200: OfferPageOut, 401: ErrorOut})
def offers_list(
    request: AuthenticatedRequest,
    merchant: int | None = None,
    kind: str | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The offers I may redeem now, in the programs of my municipalities, soonest to end first
    (paginated: `limit`, `offset`).

    Everyone with the same municipalities sees the same list: one copy per municipalities,
    filters and page is kept for a minute at most, and forgotten when an offer, a merchant or a
    program changes (`offers_changed`)."""
    key = ":".join(
        [
            "rewards:offers-api:v1",
            str(offers.offers_version()),
            ",".join(map(str, sorted(access_facts(request.user).memberships))),
            str(merchant or ""),
            kind or "",
            str(limit),
            str(offset),
            timezone.now().strftime("%Y%m%d%H%M"),  # validity is checked to the minute here
        ]
    )

    def page() -> dict:
        found = offers.offer_list(visible_to=request.user, merchant_id=merchant, kind=kind)
        items = list(found[offset : offset + limit])
        return OfferPageOut.model_validate({"items": items, "count": found.count()}).model_dump()

    return caching.json_response(key, page, OFFERS_CACHE_SECONDS)


@router.get("/rewards/offers/{offer_id}", response={200: OfferOut, **ERRORS})
def offers_get(request: AuthenticatedRequest, offer_id: int):
    return offers.offer_get(visible_to=request.user, offer_id=offer_id)


@router.post("/rewards/offers/{offer_id}/redeem", response={201: VoucherOut, **ERRORS})
def offers_redeem(
    request: AuthenticatedRequest,
    offer_id: int,
    payload: RedeemIn | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Spend points on an offer and get a voucher. An idempotency key is required (header
    `Idempotency-Key` or body `key`): a retry returns the same voucher. 409 `insufficient_points`,
    `sold_out`, `limit_reached`, `offer_inactive`, `offer_not_valid`, `idempotency_conflict`."""
    key = idempotency_key or (payload.key if payload else None) or ""
    offer = offers.offer_get(visible_to=request.user, offer_id=offer_id)
    voucher = offers.offer_redeem(actor=request.user, offer=offer, key=key)
    return Status(201, _voucher_out(voucher))


@router.get("/rewards/vouchers", response={200: list[VoucherOut], 401: ErrorOut})
def offers_my_vouchers(request: AuthenticatedRequest):
    """My vouchers, newest first, each with its signed token (what its QR code carries)."""
    return [_voucher_out(v) for v in offers.voucher_list(user=request.user)]


@router.post("/rewards/vouchers/validate", response={200: ValidatedOut, **ERRORS})
def offers_validate_voucher(request: AuthenticatedRequest, payload: ValidateIn):
    """Use a voucher once (its merchant's owner, or the city's staff for municipal services).
    400 `invalid_token`; 403 for another merchant; 409 `already_validated`, `voucher_expired`."""
    voucher = offers.voucher_validate(actor=request.user, token=payload.token)
    return {
        "id": voucher.pk,
        "offer_id": voucher.offer_id,
        "offer_title": voucher.offer.title,
        "validated_at": voucher.validated_at,
    }


@router.get(
    "/rewards/merchants/{merchant_id}/offers", response={200: list[ManagedOfferOut], **ERRORS}
)
def offers_merchant_list(request: AuthenticatedRequest, merchant_id: int):
    """A verified merchant's offers with their use (its owner)."""
    merchant = offers.merchant_get_managed(actor=request.user, merchant_id=merchant_id)
    return offers.managed_offer_list(actor=request.user, merchant=merchant)


@router.post("/rewards/merchants/{merchant_id}/offers", response={201: OfferOut, **ERRORS})
def offers_merchant_create(request: AuthenticatedRequest, merchant_id: int, payload: OfferIn):
    merchant = offers.merchant_get_managed(actor=request.user, merchant_id=merchant_id)
    data = payload.dict(exclude_none=True)
    offer = offers.offer_create(actor=request.user, merchant=merchant, data=data)
    return Status(201, offer)


@router.get(
    "/rewards/programs/{program_id}/offers", response={200: list[ManagedOfferOut], **ERRORS}
)
def offers_municipal_list(request: AuthenticatedRequest, program_id: int):
    """The program's municipal-service offers with their use (municipal staff with MFA)."""
    program = offers.program_get_staffed(actor=request.user, program_id=program_id)
    return offers.managed_offer_list(actor=request.user, program=program)


@router.post("/rewards/programs/{program_id}/offers", response={201: OfferOut, **ERRORS})
def offers_municipal_create(request: AuthenticatedRequest, program_id: int, payload: OfferIn):
    program = offers.program_get_staffed(actor=request.user, program_id=program_id)
    data = payload.dict(exclude_none=True)
    offer = offers.offer_create(actor=request.user, program=program, data=data)
    return Status(201, offer)


@router.get("/rewards/managed-offers/{offer_id}", response={200: OfferOut, **ERRORS})
def offers_managed_get(request: AuthenticatedRequest, offer_id: int):
    return offers.offer_get_managed(actor=request.user, offer_id=offer_id)


@router.patch("/rewards/managed-offers/{offer_id}", response={200: OfferOut, **ERRORS})
def offers_managed_update(request: AuthenticatedRequest, offer_id: int, payload: OfferPatch):
    """Change an offer; only the fields given change. Set `active` false to withdraw it."""
    offer = offers.offer_get_managed(actor=request.user, offer_id=offer_id)
    return offers.offer_update(
        actor=request.user, offer=offer, data=payload.dict(exclude_none=True)
    )


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    end = end or today + timedelta(days=1)
    start = start or end.replace(day=1) - timedelta(days=365)
    if start >= end:
        raise ApplicationError(
            _("The start of the period must come before its end."),
            code="validation",
            extra={"fields": {"start": [_("The start must come before the end.")]}},
        )
    return start, end


@router.get("/rewards/merchants/{merchant_id}/settlement", response={200: SettlementOut, **ERRORS})
def offers_settlement(
    request: AuthenticatedRequest,
    merchant_id: int,
    start: date | None = None,
    end: date | None = None,
):
    """Points redeemed at the merchant per month, `start` included, `end` excluded (default: the
    last twelve months). Its owner, or the program's staff."""
    merchant = offers.merchant_get_for_settlement(actor=request.user, merchant_id=merchant_id)
    start, end = _period(start, end)
    report = offers.settlement_report(merchant=merchant, start=start, end=end)
    return {
        "merchant_id": merchant.pk,
        "start": report.start,
        "end": report.end,
        "total": report.total,
        "rows": report.rows,
    }


@router.get(
    "/rewards/merchants/{merchant_id}/settlement.csv",
    response={200: str, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def offers_settlement_csv(
    request: AuthenticatedRequest,
    merchant_id: int,
    start: date | None = None,
    end: date | None = None,
):
    """The same settlement as CSV."""
    merchant = offers.merchant_get_for_settlement(actor=request.user, merchant_id=merchant_id)
    start, end = _period(start, end)
    report = offers.settlement_report(merchant=merchant, start=start, end=end)
    response = HttpResponse(offers.settlement_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="settlement-{merchant.pk}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    return response
