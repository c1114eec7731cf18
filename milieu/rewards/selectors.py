"""Reads of the rewards program: wallets and their history, merchants."""

from django.db.models import QuerySet

from milieu.accounts.models import Role, User
from milieu.core.errors import NotFound
from milieu.territory.models import Municipality

from .models import Account, EarningRule, Entry, Merchant, Program


def wallet_list(*, visible_to: User) -> QuerySet[Account]:
    """The person's wallets, one per program they earned in."""
    return (
        Account.objects.filter(kind=Account.Kind.WALLET, user=visible_to)
        .select_related("program")
        .order_by("program__name", "pk")
    )


def wallet_history(*, visible_to: User) -> QuerySet[Entry]:
    """Every movement on the person's wallets, newest first."""
    return (
        Entry.objects.filter(account__kind=Account.Kind.WALLET, account__user=visible_to)
        .select_related("posting", "account__program")
        .order_by("-pk")
    )


def earning_rule_list(*, program: Program) -> list[EarningRule]:
    """One rule per action, the unsaved ones (no points yet) included, in the choices' order."""
    saved = {rule.action: rule for rule in EarningRule.objects.filter(program=program)}
    return [
        saved.get(action) or EarningRule(program=program, action=action, points=0, active=False)
        for action in EarningRule.Action.values
    ]


def merchant_list(*, municipality: Municipality) -> QuerySet[Merchant]:
    return (
        Merchant.objects.filter(municipality=municipality)
        .select_related("owner")
        .order_by("name", "pk")
    )


def merchant_get(*, municipality: Municipality, merchant_id: int) -> Merchant:
    merchant = (
        Merchant.objects.filter(municipality=municipality, pk=merchant_id)
        .select_related("municipality", "program")
        .first()
    )
    if merchant is None:
        raise NotFound(_not_found())
    return merchant


def merchant_role_municipalities(*, visible_to: User) -> QuerySet[Municipality]:
    """The municipalities where the person holds an active merchant role."""
    return (
        Municipality.objects.filter(
            role_assignments__user=visible_to,
            role_assignments__role=Role.MERCHANT,
            role_assignments__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def merchants_owned(*, visible_to: User, verified_only: bool = True) -> QuerySet[Merchant]:
    merchants = Merchant.objects.filter(owner=visible_to).select_related("program", "municipality")
    if verified_only:
        merchants = merchants.filter(verified_at__isnull=False)
    return merchants.order_by("name", "pk")


def merchant_owned_get(*, visible_to: User, merchant_id: int) -> Merchant:
    merchant = merchants_owned(visible_to=visible_to, verified_only=False).filter(pk=merchant_id)
    found = merchant.first()
    if found is None:
        raise NotFound(_not_found())
    return found


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("No such merchant.")
