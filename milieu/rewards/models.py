"""The points ledger: double-entry and append-only.

A `Posting` is one movement of points, made of `Entry` rows whose amounts sum to zero. Entries
are never updated or deleted (database triggers refuse it); a correction is a new posting.
`Account.balance` is a cache of the sum of its entries, maintained in the same transaction and
rebuilt by `manage.py rewards_check`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Program(models.Model):
    """A points program: one municipality's, or one shared by a region."""

    municipality = models.OneToOneField(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards_program",
    )
    region = models.OneToOneField(
        "territory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards_program",
    )
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, region__isnull=True)
                | Q(municipality__isnull=True, region__isnull=False),
                name="program_one_scope",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    class Kind(models.TextChoices):
        WALLET = "wallet", _("Citizen wallet")
        ISSUANCE = "issuance", _("Program issuance")
        MUNICIPAL_SERVICES = "municipal_services", _("Municipal services")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reward_accounts",
    )
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Only the issuance account (where points come from) may go below zero.
            models.CheckConstraint(
                condition=Q(kind="issuance") | Q(balance__gte=0), name="account_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind="wallet", user__isnull=False) | ~Q(kind="wallet"),
                name="wallet_has_owner",
            ),
            models.UniqueConstraint(
                fields=["program", "user"],
                condition=Q(kind="wallet"),
                name="one_wallet_per_program",
            ),
            models.UniqueConstraint(
                fields=["program", "kind"],
                condition=Q(kind__in=["issuance", "municipal_services"]),
                name="one_program_account_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} — {self.get_kind_display()}"


class Posting(models.Model):
    """One movement of points. `key` is the caller's idempotency key: a retried request with the
    same key returns this posting; the same key with other content is refused (`fingerprint`)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="postings")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=30)
    memo = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    # Who made it, kept as a plain id: postings are never updated, not even when a user goes.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="posting_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class Entry(models.Model):
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()  # positive: credit to the account; negative: debit

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="entry_not_zero")]
        indexes = [models.Index(fields=["account", "id"], name="entry_account")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"
