"""The benchmark dataset (`manage.py bench_generate`), built at a tiny scale in the test database.

Every build runs inside the test's transaction (COPY on PostgreSQL, executemany on SQLite), so
nothing outlives a test; `connection.check_constraints()` checks the foreign keys that the
rolled-back transaction would otherwise never check.
"""

import hashlib
import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Sum

from milieu.accounts.models import CitizenId, TrustLevel, User
from milieu.accounts.selectors.identity import trust_level
from milieu.accounts.services.identity import citizen_id_number_is_valid
from milieu.core.bench import BENCH_EMAIL_DOMAIN
from milieu.notifications import registry
from milieu.notifications.alerts import alert_key, audience_queryset
from milieu.notifications.models import (
    Alert,
    Delivery,
    DeliverySettings,
    DistrictFollow,
    Notification,
    Preference,
)
from milieu.notifications.selectors import PAGE_SIZE, notification_page
from milieu.rewards import ledger
from milieu.rewards.bench import GRANT, GRANT_KIND
from milieu.rewards.models import Account, Entry, Merchant, Offer, Posting, Voucher
from milieu.rewards.services_offers import offer_redeem
from milieu.territory.models import District, Municipality

SCALE = 0.002
DAY = datetime.now(UTC).date()  # offers and citizen ids are valid from the dataset's day on


def build(*, seed: int = 2026, day: date = DAY, scale: float = SCALE) -> None:
    call_command("bench_generate", scale=scale, seed=seed, date=day.isoformat(), stdout=StringIO())


@pytest.fixture
def manifest(db, tmp_path):
    path = tmp_path / "manifest.json"
    call_command(
        "bench_generate",
        scale=SCALE,
        date=DAY.isoformat(),
        manifest=str(path),
        stdout=StringIO(),
    )
    return json.loads(path.read_text())


def residents() -> set[int]:
    """Everyone the accounts generator made a resident (roles excluded)."""
    return set(
        User.objects.filter(
            email__startswith="resident-", email__endswith=BENCH_EMAIL_DOMAIN
        ).values_list("pk", flat=True)
    )


def sample_users(manifest: dict) -> list[tuple[User, str]]:
    emails = {e: slug for slug, es in manifest["accounts"]["residents"].items() for e in es}
    users = User.objects.filter(email__in=emails)
    return [(user, emails[user.email]) for user in users]


def share(part: int, whole: int) -> float:
    return part / whole


# --- proportions ---------------------------------------------------------------------------------


def test_a_tiny_build_makes_each_part_in_its_proportion(manifest):
    people = residents()
    samples = {user.pk for user, _slug in sample_users(manifest)}
    others = people - samples
    with_settings = set(DeliverySettings.objects.values_list("user_id", flat=True))
    with_preferences = set(Preference.objects.values_list("user_id", flat=True))
    followers = set(DistrictFollow.objects.values_list("user_id", flat=True))
    wallets = set(
        Account.objects.filter(kind=Account.Kind.WALLET).values_list("user_id", flat=True)
    )

    assert 0.14 < share(len(with_settings & people), len(people)) < 0.26
    assert 0.22 < share(len(with_preferences & people), len(people)) < 0.38
    assert 0.01 < share(len(followers & others), len(others)) < 0.10
    assert samples <= followers
    assert samples <= wallets
    assert 0.40 < share(len(wallets & others), len(others)) < 0.60
    assert Posting.objects.count() == round(1_000_000 * SCALE)
    assert Entry.objects.count() == 2 * round(1_000_000 * SCALE)
    redemptions = Posting.objects.filter(kind="redeem").count()
    assert 0.05 < share(redemptions, Posting.objects.count()) < 0.25
    assert Voucher.objects.count() == redemptions
    read = Notification.objects.filter(read_at__isnull=False).count()
    assert 0.60 < share(read, Notification.objects.count()) < 0.80
    emails = Delivery.objects.filter(channel=registry.EMAIL).exclude(status=Delivery.Status.DIGEST)
    sent = emails.filter(status=Delivery.Status.SENT).count()
    assert sent / emails.count() > 0.9
    assert set(
        Delivery.objects.filter(channel=registry.IN_APP).values_list("status", flat=True)
    ) == {Delivery.Status.SENT}


def test_every_municipality_has_a_year_of_alerts_and_a_program_with_merchants_and_offers(manifest):
    for municipality in Municipality.objects.all():
        alerts = Alert.objects.filter(municipality=municipality)
        assert alerts.filter(status=Alert.Status.SENT).count() >= 30
        assert alerts.filter(status=Alert.Status.SENT, urgent=True).exists()
        assert alerts.filter(status=Alert.Status.SENT, districts__isnull=False).exists()
        assert alerts.filter(status=Alert.Status.DRAFT).exists()
        assert alerts.filter(status=Alert.Status.SCHEDULED).exists()
        program = municipality.rewards_program
        assert program.accounts.filter(kind=Account.Kind.ISSUANCE).count() == 1
        assert program.accounts.filter(kind=Account.Kind.MUNICIPAL_SERVICES).count() == 1
        assert program.rules.count() == 6
        merchants = Merchant.objects.filter(municipality=municipality, verified_at__isnull=False)
        assert merchants.count() >= 2
        assert Offer.objects.filter(program=program, merchant__isnull=True).count() == 3
        assert Offer.objects.filter(merchant__in=merchants).count() == 3 * merchants.count()


