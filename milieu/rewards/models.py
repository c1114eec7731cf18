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
        MERCHANT = "merchant", _("Merchant")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reward_accounts",
    )
    merchant = models.OneToOneField(
        "rewards.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="merchant", merchant__isnull=False) | ~Q(kind="merchant"),
                name="merchant_account_has_merchant",
            ),
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
        indexes = [models.Index(fields=["program", "kind", "created_at"], name="posting_kind_time")]

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


class EarningRule(models.Model):
    """How many points an action earns in a program, with caps per citizen."""

    class Action(models.TextChoices):
        EXCHANGE_COMPLETED = "exchange_completed", _("Completed exchange")
        VOLUNTEER_HOUR = "volunteer_hour", _("Confirmed volunteer hour")
        CONSULTATION_ANSWERED = "consultation_answered", _("Consultation answered")
        EVENT_ATTENDED = "event_attended", _("Event attended")
        PROFILE_COMPLETED = "profile_completed", _("Profile completed")
        LOCAL_PURCHASE = "local_purchase", _("Local purchase (points per dollar)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rules")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    points = models.PositiveIntegerField(_("points (per dollar for purchases)"))
    daily_cap = models.PositiveIntegerField(_("daily cap per citizen"), null=True, blank=True)
    monthly_cap = models.PositiveIntegerField(_("monthly cap per citizen"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "action"], name="earning_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.get_action_display()} = {self.points}"


class Merchant(models.Model):
    """A local business taking part in a program, verified by the city before it can act."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="merchants")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="merchants"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merchants"
    )
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=60)
    address = models.CharField(_("address"), max_length=200)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["municipality", "name"], name="merchant_list")]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """What points buy: at a merchant, or a municipal service when `merchant` is empty."""

    class Kind(models.TextChoices):
        DISCOUNT = "discount", _("Discount")
        VIP_SEATS = "vip_seats", _("VIP seats")
        PRIORITY_ACCESS = "priority_access", _("Priority access")
        PRODUCT = "product", _("Product")
        MUNICIPAL_SERVICE = "municipal_service", _("Municipal service credit")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="offers")
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, null=True, blank=True, related_name="offers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    points_price = models.PositiveIntegerField(_("price in points"))
    quantity = models.PositiveIntegerField(_("quantity available"))
    per_person_limit = models.PositiveIntegerField(_("limit per person"), default=1)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        indexes = [models.Index(fields=["program", "active", "valid_until"], name="offer_list")]
        constraints = [
            models.CheckConstraint(condition=Q(points_price__gt=0), name="offer_price_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="offer_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Voucher(models.Model):
    """What a redemption gives the citizen: a single-use code (shown as a signed QR) that the
    merchant, or the city, validates once."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="vouchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vouchers"
    )
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="voucher")
    code = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["offer", "user"], name="voucher_offer_user")]

    def __str__(self) -> str:
        return self.code
