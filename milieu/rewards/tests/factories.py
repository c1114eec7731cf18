"""Programs, rules and merchants for the rewards tests."""

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.rewards.models import Account, EarningRule, Merchant, Program


def rule(program: Program, action: str, points: int, **caps) -> EarningRule:
    return EarningRule.objects.create(program=program, action=action, points=points, **caps)


def merchant_of(municipality, program: Program, *, verified: bool = True, owner=None) -> Merchant:
    owner = owner or with_role(municipality, Role.MERCHANT, mfa=False)
    merchant = Merchant.objects.create(
        program=program,
        municipality=municipality,
        owner=owner,
        name="Boulangerie du Coin",
        category="bakery",
        address="1 rue Principale",
        verified_at=timezone.now() if verified else None,
    )
    if verified:
        Account.objects.create(program=program, kind=Account.Kind.MERCHANT, merchant=merchant)
    return merchant
