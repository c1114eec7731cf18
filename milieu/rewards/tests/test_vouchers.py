"""Vouchers: signed, validated once by the right merchant (or the city), and the settlement."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from milieu.accounts.tests.factories import citizen_of
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.rewards import ledger
from milieu.rewards import services_offers as offers
from milieu.rewards.models import Account, Voucher

from .offers_helpers import (
    citizen_with_points,
    city_staff,
    give_points,
    make_merchant,
    make_offer,
    make_program,
)


@pytest.fixture
def program(db):
    return make_program()


@pytest.fixture
def merchant(program):
    return make_merchant(program)


@pytest.fixture
def voucher(program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    citizen = citizen_with_points(program, 100)
    return offers.offer_redeem(actor=citizen, offer=offer, key="k1")


def test_a_voucher_is_validated_once(voucher, merchant):
    token = offers.voucher_token(voucher)
    validated = offers.voucher_validate(actor=merchant.owner, token=token)
    assert validated.pk == voucher.pk
    voucher.refresh_from_db()
    first_time = voucher.validated_at
    assert first_time is not None
    assert voucher.validated_by == merchant.owner

    with pytest.raises(Conflict) as refused:
        offers.voucher_validate(actor=merchant.owner, token=token)
    assert refused.value.code == "already_validated"
    voucher.refresh_from_db()
    assert voucher.validated_at == first_time
    assert voucher.validated_by == merchant.owner


@pytest.mark.parametrize("mangle", ["truncate", "forge", "garbage", "empty", "other_salt"])
def test_a_forged_or_truncated_token_is_refused(voucher, merchant, mangle):
    from django.core import signing

    token = offers.voucher_token(voucher)
    bad = {
        "truncate": token[:-5],
        "forge": signing.dumps({"v": voucher.code}, key="not-the-secret", salt=offers.VOUCHER_SALT),
        "garbage": "hello",
        "empty": "",
        "other_salt": signing.dumps({"v": voucher.code}, salt="something-else"),
    }[mangle]
    with pytest.raises(ApplicationError) as refused:
        offers.voucher_validate(actor=merchant.owner, token=bad)
    assert refused.value.code == "invalid_token"
    voucher.refresh_from_db()
    assert voucher.validated_at is None


def test_another_merchant_cannot_validate(voucher, program):
    other = make_merchant(program)
    token = offers.voucher_token(voucher)
    for actor in (other.owner, voucher.user, city_staff(program)):
        with pytest.raises(PermissionDenied):
            offers.voucher_validate(actor=actor, token=token)
    voucher.refresh_from_db()
    assert voucher.validated_at is None


def test_an_unverified_owner_cannot_validate(voucher, merchant):
    merchant.verified_at = None
    merchant.save(update_fields=["verified_at"])
    with pytest.raises(PermissionDenied):
        offers.voucher_validate(actor=merchant.owner, token=offers.voucher_token(voucher))


def test_an_expired_voucher_is_refused(voucher, merchant):
    Voucher.objects.filter(pk=voucher.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict) as refused:
        offers.voucher_validate(actor=merchant.owner, token=offers.voucher_token(voucher))
    assert refused.value.code == "voucher_expired"
    voucher.refresh_from_db()
    assert voucher.validated_at is None


def test_a_municipal_service_voucher_is_validated_by_the_city(program, merchant):
    offer = make_offer(program, None, points_price=25)
    citizen = citizen_with_points(program, 25)
    voucher = offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    token = offers.voucher_token(voucher)
    for actor in (merchant.owner, city_staff(program, mfa=False), city_staff(make_program())):
        with pytest.raises(PermissionDenied):
            offers.voucher_validate(actor=actor, token=token)
    staff = city_staff(program)
    assert offers.voucher_validate(actor=staff, token=token).validated_by == staff
    with pytest.raises(Conflict):
        offers.voucher_validate(actor=staff, token=token)


@translation.override("en")
def test_settlement_sums_credits_per_month_and_exports_csv(program, merchant):
    offer = make_offer(program, merchant, points_price=30, per_person_limit=10)
    citizen = citizen_with_points(program, 1000)
    for key in ("a", "b", "c"):
        offers.offer_redeem(actor=citizen, offer=offer, key=key)
    tz = timezone.get_current_timezone()
    # Postings are append-only: build the history by posting at chosen times.
    other = citizen_of(program.municipality)
    give_points(program, other, 500)
    wallet = ledger.wallet(program, other)
    for when, points, key in (
        (datetime(2026, 1, 15, 12, tzinfo=tz), 40, "jan"),
        (datetime(2026, 1, 31, 23, tzinfo=tz), 10, "jan-late"),
        (datetime(2026, 2, 1, 1, tzinfo=tz), 25, "feb"),
    ):
        with time_machine.travel(when, tick=False):
            ledger.post(
                program=program,
                key=key,
                kind="redeem",
                entries=[(wallet, -points), (merchant.account, points)],
            )
    # Points redeemed elsewhere do not count.
    other_merchant = make_merchant(program)
    ledger.post(
        program=program,
        key="elsewhere",
        kind="redeem",
        entries=[(wallet, -7), (Account.objects.get(merchant=other_merchant), 7)],
    )

    report = offers.settlement_report(
        merchant=merchant, start=date(2026, 1, 1), end=date(2026, 3, 1)
    )
    assert [(r.month, r.points, r.redemptions) for r in report.rows] == [
        (date(2026, 1, 1), 50, 2),
        (date(2026, 2, 1), 25, 1),
    ]
    assert report.total == 75
    csv_text = offers.settlement_csv(report)
    assert csv_text.splitlines() == [
        "month,points redeemed,redemptions",
        "2026-01,50,2",
        "2026-02,25,1",
        "total,75,3",
    ]
    today = timezone.localdate()
    current = offers.settlement_report(
        merchant=merchant, start=today.replace(day=1), end=today + timedelta(days=1)
    )
    assert current.total == 90
