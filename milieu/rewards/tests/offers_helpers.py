"""Shared set-up for the offers and vouchers tests: a program, a verified merchant with its
ledger account, a citizen with points (awarded from issuance through `ledger.post`), offers."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.rewards import ledger
from milieu.rewards.models import Account, Merchant, Offer, Program
from milieu.territory.tests.factories import MunicipalityFactory

_keys = count()


def make_program(municipality=None) -> Program:
    municipality = municipality or MunicipalityFactory()
    return Program.objects.create(municipality=municipality, name=f"Points {municipality.name}")


def make_merchant(program: Program, owner=None, *, verified: bool = True) -> Merchant:
    municipality = program.municipality
    owner = owner or citizen_of(municipality)
    merchant = Merchant.objects.create(
        program=program,
        municipality=municipality,
        owner=owner,
        name=f"Boutique {owner.pk}",
        category="café",
        address="1 rue Principale",
        verified_at=timezone.now() if verified else None,
    )
    Account.objects.create(program=program, kind=Account.Kind.MERCHANT, merchant=merchant)
    return merchant


def make_offer(program: Program, merchant: Merchant | None = None, **fields) -> Offer:
    now = timezone.now()
    values = {
        "kind": Offer.Kind.MUNICIPAL_SERVICE if merchant is None else Offer.Kind.DISCOUNT,
        "title": "Café gratuit",
        "points_price": 30,
        "quantity": 10,
        "per_person_limit": 5,
        "valid_from": now - timedelta(days=1),
        "valid_until": now + timedelta(days=30),
    }
    values.update(fields)
    return Offer.objects.create(program=program, merchant=merchant, **values)


def give_points(program: Program, user, points: int) -> None:
    ledger.post(
        program=program,
        key=f"test-award-{next(_keys)}",
        kind="award",
        entries=[
            (ledger.program_account(program, Account.Kind.ISSUANCE), -points),
            (ledger.wallet(program, user), points),
        ],
    )


def citizen_with_points(program: Program, points: int):
    user = citizen_of(program.municipality)
    if points:
        give_points(program, user, points)
    return user


def city_staff(program: Program, *, mfa: bool = True):
    return with_role(program.municipality, Role.STAFF, mfa=mfa)


def balance(account: Account) -> int:
    account.refresh_from_db()
    return account.balance
