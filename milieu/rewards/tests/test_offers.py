"""Offers and redemption: one transaction, a locked offer, the ledger and the voucher."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.rewards import ledger
from milieu.rewards import services_offers as offers
from milieu.rewards.models import Account, Entry, Offer, Posting, Voucher

from .offers_helpers import (
    balance,
    citizen_with_points,
    city_staff,
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


def test_redeem_moves_points_to_the_merchant_and_issues_a_voucher(program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    citizen = citizen_with_points(program, 100)
    voucher = offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    assert voucher.user == citizen
    assert voucher.offer == offer
    assert voucher.expires_at == offer.valid_until
    assert len(voucher.code) == 24
    assert voucher.validated_at is None
    assert balance(ledger.wallet(program, citizen)) == 70
    assert balance(merchant.account) == 30
    assert voucher.posting.kind == "redeem"
    assert ledger.check().ok


def test_a_municipal_offer_credits_the_municipal_services_account(program):
    offer = make_offer(program, None, points_price=40)
    citizen = citizen_with_points(program, 40)
    offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    services = ledger.program_account(program, Account.Kind.MUNICIPAL_SERVICES)
    assert services.balance == 40
    assert balance(ledger.wallet(program, citizen)) == 0


def test_insufficient_points_is_a_409_and_changes_nothing(program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    citizen = citizen_with_points(program, 29)
    with pytest.raises(ledger.InsufficientPoints) as refused:
        offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    assert refused.value.status_code == 409
    assert refused.value.code == "insufficient_points"
    assert balance(ledger.wallet(program, citizen)) == 29
    assert balance(merchant.account) == 0
    assert not Voucher.objects.exists()
    assert not Posting.objects.filter(kind="redeem").exists()


def test_the_last_unit_goes_to_one_citizen_only(program, merchant):
    offer = make_offer(program, merchant, quantity=1)
    first = citizen_with_points(program, 100)
    second = citizen_with_points(program, 100)
    offers.offer_redeem(actor=first, offer=offer, key="k1")
    with pytest.raises(Conflict) as refused:
        offers.offer_redeem(actor=second, offer=offer, key="k1")
    assert refused.value.code == "sold_out"
    assert Voucher.objects.count() == 1
    assert balance(ledger.wallet(program, second)) == 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_of_the_last_unit_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL")
    program = make_program()
    merchant = make_merchant(program)
    offer = make_offer(program, merchant, quantity=1, per_person_limit=1)
    citizens = [citizen_with_points(program, 100) for _ in range(8)]
    results: list[str] = []
    barrier = threading.Barrier(len(citizens))

    def redeem(citizen):
        try:
            barrier.wait()
            offers.offer_redeem(actor=citizen, offer=offer, key="race")
            results.append("ok")
        except Conflict as error:
            results.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem, args=(c,)) for c in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok"] + ["sold_out"] * 7
    assert Voucher.objects.count() == 1
    assert balance(merchant.account) == offer.points_price
    assert ledger.check().ok


def test_the_per_person_limit_is_enforced(program, merchant):
    offer = make_offer(program, merchant, points_price=10, per_person_limit=2)
    citizen = citizen_with_points(program, 100)
    offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    offers.offer_redeem(actor=citizen, offer=offer, key="k2")
    with pytest.raises(Conflict) as refused:
        offers.offer_redeem(actor=citizen, offer=offer, key="k3")
    assert refused.value.code == "limit_reached"
    assert balance(ledger.wallet(program, citizen)) == 80
    # Another citizen still can.
    other = citizen_with_points(program, 10)
    offers.offer_redeem(actor=other, offer=offer, key="k1")


def test_replaying_a_key_returns_the_same_voucher_and_charges_once(program, merchant):
    offer = make_offer(program, merchant, points_price=30, quantity=1)
    citizen = citizen_with_points(program, 100)
    first = offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    again = offers.offer_redeem(actor=citizen, offer=offer, key="k1")  # even though sold out
    assert again.pk == first.pk
    assert balance(ledger.wallet(program, citizen)) == 70
    assert Voucher.objects.count() == 1


def test_the_same_key_for_another_offer_is_a_conflict(program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    other_offer = make_offer(program, merchant, points_price=20, title="Muffin")
    citizen = citizen_with_points(program, 100)
    offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    with pytest.raises(Conflict) as refused:
        offers.offer_redeem(actor=citizen, offer=other_offer, key="k1")
    assert refused.value.code == "idempotency_conflict"
    assert balance(ledger.wallet(program, citizen)) == 70
    assert Voucher.objects.count() == 1


def test_two_citizens_may_use_the_same_key(program, merchant):
    offer = make_offer(program, merchant)
    first = citizen_with_points(program, 100)
    second = citizen_with_points(program, 100)
    a = offers.offer_redeem(actor=first, offer=offer, key="same")
    b = offers.offer_redeem(actor=second, offer=offer, key="same")
    assert a.pk != b.pk


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"active": False}, "offer_inactive"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "offer_not_valid"),
    ],
)
def test_unavailable_offers_are_refused(program, merchant, fields, code):
    if "valid_from" in fields:
        fields["valid_until"] = fields["valid_from"] + timedelta(days=1)
    offer = make_offer(program, merchant, **fields)
    citizen = citizen_with_points(program, 100)
    with pytest.raises(Conflict) as refused:
        offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    assert refused.value.code == code
    assert balance(ledger.wallet(program, citizen)) == 100


def test_an_expired_offer_is_refused(program, merchant):
    now = timezone.now()
    offer = make_offer(
        program, merchant, valid_from=now - timedelta(days=3), valid_until=now - timedelta(days=1)
    )
    citizen = citizen_with_points(program, 100)
    with pytest.raises(Conflict) as refused:
        offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    assert refused.value.code == "offer_not_valid"


def test_a_citizen_of_another_city_cannot_redeem(program, merchant):
    offer = make_offer(program, merchant)
    other_program = make_program()
    outsider = citizen_with_points(other_program, 100)
    with pytest.raises(NotFound):
        offers.offer_redeem(actor=outsider, offer=offer, key="k1")
    assert not Voucher.objects.exists()
    assert offers.offer_list(visible_to=outsider).count() == 0


def test_the_offer_list_shows_only_available_offers_of_verified_merchants(program, merchant):
    visible = make_offer(program, merchant)
    municipal = make_offer(program, None, title="Bain libre")
    make_offer(program, merchant, active=False)
    make_offer(program, make_merchant(program, verified=False))
    citizen = citizen_of(program.municipality)
    assert set(offers.offer_list(visible_to=citizen)) == {visible, municipal}
    assert list(offers.offer_list(visible_to=citizen, kind="municipal_service")) == [municipal]
    assert list(offers.offer_list(visible_to=citizen, merchant_id=merchant.pk)) == [visible]


# --- offer management ---------------------------------------------------------------------------


def _data(**overrides):
    now = timezone.now()
    data = {
        "kind": "discount",
        "title": "10 % de rabais",
        "points_price": 50,
        "quantity": 20,
        "per_person_limit": 1,
        "valid_from": now,
        "valid_until": now + timedelta(days=10),
    }
    data.update(overrides)
    return data


def test_the_owner_of_a_verified_merchant_creates_an_offer(program, merchant):
    offer = offers.offer_create(actor=merchant.owner, merchant=merchant, data=_data())
    assert offer.program == program
    assert offer.merchant == merchant
    assert offer.points_price == 50


def test_an_unverified_merchant_or_another_person_cannot_create(program):
    unverified = make_merchant(program, verified=False)
    with pytest.raises(PermissionDenied):
        offers.offer_create(actor=unverified.owner, merchant=unverified, data=_data())
    verified = make_merchant(program)
    with pytest.raises(PermissionDenied):
        offers.offer_create(actor=UserFactory(), merchant=verified, data=_data())
    assert not Offer.objects.exists()


def test_offer_validation_names_the_fields(program, merchant):
    now = timezone.now()
    with pytest.raises(ApplicationError) as refused:
        offers.offer_create(
            actor=merchant.owner,
            merchant=merchant,
            data=_data(
                points_price=0, quantity=0, per_person_limit=0, valid_until=now, valid_from=now
            ),
        )
    assert refused.value.code == "validation"
    assert set(refused.value.extra["fields"]) == {
        "points_price",
        "quantity",
        "per_person_limit",
        "valid_until",
    }
    assert not Offer.objects.exists()


def test_a_merchant_cannot_sell_municipal_services(program, merchant):
    with pytest.raises(ApplicationError) as refused:
        offers.offer_create(
            actor=merchant.owner, merchant=merchant, data=_data(kind="municipal_service")
        )
    assert set(refused.value.extra["fields"]) == {"kind"}


def test_staff_with_mfa_create_municipal_offers(program):
    staff = city_staff(program)
    offer = offers.offer_create(actor=staff, program=program, data=_data(kind="discount"))
    assert offer.merchant is None
    assert offer.kind == Offer.Kind.MUNICIPAL_SERVICE
    for actor in (city_staff(program, mfa=False), citizen_of(program.municipality)):
        with pytest.raises(PermissionDenied):
            offers.offer_create(actor=actor, program=program, data=_data())
    other_staff = city_staff(make_program())
    with pytest.raises(PermissionDenied):
        offers.offer_create(actor=other_staff, program=program, data=_data())
    assert Offer.objects.count() == 1


def test_update_checks_owner_and_keeps_quantity_above_issued(program, merchant):
    offer = make_offer(program, merchant, quantity=5)
    citizen = citizen_with_points(program, 100)
    offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    offers.offer_redeem(actor=citizen, offer=offer, key="k2")
    with pytest.raises(ApplicationError) as refused:
        offers.offer_update(actor=merchant.owner, offer=offer, data={"quantity": 1})
    assert set(refused.value.extra["fields"]) == {"quantity"}
    other = make_merchant(program)
    with pytest.raises(PermissionDenied):
        offers.offer_update(actor=other.owner, offer=offer, data={"title": "Volé"})
    updated = offers.offer_update(actor=merchant.owner, offer=offer, data={"quantity": 2})
    assert updated.quantity == 2
    offer.refresh_from_db()
    assert (offer.quantity, offer.title) == (2, "Café gratuit")


def test_entries_are_untouched_by_refusals(program, merchant):
    offer = make_offer(program, merchant, quantity=1)
    citizen = citizen_with_points(program, 100)
    offers.offer_redeem(actor=citizen, offer=offer, key="k1")
    before = Entry.objects.count()
    with pytest.raises(Conflict):
        offers.offer_redeem(actor=citizen_with_points(program, 0), offer=offer, key="k2")
    assert Entry.objects.count() == before
