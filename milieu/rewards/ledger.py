"""The one way points move: `post`. Double-entry, idempotent, never below zero.

Every other rewards service (awards, purchases, redemptions, corrections) builds its entries and
calls `post`. Concurrency: the accounts of a posting are locked in primary-key order
(`select_for_update` on PostgreSQL; SQLite transactions are `IMMEDIATE`, so writers are
serialised), the resulting balances are checked under the lock, and a CHECK constraint refuses a
negative balance even if a bug got past the check.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict

from .models import Account, Entry, Posting, Program
from .selectors import wallets_forget


class InsufficientPoints(ApplicationError):
    status_code = 409
    code = "insufficient_points"


def _fingerprint(kind: str, memo: str, lines: dict[int, int]) -> str:
    canonical = json.dumps(
        {"kind": kind, "memo": memo, "lines": sorted(lines.items())}, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(program: Program, key: str, fingerprint: str) -> Posting | None:
    existing = Posting.objects.filter(program=program, key=key).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise Conflict(
            _("This idempotency key was already used for a different movement of points."),
            code="idempotency_conflict",
        )
    return existing


def post(
    *,
    program: Program,
    key: str,
    kind: str,
    entries: Sequence[tuple[Account, int]],
    memo: str = "",
    created_by=None,
) -> Posting:
    """Record one movement of points: `entries` are (account, amount) and must sum to zero.

    Replaying the same `key` with the same content returns the first posting and moves nothing;
    the same key with other content is a conflict. A non-issuance account that would go below
    zero refuses the whole posting.
    """
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise ApplicationError(_("An idempotency key of 1 to 200 characters is required."))
    lines: dict[int, int] = defaultdict(int)
    for account, amount in entries:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
            raise ApplicationError(_("Amounts are whole, non-zero numbers of points."))
        if account.program_id != program.pk:
            raise ApplicationError(_("Every account must belong to the program."))
        lines[account.pk] += amount
    lines = {pk: amount for pk, amount in lines.items() if amount}
    if len(lines) < 2 or sum(lines.values()) != 0:
        raise ApplicationError(_("A posting needs entries on two accounts that sum to zero."))
    fingerprint = _fingerprint(kind, memo, lines)

    with transaction.atomic():
        replay = _replay(program, key, fingerprint)
        if replay is not None:
            return replay
        accounts = {
            a.pk: a for a in Account.objects.select_for_update().filter(pk__in=lines).order_by("pk")
        }
        for pk, amount in lines.items():
            account = accounts[pk]
            if account.kind != Account.Kind.ISSUANCE and account.balance + amount < 0:
                raise InsufficientPoints(
                    _("Not enough points: %(balance)d available, %(needed)d needed.")
                    % {"balance": account.balance, "needed": -amount}
                )
        try:
            with transaction.atomic():
                posting = Posting.objects.create(
                    program=program,
                    key=key,
                    kind=kind,
                    memo=memo[:200],
                    fingerprint=fingerprint,
                    created_by=created_by,
                )
        except IntegrityError:  # the same key committed by a concurrent request meanwhile
            replay = _replay(program, key, fingerprint)
            assert replay is not None
            return replay
        Entry.objects.bulk_create(
            [Entry(posting=posting, account_id=pk, amount=amount) for pk, amount in lines.items()]
        )
        for pk, amount in lines.items():
            Account.objects.filter(pk=pk).update(balance=F("balance") + amount)
        wallets_forget(a.user_id for a in accounts.values() if a.user_id is not None)
    return posting


def program_account(program: Program, kind: str) -> Account:
    account, _created = Account.objects.get_or_create(program=program, kind=kind)
    return account


def wallet(program: Program, user) -> Account:
    account, created = Account.objects.get_or_create(
        program=program, kind=Account.Kind.WALLET, user=user
    )
    if created:
        wallets_forget([user.pk])
    return account


@dataclass
class CheckReport:
    accounts: int
    mismatched: list[tuple[int, int, int]]  # (account id, cached balance, sum of entries)
    unbalanced_postings: list[int]
    total: int  # sum of every entry: 0 when debits equal credits

    @property
    def ok(self) -> bool:
        return not self.mismatched and not self.unbalanced_postings and self.total == 0


def check(*, repair: bool = False) -> CheckReport:
    """Rebuild every balance from the entries and report differences (and fix the cache with
    `repair`; entries themselves are never touched)."""
    sums = dict(
        Entry.objects.values("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    mismatched = []
    count = 0
    for account_id, balance in Account.objects.values_list("pk", "balance").iterator():
        count += 1
        actual = sums.get(account_id) or 0
        if actual != balance:
            mismatched.append((account_id, balance, actual))
            if repair:
                Account.objects.filter(pk=account_id).update(balance=actual)
                wallets_forget(
                    Account.objects.filter(pk=account_id, user__isnull=False).values_list(
                        "user_id", flat=True
                    )
                )
    unbalanced = list(
        Entry.objects.values("posting")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .values_list("posting", flat=True)
    )
    total = Entry.objects.aggregate(total=Sum("amount"))["total"] or 0
    return CheckReport(count, mismatched, unbalanced, total)