def test_the_latest_city_wide_alerts_reach_their_whole_audience_as_the_fan_out_would(manifest):
    for municipality in Municipality.objects.all():
        city_wide = Alert.objects.filter(
            municipality=municipality, status=Alert.Status.SENT, districts__isnull=True
        ).order_by("-sent_at")[:3]
        for alert in city_wide:
            audience = set(
                audience_queryset(
                    municipality=municipality, topic=registry.topic(alert.topic), district_ids=[]
                ).values_list("pk", flat=True)
            )
            notified = set(alert.notifications.values_list("user_id", flat=True))
            assert notified == audience
            assert alert.audience_size == len(audience)
            assert set(alert.notifications.values_list("key", flat=True)) == {alert_key(alert.pk)}


def test_every_sent_alert_records_the_audience_that_the_real_query_counts(manifest):
    for alert in Alert.objects.filter(status=Alert.Status.SENT).select_related("municipality"):
        assert alert.audience_size == (
            audience_queryset(
                municipality=alert.municipality,
                topic=registry.topic(alert.topic),
                district_ids=alert.districts.values_list("pk", flat=True),
            ).count()
        )


# --- determinism -------------------------------------------------------------------------------


class _Undo(Exception):
    def __init__(self, digest: str) -> None:
        self.digest = digest


DIGESTED = [
    (User, ["id", "email", "display_name", "preferred_language", "date_joined"]),
    (DeliverySettings, ["id", "user_id", "quiet_start", "quiet_end", "digest", "sms_number"]),
    (Preference, ["id", "user_id", "topic", "channel", "enabled"]),
    (DistrictFollow, ["id", "user_id", "district_id"]),
    (Alert, ["id", "municipality_id", "topic", "title_fr", "body_es", "status", "sent_at"]),
    (Notification, ["id", "user_id", "municipality_id", "key", "title", "created_at", "read_at"]),
    (Delivery, ["id", "notification_id", "channel", "status", "provider_id", "updated_at"]),
    (Account, ["id", "program_id", "kind", "user_id", "merchant_id", "balance", "created_at"]),
    (Posting, ["id", "program_id", "key", "kind", "memo", "fingerprint", "created_at"]),
    (Entry, ["id", "posting_id", "account_id", "amount"]),
    (Merchant, ["id", "municipality_id", "owner_id", "name", "verified_at"]),
    (Offer, ["id", "program_id", "merchant_id", "title", "points_price", "valid_until"]),
    (Voucher, ["id", "offer_id", "user_id", "posting_id", "code", "validated_at"]),
]


def digest() -> str:
    """A digest of the rows of a few tables. Territories are named by slug: their primary keys
    come from sequences, which a rolled-back transaction does not rewind on PostgreSQL."""
    municipalities = dict(Municipality.objects.values_list("pk", "slug"))
    districts = {
        pk: f"{municipalities[m]}/{slug}"
        for pk, m, slug in District.objects.values_list("pk", "municipality_id", "slug")
    }
    names = {"municipality_id": municipalities, "district_id": districts}
    hasher = hashlib.sha256()
    for model, fields in DIGESTED:
        maps = [names.get(field) for field in fields]
        for row in model.objects.order_by("pk").values_list(*fields):
            named = [
                m[v] if m is not None and v is not None else v
                for m, v in zip(maps, row, strict=True)
            ]
            hasher.update(repr(named).encode())
    return hasher.hexdigest()


def build_and_forget(**options) -> str:
    """Build in a savepoint, digest the rows, and roll everything back."""
    try:
        with transaction.atomic():
            build(**options)
            raise _Undo(digest())
    except _Undo as undone:
        return undone.digest


@pytest.mark.django_db
def test_the_same_seed_and_day_give_the_same_rows():
    first = build_and_forget()
    assert not User.objects.filter(email__endswith=BENCH_EMAIL_DOMAIN).exists()

    again = build_and_forget()
    other_seed = build_and_forget(seed=7)

    assert again == first
    assert other_seed != first


@pytest.mark.django_db
def test_a_second_build_into_the_same_database_is_refused_and_adds_nothing():
    build()
    users, postings = User.objects.count(), Posting.objects.count()

    with pytest.raises(CommandError, match="already holds a benchmark dataset"):
        build()

    assert (User.objects.count(), Posting.objects.count()) == (users, postings)


# --- the ledger ------------------------------------------------------------------------------------


