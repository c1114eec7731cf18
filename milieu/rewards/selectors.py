"""Reads of the rewards program: wallets and their history, merchants."""

import secrets
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from milieu.accounts.models import Role, User
from milieu.core import prefetch
from milieu.core.compiled import CompiledQuery
from milieu.core.errors import NotFound
from milieu.territory.models import Municipality

from .models import Account, EarningRule, Entry, Merchant, Program

WALLETS_CACHE_SECONDS = 300


def wallets_cache_key(user_id: int) -> str:
    return f"rewards:wallets:v1:{user_id}"


def wallets_version(*, user: User) -> str:
    """The version of the person's wallets and their history: random, new whenever it is read
    again after a posting on one of their wallets or a new wallet forgot it (`wallets_forget`).
    Lists cached under it never need forgetting themselves. Set before the lists are read, so a
    posting that commits meanwhile forgets it."""
    key = wallets_cache_key(user.pk)
    version = prefetch.get(user, key)
    if version is None:
        version = secrets.token_hex(6)
        prefetch.put(user, key, version, WALLETS_CACHE_SECONDS, now=True)  # now: see above
    return version


def wallets_forget(user_ids: Iterable[int]) -> None:
    """Forget the versions of these people's wallets, now and again after the commit."""
    prefetch.forget(wallets_cache_key(user_id) for user_id in user_ids)


def wallet_list(*, visible_to: User) -> QuerySet[Account]:
    """The person's wallets, one per program they earned in."""
    return (
        Account.objects.filter(kind=Account.Kind.WALLET, user=visible_to)
        .select_related("program")
        .order_by("program__name", "pk")
    )


MY_WALLETS = CompiledQuery(
    lambda user_id: (
        Account.objects.filter(kind=Account.Kind.WALLET, user_id=user_id)
        .order_by("program__name", "pk")
        .values_list("id", "program__name", "balance")
    )
)


def my_wallets(*, user: User) -> list[dict]:
    """My wallets as the API shows them (id, program name, balance), from a query compiled
    once per process (`core.compiled`)."""
    return [
        {"id": pk, "program": program, "balance": balance}
        for pk, program, balance in MY_WALLETS.rows(user.pk)
    ]


HISTORY_PAGE = 20
_HISTORY_FIELDS = ("id", "amount", "posting__kind", "account__program__name", "posting__created_at")
MY_HISTORY_COUNT = CompiledQuery(  # one row (the count) grouped by the person, none if none
    lambda user_id: (
        Entry.objects.filter(account__kind=Account.Kind.WALLET, account__user_id=user_id)
        .order_by()
        .values("account__user_id")
        .annotate(entries=Count("pk"))
        .values_list("entries")
    )
)
MY_HISTORY_FIRST_PAGE = CompiledQuery(
    lambda user_id: (
        Entry.objects.filter(account__kind=Account.Kind.WALLET, account__user_id=user_id)
        .order_by("-pk")
        .values_list(*_HISTORY_FIELDS)[:HISTORY_PAGE]
    ),
    converted=True,
)


def my_history(*, user: User, limit: int, offset: int) -> dict:
    """A page of my history as the API shows it ({"items": [...], "count": n}, newest first);
    the first page of the default size from queries compiled once per process."""
    if (limit, offset) == (HISTORY_PAGE, 0):
        rows = MY_HISTORY_FIRST_PAGE.rows(user.pk)
        counted = MY_HISTORY_COUNT.rows(user.pk)
        count = counted[0][0] if counted else 0
    else:
        history = wallet_history(visible_to=user)
        rows = list(history.values_list(*_HISTORY_FIELDS)[offset : offset + limit])
        count = history.count()
    items = [
        {"id": pk, "amount": amount, "kind": kind, "program": program, "created_at": at}
        for pk, amount, kind, program, at in rows
    ]
    return {"items": items, "count": count}


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
