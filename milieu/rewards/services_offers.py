"""Offers, redemption, vouchers and the merchants' settlement.

Who may do what, as plain predicates (the app's `permissions.py` holds the earning side):

- a citizen of a program (a member of its municipality, or of one of its region's) sees and
  redeems the program's offers;
- the owner of a verified merchant manages that merchant's offers, validates their vouchers and
  reads its settlement;
- municipal staff with MFA manage the municipal-service offers (`merchant=None`) of their
  program and validate their vouchers.

Redemption is one transaction: the offer row is locked, its limits are checked under the lock,
the points move with `ledger.post` (the caller's idempotency key, namespaced by the citizen) and
the voucher is created. Validation is one conditional UPDATE, so a voucher is used once.
"""

import csv
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.access import access_facts
from milieu.accounts.models import STAFF_ROLES, RoleAssignment
from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.core import caching
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.territory.models import Municipality

from . import ledger
from .models import Account, Entry, Merchant, Offer, Program, Voucher

VOUCHER_SALT = "milieu.rewards.voucher"
OFFER_FIELDS = (
    "kind",
    "title",
    "description",
    "points_price",
    "quantity",
    "per_person_limit",
    "valid_from",
    "valid_until",
    "active",
)


# --- predicates -------------------------------------------------------------------------------


def program_municipalities(program: Program) -> list[Municipality]:
    if program.municipality_id:
        return [program.municipality]  # type: ignore[list-item]
    return list(Municipality.objects.filter(region=program.region))


