"""Writes of the rewards program: programs, earning rules, awards, merchants, the till.

Points only move through `ledger.post`. Other apps award points with `points_award` and their
own idempotency key (e.g. ``"exchange:42:completed"``); a retry returns the first award.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.models import CitizenId, Role, User
from milieu.accounts.permissions import has_role
from milieu.accounts.selectors.card import card_verify
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from . import ledger
from .models import Account, EarningRule, Merchant, Posting, Program

MAX_PURCHASE_DOLLARS = Decimal("100000")


class CapReached(ApplicationError):
    status_code = 409
    code = "cap_reached"


@dataclass(frozen=True)
class Award:
    posting: Posting
    points: int  # what the wallet received (the cap may have cut the request)
    requested: int  # what the rule gave before the caps (equal to `points` on a replay)


# --- Programs -----------------------------------------------------------------------------------


def program_for(municipality: Municipality) -> Program:
    """The municipality's program, else its region's shared one; created on first use."""
    program = (
        Program.objects.filter(municipality=municipality).first()
        or Program.objects.filter(region_id=municipality.region_id).first()
    )
    if program is not None:
        return program
    program, _created = Program.objects.get_or_create(
        municipality=municipality,
        defaults={"name": _("Points %(name)s") % {"name": municipality.name}},
    )
    return program


# --- Earning rules ------------------------------------------------------------------------------


def _validation(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="validation", extra={"fields": {field: [message]}})


@transaction.atomic
def earning_rule_set(
    *,
    actor: User,
    program: Program,
    action: str,
    points: int,
    daily_cap: int | None = None,
    monthly_cap: int | None = None,
    active: bool = True,
) -> EarningRule:
    """Create or change the rule of one action in a program (staff with MFA)."""
    require(actor, "rewards.manage_program", program)
    if action not in EarningRule.Action.values:
        raise _validation("action", _("Choose one of the listed actions."))
    for field, value in (
        ("points", points),
        ("daily_cap", daily_cap),
        ("monthly_cap", monthly_cap),
    ):
        if value is not None and (not isinstance(value, int) or value < 0 or value > 1_000_000):
            raise _validation(field, _("Enter a whole number from 0 to 1,000,000."))
    if daily_cap is not None and monthly_cap is not None and daily_cap > monthly_cap:
        raise _validation("daily_cap", _("The daily cap cannot be above the monthly cap."))
    rule, _created = EarningRule.objects.update_or_create(
        program=program,
        action=action,
        defaults={
            "points": points,
            "daily_cap": daily_cap,
            "monthly_cap": monthly_cap,
            "active": active,
        },
    )
    return rule


# --- Awards -------------------------------------------------------------------------------------


def _period_starts(now: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(now)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day.replace(day=1)


def earned_in_period(
    *, program: Program, wallet: Account, kind: str, now: datetime
) -> tuple[int, int]:
    """(today, this month): the wallet's credits from postings of `kind`, local time. One query
    that starts from the `posting_kind_time` index (program, kind, created_at)."""
    day_start, month_start = _period_starts(now)
    totals = Posting.objects.filter(
        program=program,
        kind=kind,
        created_at__gte=month_start,
        entries__account=wallet,
        entries__amount__gt=0,
    ).aggregate(
        month=Sum("entries__amount"),
        day=Sum("entries__amount", filter=Q(created_at__gte=day_start)),
    )
    return totals["day"] or 0, totals["month"] or 0


def _replayed_award(program: Program, key: str, kind: str, memo: str) -> Award | None:
    existing = Posting.objects.filter(program=program, key=key).first()
    if existing is None:
        return None
    if existing.kind != kind or existing.memo != memo:
        raise Conflict(
            _("This idempotency key was already used for a different movement of points."),
            code="idempotency_conflict",
        )
    credit = existing.entries.filter(amount__gt=0, account__kind=Account.Kind.WALLET).first()
    points = credit.amount if credit else 0
    return Award(posting=existing, points=points, requested=points)


def _award(
    *,
    program: Program,
    user: User,
    action: str,
    key: str,
    units: int,
    memo: str,
    created_by: User | None,
) -> Award:
    kind = f"earn:{action}"
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise ApplicationError(_("An idempotency key of 1 to 200 characters is required."))
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        raise ApplicationError(_("Nothing to award: the quantity must be at least 1."))
    with transaction.atomic():
        replay = _replayed_award(program, key, kind, memo)
        if replay is not None:
            return replay
        rule = EarningRule.objects.filter(program=program, action=action, active=True).first()
        if rule is None or rule.points == 0:
            raise ApplicationError(
                _("This action earns no points in this program."), code="no_earning_rule"
            )
        wallet = ledger.wallet(program, user)
        # Lock the wallet so that two awards cannot both fit under the same cap.
        Account.objects.select_for_update().filter(pk=wallet.pk).first()
        requested = rule.points * units
        points = requested
        if rule.daily_cap is not None or rule.monthly_cap is not None:
            today, month = earned_in_period(
                program=program, wallet=wallet, kind=kind, now=timezone.now()
            )
            if rule.daily_cap is not None:
                points = min(points, rule.daily_cap - today)
            if rule.monthly_cap is not None:
                points = min(points, rule.monthly_cap - month)
        if points <= 0:
            raise CapReached(_("The cap of points for this action is reached; try again later."))
        issuance = ledger.program_account(program, Account.Kind.ISSUANCE)
        posting = ledger.post(
            program=program,
            key=key,
            kind=kind,
            memo=memo,
            entries=[(issuance, -points), (wallet, points)],
            created_by=created_by,
        )
    return Award(posting=posting, points=points, requested=requested)


def points_award(*, program: Program, user: User, action: str, key: str, units: int = 1) -> Award:
    """Award the points of `action` to `user` (THE entry point for other apps).

    Points are the active rule's `points * units` (units are whole dollars for a local purchase),
    cut to what the daily and monthly caps leave; nothing left is a `CapReached` refusal. `key`
    is the caller's idempotency key: a replay returns the first award, the same key for another
    award is a conflict.
    """
    if action not in EarningRule.Action.values:
        raise ApplicationError(_("Unknown action."), code="no_earning_rule")
    memo = f"user={user.pk} units={units}"
    return _award(
        program=program, user=user, action=action, key=key, units=units, memo=memo, created_by=None
    )


def points_balance(*, program: Program, user: User) -> int:
    """What `user`'s wallet in `program` holds (0 without a wallet), for a caller about to ask
    them for points."""
    account = Account.objects.filter(program=program, kind=Account.Kind.WALLET, user=user).first()
    return account.balance if account is not None else 0


def points_transfer(
    *, program: Program, payer: User, payee: User, points: int, key: str, memo: str = ""
) -> Posting:
    """Move `points` from one resident's wallet to another's, for what they agreed between
    them (the entry point for other apps, e.g. an exchange paid in points, with the key
    ``"exchange:42:points"``). `InsufficientPoints` (409) when the payer has fewer; a replay of
    `key` returns the first posting."""
    if not isinstance(points, int) or isinstance(points, bool) or points < 1:
        raise _validation("points", _("Enter a whole number of points, at least 1."))
    if payer.pk == payee.pk:
        raise ApplicationError(_("Points cannot be paid to oneself."), code="self_transfer")
    with transaction.atomic():
        return ledger.post(
            program=program,
            key=key,
            kind="transfer",
            memo=memo or f"from={payer.pk} to={payee.pk}",
            entries=[
                (ledger.wallet(program, payer), -points),
                (ledger.wallet(program, payee), points),
            ],
        )


# --- Merchants ----------------------------------------------------------------------------------


@transaction.atomic
def merchant_register(
    *,
    actor: User,
    municipality: Municipality,
    name: str,
    category: str,
    address: str,
    hours: str = "",
    description: str = "",
) -> Merchant:
    """A merchant describes its business; the city verifies it before it can act."""
    if not has_role(actor, Role.MERCHANT, municipality):
        raise PermissionDenied(
            _("Only people with the merchant role in this municipality can register a business.")
        )
    values: dict[str, Any] = {
        "name": (name or "").strip(),
        "category": (category or "").strip(),
        "address": (address or "").strip(),
        "hours": (hours or "").strip(),
        "description": (description or "").strip(),
    }
    limits = {"name": 120, "category": 60, "address": 200, "hours": 200, "description": 2000}
    fields: dict[str, list[str]] = {}
    for field in ("name", "category", "address"):
        if not values[field]:
            fields[field] = [_("This field is required.")]
    for field, limit in limits.items():
        if len(values[field]) > limit:
            fields[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
    if fields:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": fields}
        )
    return Merchant.objects.create(
        program=program_for(municipality), municipality=municipality, owner=actor, **values
    )


@transaction.atomic
def merchant_verify(*, actor: User, merchant: Merchant) -> Merchant:
    """The city verifies a merchant (staff with MFA) and opens its ledger account."""
    require(actor, "rewards.manage_program", merchant.municipality)
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.verified_at is None:
        merchant.verified_at = timezone.now()
        merchant.verified_by = actor
        merchant.save(update_fields=["verified_at", "verified_by"])
    Account.objects.get_or_create(
        program=merchant.program, kind=Account.Kind.MERCHANT, merchant=merchant
    )
    return merchant


# --- At the till --------------------------------------------------------------------------------


def _dollars(amount: Any) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise _validation("amount", _("Enter an amount in dollars, e.g. 40.00.")) from None
    if not value.is_finite() or value <= 0 or value > MAX_PURCHASE_DOLLARS:
        raise _validation("amount", _("Enter an amount above 0 and at most 100,000 dollars."))
    return value


def purchase_award(
    *, actor: User, merchant: Merchant, card_token: str, amount_dollars: Decimal, key: str
) -> Award:
    """A verified merchant's owner awards points for a purchase paid by the card's holder."""
    require(
        actor,
        "rewards.act_as_merchant",
        merchant,
        _("Only the owner of a merchant verified by the city can award points."),
    )
    amount = _dollars(amount_dollars)
    verified = card_verify(token=card_token)  # raises a CardError with its code
    citizen_id = (
        CitizenId.objects.filter(municipality=verified.municipality, number=verified.claims["sub"])
        .select_related("user")
        .first()
    )
    if citizen_id is None:  # card_verify already refuses it; kept for safety
        raise ApplicationError(_("This card cannot be accepted."), code="invalid_card")
    citizen = citizen_id.user
    if citizen.pk == merchant.owner_id:
        raise PermissionDenied(_("A merchant cannot award points to itself."), code="self_award")
    units = int(amount)  # whole dollars
    if units < 1:
        raise _validation("amount", _("Points are given per whole dollar: enter at least 1.00."))
    memo = f"merchant={merchant.pk} user={citizen.pk} cents={int(amount * 100)}"
    return _award(
        program=merchant.program,
        user=citizen,
        action=EarningRule.Action.LOCAL_PURCHASE,
        key=f"till:{merchant.pk}:{(key or '').strip()}" if (key or "").strip() else "",
        units=units,
        memo=memo,
        created_by=actor,
    )
