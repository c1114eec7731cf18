"""At the till: a verified merchant scans a citizen card and awards points for a purchase."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from milieu.accounts.services.card import citizen_card_issue
from milieu.accounts.tests.factories_card import CitizenIdFactory, resident_of
from milieu.core.errors import ApplicationError, PermissionDenied
from milieu.rewards import ledger, services
from milieu.rewards.models import EarningRule, Posting
from milieu.rewards.tests.factories import merchant_of, rule
from milieu.territory.tests.factories import MunicipalityFactory

PURCHASE = EarningRule.Action.LOCAL_PURCHASE


@pytest.fixture
def town(db):
    return MunicipalityFactory()


@pytest.fixture
def program(town):
    program = services.program_for(town)
    rule(program, PURCHASE, 2, daily_cap=100)
    return program


@pytest.fixture
def merchant(town, program):
    return merchant_of(town, program)


@pytest.fixture
def citizen(town):
    return resident_of(town).user


def token_of(user) -> str:
    return citizen_card_issue(actor=user).token


def sell(merchant, token, amount="40.00", key="sale-1", actor=None):
    return services.purchase_award(
        actor=actor or merchant.owner,
        merchant=merchant,
        card_token=token,
        amount_dollars=Decimal(amount),
        key=key,
    )


def test_a_purchase_awards_the_rule_points_per_whole_dollar(merchant, citizen, program):
    award = sell(merchant, token_of(citizen), amount="40.99")
    assert award.points == 80
    assert award.posting.kind == "earn:local_purchase"
    assert award.posting.created_by == merchant.owner
    assert ledger.wallet(program, citizen).balance == 80
    assert ledger.check().ok


def test_purchases_are_capped_per_day(merchant, citizen, program):
    token = token_of(citizen)
    assert sell(merchant, token, amount="40", key="a").points == 80
    assert sell(merchant, token, amount="40", key="b").points == 20
    with pytest.raises(services.CapReached):
        sell(merchant, token, amount="40", key="c")
    assert ledger.wallet(program, citizen).balance == 100


def test_a_retried_sale_awards_once(merchant, citizen, program):
    token = token_of(citizen)
    first = sell(merchant, token)
    again = sell(merchant, token)
    assert again.posting.pk == first.posting.pk
    assert ledger.wallet(program, citizen).balance == 80


def test_a_merchant_cannot_award_itself(town, merchant, program):
    CitizenIdFactory(user=merchant.owner, municipality=town)
    with pytest.raises(PermissionDenied) as refused:
        sell(merchant, token_of(merchant.owner))
    assert refused.value.code == "self_award"
    assert Posting.objects.count() == 0


def test_an_unverified_merchant_cannot_award(town, program, citizen):
    unverified = merchant_of(town, program, verified=False)
    with pytest.raises(PermissionDenied):
        sell(unverified, token_of(citizen))
    assert Posting.objects.count() == 0


def test_someone_else_than_the_owner_cannot_award(merchant, citizen, town):
    intruder = resident_of(town).user
    with pytest.raises(PermissionDenied):
        sell(merchant, token_of(citizen), actor=intruder)
    assert Posting.objects.count() == 0


def test_a_forged_card_is_refused_and_nothing_changes(merchant, citizen):
    token = token_of(citizen)
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(ApplicationError) as refused:
        sell(merchant, forged)
    assert refused.value.code == "bad_signature"
    assert Posting.objects.count() == 0


def test_an_expired_card_is_refused_and_nothing_changes(merchant, citizen):
    token = token_of(citizen)
    with (
        time_machine.travel(timezone.now() + timedelta(days=400)),
        pytest.raises(ApplicationError) as refused,
    ):
        sell(merchant, token)
    assert refused.value.code == "expired"
    assert Posting.objects.count() == 0


def test_a_revoked_card_is_refused(merchant, citizen):
    token = token_of(citizen)
    citizen.citizen_ids.update(revoked_at=timezone.now())
    with pytest.raises(ApplicationError) as refused:
        sell(merchant, token)
    assert refused.value.code == "revoked"
    assert Posting.objects.count() == 0


@pytest.mark.parametrize("amount", ["0", "-5", "0.99", "100000.01"])
def test_an_amount_out_of_range_is_refused(merchant, citizen, amount):
    with pytest.raises(ApplicationError) as refused:
        sell(merchant, token_of(citizen), amount=amount)
    assert "amount" in refused.value.extra["fields"]
    assert Posting.objects.count() == 0