def test_the_ledger_is_consistent_and_every_posting_sums_to_zero(manifest):
    report = ledger.check()

    assert report.ok
    assert report.accounts == Account.objects.count()
    per_posting = Entry.objects.values("posting").annotate(total=Sum("amount"), n=Count("pk"))
    assert {(row["total"], row["n"]) for row in per_posting} == {(0, 2)}
    out = StringIO()
    call_command("rewards_check", stdout=out)
    assert out.getvalue().splitlines()[-1] == "The ledger is consistent."


def test_no_wallet_goes_below_zero_at_any_point_of_its_history(manifest):
    running: dict[int, int] = {}
    lowest = 0
    entries = Entry.objects.filter(account__kind=Account.Kind.WALLET).order_by("account_id", "pk")
    for account_id, amount in entries.values_list("account_id", "amount"):
        running[account_id] = running.get(account_id, 0) + amount
        lowest = min(lowest, running[account_id])

    assert lowest == 0
    balances = dict(Account.objects.filter(kind=Account.Kind.WALLET).values_list("pk", "balance"))
    assert running == balances


def test_the_dataset_satisfies_every_database_constraint(manifest):
    connection.check_constraints()  # foreign keys included, which the test never commits

    assert (
        not Voucher.objects.values("offer", "user")
        .annotate(n=Count("pk"))
        .filter(n__gt=1, offer__per_person_limit__lt=2)
    )


def test_awards_and_redemptions_follow_the_services_conventions(manifest):
    purchase = Posting.objects.filter(kind="earn:local_purchase").first()
    redemption = Posting.objects.filter(kind="redeem").select_related("voucher").first()

    assert purchase.key.startswith("till:")
    assert purchase.memo.startswith("merchant=")
    assert purchase.created_by_id is not None
    assert redemption.key.startswith(f"redeem:{redemption.created_by_id}:")
    assert redemption.memo == f"offer:{redemption.voucher.offer_id}"
    lines = dict(redemption.entries.values_list("account_id", "amount"))
    assert redemption.fingerprint == ledger._fingerprint("redeem", redemption.memo, lines)


# --- what the load harness uses --------------------------------------------------------------------


def test_every_sample_resident_has_a_valid_citizen_id_a_wallet_and_a_full_page_of_notifications(
    manifest,
):
    samples = sample_users(manifest)
    assert len(samples) == sum(len(e) for e in manifest["accounts"]["residents"].values())
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    # The dataset's clock: midnight (UTC) of the day it is built for.
    with time_machine.travel(datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC), tick=False):
        for user, slug in samples:
            municipality = municipalities[slug]
            citizen_id = CitizenId.objects.get(user=user, revoked_at__isnull=True)
            assert citizen_id_number_is_valid(citizen_id.number)
            assert trust_level(user=user, municipality=municipality) >= TrustLevel.RESIDENT
            wallet = Account.objects.get(kind=Account.Kind.WALLET, user=user)
            assert wallet.program.municipality == municipality
            assert wallet.balance >= 900_000
            assert wallet.entries.filter(posting__kind=GRANT_KIND, amount=GRANT).count() == 1
            page = notification_page(user=user)
            assert len(page.items) == PAGE_SIZE
            assert page.next_cursor is not None


def test_the_manifest_lists_merchants_and_offers_that_exist(manifest):
    merchants = manifest["merchants"]
    assert sum(1 for m in merchants if m["municipality"] == "brossard") >= 8
    assert {m["municipality"] for m in merchants} > {"brossard"}
    for item in merchants:
        merchant = Merchant.objects.select_related("owner", "municipality").get(
            pk=item["merchant_id"]
        )
        assert merchant.owner.email == item["email"]
        assert merchant.municipality.slug == item["municipality"]
        assert merchant.verified_at is not None
        assert Account.objects.filter(merchant=merchant, kind=Account.Kind.MERCHANT).exists()
    assert {o["municipality"] for o in manifest["offers"]} == set(
        Municipality.objects.values_list("slug", flat=True)
    )
    for item in manifest["offers"]:
        offer = Offer.objects.select_related("program__municipality").get(pk=item["id"])
        assert offer.program.municipality.slug == item["municipality"]
        assert offer.points_price == item["points_price"] <= 25
        assert offer.active
        assert offer.quantity >= 1_000_000
        assert offer.per_person_limit >= 10_000


def test_a_sample_resident_redeems_a_manifest_offer_through_the_real_service(manifest):
    user, slug = sample_users(manifest)[0]
    offer = Offer.objects.get(
        pk=next(o["id"] for o in manifest["offers"] if o["municipality"] == slug)
    )
    wallet = Account.objects.get(kind=Account.Kind.WALLET, user=user)

    vouchers = [offer_redeem(actor=user, offer=offer, key=f"harness-{n}") for n in range(3)]

    wallet.refresh_from_db()
    assert len({v.pk for v in vouchers}) == 3
    assert wallet.balance == wallet.entries.aggregate(total=Sum("amount"))["total"]
    assert ledger.check().ok