def is_program_member(user, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    return user.memberships.filter(
        municipality__in=[m.pk for m in program_municipalities(program)]
    ).exists()


def is_program_staff(user, program: Program) -> bool:
    """Municipal staff (with MFA) of the program's municipality, or of one of its region's."""
    if not user.is_authenticated or not has_mfa(user):
        return False
    return any(is_municipal_staff(user, m) for m in program_municipalities(program))


def is_merchant_owner(user, merchant: Merchant | None) -> bool:
    return (
        user.is_authenticated
        and merchant is not None
        and merchant.owner_id == user.pk
        and merchant.verified_at is not None
    )


def can_manage_offer(user, offer: Offer) -> bool:
    """The verified merchant's owner for its offers; program staff for municipal services."""
    if offer.merchant_id is not None:
        return is_merchant_owner(user, offer.merchant)
    return is_program_staff(user, offer.program)


def can_validate_voucher(user, voucher: Voucher) -> bool:
    return can_manage_offer(user, voucher.offer)


def can_read_settlement(user, merchant: Merchant) -> bool:
    return is_merchant_owner(user, merchant) or is_program_staff(user, merchant.program)


# --- selectors --------------------------------------------------------------------------------


def member_programs(user) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    # The person's municipalities come from their cached access facts: joining the programs to
    # every membership of the region made PostgreSQL scan them all (74 ms at 300,000 residents).
    municipality_ids = sorted(access_facts(user).memberships)
    return Program.objects.filter(
        Q(municipality_id__in=municipality_ids)
        | Q(region_id__in=Municipality.objects.filter(pk__in=municipality_ids).values("region_id"))
    )


OFFERS_VERSION_KEY = "rewards:offers:version"


def offers_version() -> int:
    """The version of everything the offer lists show (offers, merchants, programs)."""
    return cache.get(OFFERS_VERSION_KEY) or 0


def offers_changed() -> None:
    """A new version, now and again after the commit (so that a request reading between the
    write and the commit cannot keep the old lists for long)."""
    caching.renew([OFFERS_VERSION_KEY])


def offer_list(
    *, visible_to, merchant_id: int | None = None, kind: str | None = None
) -> QuerySet[Offer]:
    """The offers a citizen may redeem now: active, in their validity, of a verified merchant or
    of the city, in a program the citizen belongs to."""
    now = timezone.now()
    offers = (
        Offer.objects.filter(
            program__in=member_programs(visible_to),
            active=True,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .filter(Q(merchant__isnull=True) | Q(merchant__verified_at__isnull=False))
        .select_related("merchant", "program")
        .order_by("valid_until", "pk")
    )
    if merchant_id:
        offers = offers.filter(merchant_id=merchant_id)
    if kind:
        offers = offers.filter(kind=kind)
    return offers


def offer_merchants(*, visible_to) -> Sequence[Mapping[str, object]]:
    """The merchants that have an offer for this citizen now (id and name, by name): the
    choices of the offers' merchant filter."""
    return list(
        offer_list(visible_to=visible_to)
        .filter(merchant__isnull=False)
        .order_by("merchant__name", "merchant_id")
        .values("merchant_id", "merchant__name")
        .distinct()
    )


def offer_get(*, visible_to, offer_id: int) -> Offer:
    offer = offer_list(visible_to=visible_to).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound(_("This offer does not exist or is no longer available."))
    return offer


def offer_get_managed(*, actor, offer_id: int) -> Offer:
    offer = Offer.objects.select_related("merchant", "program").filter(pk=offer_id).first()
    if offer is None or not can_manage_offer(actor, offer):
        raise NotFound(_("This offer does not exist."))
    return offer


def managed_merchants(user) -> QuerySet[Merchant]:
    if not user.is_authenticated:
        return Merchant.objects.none()
    return Merchant.objects.filter(owner=user, verified_at__isnull=False).select_related("program")


def staffed_programs(user) -> list[Program]:
    """The programs `is_program_staff` allows the person to manage, in one query (not one check
    per program of the platform): their municipality's, or their region's."""
    if not user.is_authenticated or not has_mfa(user):
        return []
    staff_of = (
        RoleAssignment.objects.active()
        .filter(user=user, role__in=STAFF_ROLES, municipality__isnull=False)
        .values("municipality_id")
    )
    return list(
        Program.objects.filter(
            Q(municipality__in=staff_of) | Q(region__municipalities__in=staff_of)
        )
        .select_related("municipality")
        .distinct()
        .order_by("name")
    )


def merchant_get_managed(*, actor, merchant_id: int) -> Merchant:
    merchant = managed_merchants(actor).filter(pk=merchant_id).first()
    if merchant is None:
        raise NotFound(_("This merchant does not exist."))
    return merchant


def merchant_get_for_settlement(*, actor, merchant_id: int) -> Merchant:
    merchant = Merchant.objects.select_related("program").filter(pk=merchant_id).first()
    if merchant is None or not can_read_settlement(actor, merchant):
        raise NotFound(_("This merchant does not exist."))
    return merchant


def program_get_staffed(*, actor, program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not is_program_staff(actor, program):
        raise NotFound(_("This program does not exist."))
    return program


def managed_offer_list(*, actor, merchant: Merchant | None = None, program: Program | None = None):
    """A seller's offers with the number of vouchers issued and validated."""
    offers = Offer.objects.select_related("merchant", "program")
    if merchant is not None:
        offers = offers.filter(merchant=merchant)
    else:
        offers = offers.filter(program=program, merchant__isnull=True)
    return _with_use(offers)


def managed_offers_of(*, actor, merchants: list[Merchant], programs: list[Program]) -> list[Offer]:
    """The offers of several sellers at once, as `managed_offer_list` gives each seller's: the
    merchants' own and the programs' municipal services, in one query."""
    offers = Offer.objects.select_related("merchant", "program").filter(
        Q(merchant__in=merchants) | Q(program__in=programs, merchant__isnull=True)
    )
    return list(_with_use(offers))


def _with_use(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    return offers.annotate(
        issued=Count("vouchers"),
        validated=Count("vouchers", filter=Q(vouchers__validated_at__isnull=False)),
    ).order_by("-valid_until", "pk")


def voucher_list(*, user) -> QuerySet[Voucher]:
    return (
        Voucher.objects.filter(user=user)
        .select_related("offer", "offer__merchant")
        .order_by("-issued_at", "-pk")
    )


def voucher_get(*, user, voucher_id: int) -> Voucher:
    voucher = voucher_list(user=user).filter(pk=voucher_id).first()
    if voucher is None:
        raise NotFound(_("This voucher does not exist."))
    return voucher


# --- offers -----------------------------------------------------------------------------------


def _validation(errors: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."), code="validation", extra={"fields": errors}
    )


def _clean_offer(data: dict[str, Any], *, municipal: bool, issued: int = 0) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {name: data[name] for name in OFFER_FIELDS if name in data}
    cleaned.setdefault("description", "")
    cleaned.setdefault("per_person_limit", 1)
    cleaned.setdefault("active", True)
    cleaned.setdefault("valid_from", timezone.now())
    if municipal:
        cleaned["kind"] = Offer.Kind.MUNICIPAL_SERVICE
    elif cleaned.get("kind") not in set(Offer.Kind.values) - {Offer.Kind.MUNICIPAL_SERVICE}:
        errors.setdefault("kind", []).append(_("Choose a kind of offer."))
    title = (cleaned.get("title") or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("A title is required."))
    cleaned["title"] = title[:140]
    cleaned["description"] = (cleaned["description"] or "")[:2000]
    for name, minimum, message in (
        ("points_price", 1, _("The price must be at least 1 point.")),
        ("quantity", 1, _("The quantity must be at least 1.")),
        ("per_person_limit", 1, _("The limit per person must be at least 1.")),
    ):
        value = cleaned.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            errors.setdefault(name, []).append(message)
    if isinstance(cleaned.get("quantity"), int) and cleaned["quantity"] < issued:
        errors.setdefault("quantity", []).append(
            _("%(count)d vouchers were already issued: the quantity cannot be lower.")
            % {"count": issued}
        )
    start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
    if not isinstance(end, datetime):
        errors.setdefault("valid_until", []).append(_("An end of validity is required."))
    elif not isinstance(start, datetime):
        errors.setdefault("valid_from", []).append(_("A start of validity is required."))
    elif end <= start:
        errors.setdefault("valid_until", []).append(
            _("The end of validity must come after its start.")
        )
    if errors:
        raise _validation(errors)
    return cleaned


def offer_create(
    *,
    actor,
    data: dict[str, Any],
    merchant: Merchant | None = None,
    program: Program | None = None,
) -> Offer:
    """A merchant's offer (by its owner; the merchant must be verified) or, with `program` and no
    merchant, a municipal-service offer (by the program's staff with MFA)."""
    if merchant is not None:
        if not is_merchant_owner(actor, merchant):
            raise PermissionDenied(_("Only the owner of a verified merchant may add its offers."))
        program = merchant.program
    elif program is None or not is_program_staff(actor, program):
        raise PermissionDenied(_("Only the municipality's staff may add municipal offers."))
    cleaned = _clean_offer(data, municipal=merchant is None)
    with transaction.atomic():
        return Offer.objects.create(program=program, merchant=merchant, **cleaned)


def offer_update(*, actor, offer: Offer, data: dict[str, Any]) -> Offer:
    with transaction.atomic():
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("merchant", "program")
            .get(pk=offer.pk)
        )
        if not can_manage_offer(actor, locked):
            raise PermissionDenied(_("You may not change this offer."))
        current = {name: getattr(locked, name) for name in OFFER_FIELDS}
        current.update({k: v for k, v in data.items() if k in OFFER_FIELDS})
        cleaned = _clean_offer(
            current, municipal=locked.merchant_id is None, issued=locked.vouchers.count()
        )
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(cleaned))
    return locked


# --- redemption -------------------------------------------------------------------------------


def _ledger_key(actor, key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 150:
        raise ApplicationError(
            _("An idempotency key of 1 to 150 characters is required."),
            code="validation",
            extra={"fields": {"key": [_("An idempotency key of 1 to 150 characters.")]}},
        )
    return f"redeem:{actor.pk}:{key}"


def _receiving_account(offer: Offer) -> Account:
    if offer.merchant_id is None:
        return ledger.program_account(offer.program, Account.Kind.MUNICIPAL_SERVICES)
    account, _created = Account.objects.get_or_create(
        merchant=offer.merchant,
        defaults={"program": offer.program, "kind": Account.Kind.MERCHANT},
    )
    return account


def offer_redeem(*, actor, offer: Offer, key: str) -> Voucher:
    """Spend the offer's price from the citizen's wallet and issue a voucher.

    `key` is the caller's idempotency key: a replay returns the same voucher; the same key for
    another offer is a conflict. Refusals (inactive, outside validity, sold out, limit reached,
    not enough points) leave everything as it was.
    """
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to redeem an offer."))
    ledger_key = _ledger_key(actor, key)
    with transaction.atomic():
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("merchant", "program")
            .filter(pk=offer.pk)
            .first()
        )
        if locked is None or not is_program_member(actor, locked.program):
            raise NotFound(_("This offer does not exist or is no longer available."))
        offer = locked
        previous = (
            Voucher.objects.filter(posting__program=offer.program, posting__key=ledger_key)
            .select_related("offer", "offer__merchant")
            .first()
        )
        if previous is not None:
            if previous.offer_id != offer.pk:
                raise Conflict(
                    _("This idempotency key was already used for another offer."),
                    code="idempotency_conflict",
                )
            return previous
        now = timezone.now()
        if not offer.active or (offer.merchant_id and offer.merchant.verified_at is None):  # type: ignore[union-attr]
            raise Conflict(_("This offer is not available."), code="offer_inactive")
        if not offer.valid_from <= now < offer.valid_until:
            raise Conflict(_("This offer is outside its validity."), code="offer_not_valid")
        counts = offer.vouchers.aggregate(total=Count("pk"), mine=Count("pk", filter=Q(user=actor)))
        if counts["total"] >= offer.quantity:
            raise Conflict(_("This offer is sold out."), code="sold_out")
        if counts["mine"] >= offer.per_person_limit:
            raise Conflict(
                _("You have reached the limit of %(limit)d for this offer.")
                % {"limit": offer.per_person_limit},
                code="limit_reached",
            )
        posting = ledger.post(
            program=offer.program,
            key=ledger_key,
            kind="redeem",
            entries=[
                (ledger.wallet(offer.program, actor), -offer.points_price),
                (_receiving_account(offer), offer.points_price),
            ],
            memo=f"offer:{offer.pk}",
            created_by=actor,
        )
        return Voucher.objects.create(
            offer=offer,
            user=actor,
            posting=posting,
            code=secrets.token_urlsafe(18),  # 24 characters, 144 random bits
            expires_at=offer.valid_until,
        )


# --- vouchers ---------------------------------------------------------------------------------


def voucher_token(voucher: Voucher) -> str:
    """The voucher's code, signed: what its QR code carries and what the merchant validates."""
    return signing.dumps({"v": voucher.code}, salt=VOUCHER_SALT)


def voucher_validate(*, actor, token: str) -> Voucher:
    """Use a voucher once. A forged token, another merchant's voucher, an expired voucher or a
    second validation is refused and changes nothing."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to validate a voucher."))
    try:
        payload = signing.loads((token or "").strip(), salt=VOUCHER_SALT)
        code = payload["v"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ApplicationError(_("This voucher code is not valid."), code="invalid_token") from None
    voucher = (
        Voucher.objects.select_related("offer", "offer__merchant", "offer__program", "user")
        .filter(code=code)
        .first()
    )
    if voucher is None:
        raise NotFound(_("This voucher does not exist."))
    if not can_validate_voucher(actor, voucher):
        raise PermissionDenied(_("This voucher is not for you to validate."))
    now = timezone.now()
    if voucher.expires_at <= now:
        raise Conflict(_("This voucher has expired."), code="voucher_expired")
    updated = Voucher.objects.filter(pk=voucher.pk, validated_at__isnull=True).update(
        validated_at=now, validated_by=actor
    )
    if not updated:
        raise Conflict(_("This voucher was already validated."), code="already_validated")
    voucher.validated_at = now
    voucher.validated_by = actor
    return voucher


# --- settlement -------------------------------------------------------------------------------


@dataclass
class SettlementRow:
    month: date
    points: int
    redemptions: int


@dataclass
class SettlementReport:
    merchant: Merchant
    start: date
    end: date
    rows: list[SettlementRow]

    @property
    def total(self) -> int:
        return sum(row.points for row in self.rows)


def settlement_report(*, merchant: Merchant, start: date, end: date) -> SettlementReport:
    """Points redeemed at a merchant per month, from `start` (included) to `end` (excluded): the
    credits to its ledger account."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    until = datetime.combine(end, datetime.min.time(), tzinfo=tz)
    rows = (
        Entry.objects.filter(
            account__merchant=merchant,
            amount__gt=0,
            posting__created_at__gte=since,
            posting__created_at__lt=until,
        )
        .annotate(month=TruncMonth("posting__created_at", tzinfo=tz))
        .values("month")
        .annotate(points=Sum("amount"), redemptions=Count("pk"))
        .order_by("month")
    )
    return SettlementReport(
        merchant=merchant,
        start=start,
        end=end,
        rows=[
            SettlementRow(
                month=row["month"].date() if isinstance(row["month"], datetime) else row["month"],
                points=row["points"],
                redemptions=row["redemptions"],
            )
            for row in rows
        ],
    )


def settlement_csv(report: SettlementReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("month"), _("points redeemed"), _("redemptions")])
    for row in report.rows:
        writer.writerow([row.month.strftime("%Y-%m"), row.points, row.redemptions])
    writer.writerow([_("total"), report.total, sum(r.redemptions for r in report.rows)])
    return out.getvalue()
