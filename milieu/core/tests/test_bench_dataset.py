"""The benchmark dataset (`manage.py bench_generate`), built at a tiny scale in the test database.

Every build runs inside the test's transaction (COPY on PostgreSQL, executemany on SQLite), so
nothing outlives a test; `connection.check_constraints()` checks the foreign keys that the
rolled-back transaction would otherwise never check.
"""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum

from milieu.accounts.models import CitizenId, Membership, TrustLevel, User
from milieu.accounts.selectors.identity import trust_level
from milieu.accounts.services.identity import citizen_id_number_is_valid
from milieu.community import choices, matching, search
from milieu.community.models import (
    Block,
    BuddyProfile,
    Comment,
    CommunityProfile,
    Conversation,
    ConversationMember,
    Follow,
    Group,
    GroupMembership,
    Message,
    ModerationAction,
    NetiquetteAcceptance,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
    PairingFeedback,
    Post,
    Reaction,
    Report,
    SearchEntry,
    Suspension,
)
from milieu.community.services.common import require_can_speak
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
    # community
    (User, ["id", "profile_visibility"]),
    (CommunityProfile, ["id", "user_id", "handle", "bio", "interests", "created_at"]),
    (Follow, ["id", "follower_id", "followed_id", "created_at"]),
    (Block, ["id", "blocker_id", "blocked_id"]),
    (Group, ["id", "municipality_id", "slug", "visibility", "member_count", "last_post_at"]),
    (GroupMembership, ["id", "group_id", "user_id", "role", "status", "joined_at"]),
    (Post, ["id", "district_id", "group_id", "author_id", "body", "created_at", "hidden_at"]),
    (Comment, ["id", "post_id", "author_id", "body", "created_at", "hidden_at"]),
    (Reaction, ["id", "post_id", "user_id", "kind", "created_at"]),
    (Conversation, ["id", "municipality_id", "pair_key", "title", "last_message_at"]),
    (ConversationMember, ["id", "conversation_id", "user_id", "last_read_at", "left_at"]),
    (Message, ["id", "conversation_id", "author_id", "body", "created_at"]),
    (Report, ["id", "reporter_id", "target", "status", "created_at", "closed_by_id"]),
    (ModerationAction, ["id", "moderator_id", "action", "target", "report_id", "created_at"]),
    (Suspension, ["id", "user_id", "starts_at", "ends_at", "lifted_at"]),
    (NetiquetteAcceptance, ["id", "user_id", "municipality_id", "version", "accepted_at"]),
    (NewcomerProfile, ["id", "user_id", "languages_spoken", "needs", "seeking", "updated_at"]),
    (BuddyProfile, ["id", "user_id", "languages", "capacity", "active"]),
    (Pairing, ["id", "newcomer_id", "buddy_id", "state", "explanation", "ended_at"]),
    (PairingFeedback, ["id", "pairing_id", "author_id", "rating"]),
    (NewcomerResource, ["id", "municipality_id", "name", "description_es", "published"]),
    (SearchEntry, ["id", "kind", "object_id", "municipality_id", "group_id", "text"]),
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


# --- the community -------------------------------------------------------------------------------


def test_the_community_has_each_part_in_its_proportion(manifest):
    people = residents()
    samples = {user.pk for user, _slug in sample_users(manifest)}
    others = people - samples
    profiled = set(CommunityProfile.objects.values_list("user_id", flat=True))
    posts = Post.objects.count()

    assert samples <= profiled
    assert 0.22 < share(len(profiled & others), len(others)) < 0.45
    assert 0.8 < share(posts, len(people)) < 1.2
    assert 0.55 < share(Post.objects.filter(district__isnull=False).count(), posts) < 0.8
    assert 1.6 < share(Comment.objects.count(), posts) < 2.4
    assert 2.4 < share(Reaction.objects.count(), posts) < 3.6
    assert set(Post.objects.values_list("language", flat=True)) >= {"fr", "en"}
    assert Post.objects.filter(language="fr").count() > posts / 2
    assert Post.objects.filter(hidden_at__isnull=False).exists()
    assert Follow.objects.exists()
    assert Block.objects.exists()
    assert Report.objects.filter(status=Report.Status.OPEN).exists()
    assert ModerationAction.objects.filter(action=ModerationAction.Action.HIDE).exists()
    assert Suspension.objects.exists()
    conversations = Conversation.objects.count()
    assert 0.7 < share(Conversation.objects.filter(is_group=False).count(), conversations) < 0.95
    assert 6 < share(Message.objects.count(), conversations) < 10
    assert Pairing.objects.exists()
    sizes = {m["slug"]: m["residents"] for m in manifest["municipalities"]}
    for municipality in Municipality.objects.all():
        groups = Group.objects.filter(municipality=municipality)
        assert groups.count() >= 2
        assert groups.filter(official=True).exists()
        assert NewcomerResource.objects.filter(municipality=municipality).count() == 10
        if sizes[municipality.slug] >= 4:
            assert NewcomerProfile.objects.filter(municipality=municipality).exists()
            assert BuddyProfile.objects.filter(municipality=municipality).exists()
    assert Group.objects.filter(visibility=Group.Visibility.ON_REQUEST).exists()
    assert GroupMembership.objects.filter(status=GroupMembership.Status.PENDING).exists()
    languages = {
        code
        for spoken in NewcomerProfile.objects.values_list("languages_spoken", flat=True)
        for code in spoken
    }
    assert len(languages) >= 5
    assert set(Pairing.objects.values_list("state", flat=True)) == set(Pairing.State.values)


def test_the_community_counters_are_those_of_the_rows(manifest):
    out = StringIO()
    call_command("community_check", stdout=out)
    assert out.getvalue().splitlines()[-1] == "The community's counters are consistent."
    assert Post.objects.filter(group__isnull=False, hidden_at__isnull=False).exists()
    comments = dict(
        Comment.objects.filter(hidden_at__isnull=True)
        .values_list("post")
        .annotate(n=Count("pk"))
        .values_list("post", "n")
    )
    reactions = dict(
        Reaction.objects.values_list("post").annotate(n=Count("pk")).values_list("post", "n")
    )
    for pk, comment_count, reaction_count in Post.objects.values_list(
        "pk", "comment_count", "reaction_count"
    ):
        assert comment_count == comments.get(pk, 0)
        assert reaction_count == reactions.get(pk, 0)
    for group in Group.objects.all():
        posts = Post.objects.filter(group=group)  # hidden or not, as the services count them
        active = group.memberships.filter(status=GroupMembership.Status.ACTIVE)
        assert group.member_count == active.count()
        assert group.post_count == posts.count()
        assert group.last_post_at == posts.aggregate(last=Max("created_at"))["last"]
        assert 1 <= active.filter(role=GroupMembership.Role.ADMIN).count() <= 3
        assert active.filter(user=group.created_by, role=GroupMembership.Role.ADMIN).exists()
    last = dict(
        Message.objects.values_list("conversation")
        .annotate(last=Max("created_at"))
        .values_list("conversation", "last")
    )
    for conversation in Conversation.objects.prefetch_related("members"):
        people = sorted(m.user_id for m in conversation.members.all())
        assert conversation.last_message_at == last[conversation.pk]
        if conversation.is_group:
            assert conversation.pair_key is None
            assert 3 <= len(people) <= 6
        else:
            assert conversation.pair_key == f"{people[0]}:{people[1]}"


def test_every_post_is_in_one_feed_of_its_municipality_by_someone_who_may_post_there(manifest):
    districts = dict(District.objects.values_list("pk", "municipality_id"))
    homes = {
        (user, municipality): district
        for user, municipality, district in Membership.objects.filter(is_home=True).values_list(
            "user_id", "municipality_id", "district_id"
        )
    }
    members = set(
        GroupMembership.objects.filter(status=GroupMembership.Status.ACTIVE).values_list(
            "group_id", "user_id"
        )
    )
    group_towns = dict(Group.objects.values_list("pk", "municipality_id"))
    accepted = {
        (user, municipality): at
        for user, municipality, at in NetiquetteAcceptance.objects.filter(version=0).values_list(
            "user_id", "municipality_id", "accepted_at"
        )
    }
    profiled = set(CommunityProfile.objects.values_list("user_id", flat=True))
    rows = Post.objects.values_list(
        "municipality_id", "district_id", "group_id", "author_id", "created_at"
    )
    for municipality, district, group, author, created in rows:
        assert (district is None) != (group is None)
        if district is not None:
            assert districts[district] == municipality
            assert homes[(author, municipality)] == district
        else:
            assert group_towns[group] == municipality
            assert (group, author) in members
        assert accepted[(author, municipality)] <= created
        assert author in profiled
    assert not Follow.objects.filter(follower__blocks__blocked=F("followed")).exists()
    assert not Comment.objects.filter(post__author__blocks__blocked=F("author")).exists()
    # Everyone who commented or wrote accepted the netiquette where they did it.
    for user, municipality in Comment.objects.values_list("author_id", "post__municipality_id"):
        assert (user, municipality) in accepted
    for user, municipality in Message.objects.values_list(
        "author_id", "conversation__municipality_id"
    ).distinct():
        assert (user, municipality) in accepted


def test_every_moderation_decision_is_audited_and_shows_on_its_target(manifest):
    hidden = {
        f"{kind}:{pk}"
        for kind, model in (("post", Post), ("comment", Comment), ("message", Message))
        for pk in model.objects.filter(hidden_at__isnull=False).values_list("pk", flat=True)
    }
    actions = ModerationAction.objects.all()
    hides = set(actions.filter(action="hide").values_list("target", flat=True))
    restores = set(actions.filter(action="restore").values_list("target", flat=True))
    assert hidden
    assert hidden == hides - restores
    for post in Post.objects.filter(hidden_at__isnull=False):
        action = actions.get(action="hide", target=f"post:{post.pk}")
        assert (post.hidden_by_id, post.hidden_at, post.hidden_reason) == (
            action.moderator_id,
            action.created_at,
            action.reason,
        )
        assert post.hidden_by.roles.filter(municipality=post.municipality_id).exists()
    for suspension in Suspension.objects.all():
        assert actions.filter(
            action="suspend", subject=suspension.user, created_at=suspension.starts_at
        ).exists()
        if suspension.lifted_at is not None:
            assert actions.filter(
                action="lift", subject=suspension.user, created_at=suspension.lifted_at
            ).exists()
    assert actions.filter(action="lift").count() == (
        Suspension.objects.filter(lifted_at__isnull=False).count()
    )
    for report in Report.objects.select_related("post", "comment", "message"):
        target = report.post or report.comment or report.message
        if target is not None:
            assert report.created_at >= target.created_at
            assert report.target == f"{report.target.split(':')[0]}:{target.pk}"
        assert report.reporter_id != report.subject_id
        assert (report.status == Report.Status.OPEN) == (report.closed_at is None)
    samples = {user.pk for user, _slug in sample_users(manifest)}
    assert not Suspension.objects.filter(user__in=samples).exists()


def test_newcomers_have_at_most_one_pairing_in_progress_and_buddies_keep_to_their_capacity(
    manifest,
):
    in_progress = Pairing.objects.filter(state__in=Pairing.OPEN_STATES)
    per_newcomer = in_progress.values("newcomer").annotate(n=Count("pk"))
    assert {row["n"] for row in per_newcomer} == {1}
    for buddy in BuddyProfile.objects.annotate(
        n=Count("pairings", filter=Q(pairings__state__in=Pairing.OPEN_STATES))
    ):
        assert buddy.n <= buddy.capacity
    pairs = Pairing.objects.values("newcomer", "buddy").annotate(n=Count("pk"))
    assert {row["n"] for row in pairs} == {1}  # two people are proposed to each other once
    blocks = set(Block.objects.values_list("blocker_id", "blocked_id"))
    places = {}
    for pairing in Pairing.objects.select_related("newcomer", "buddy"):
        newcomer, buddy = pairing.newcomer, pairing.buddy
        assert newcomer.municipality_id == buddy.municipality_id == pairing.municipality_id
        assert newcomer.user_id != buddy.user_id
        assert (newcomer.user_id, buddy.user_id) not in blocks
        assert (buddy.user_id, newcomer.user_id) not in blocks
        if pairing.municipality_id not in places:
            places[pairing.municipality_id] = matching._districts(pairing.municipality_id)
        prepared = matching._Newcomer(newcomer, places[pairing.municipality_id])
        assert (pairing.score, pairing.explanation) == matching._score(
            prepared, buddy.district_id, buddy.languages, buddy.interests, buddy.availability
        )
        assert pairing.proposed_by.has_perm("community.coordinate_pairing", pairing.municipality)
        assert pairing.proposed_at >= max(newcomer.created_at, buddy.created_at)
        if pairing.state in Pairing.OPEN_STATES:
            assert newcomer.seeking  # a proposal needs it, and pairing does not change it
        if pairing.state == Pairing.State.ACTIVE:
            assert pairing.started_at == max(
                pairing.newcomer_accepted_at, pairing.buddy_accepted_at
            )
            assert pairing.next_checkin_at == pairing.started_at + timedelta(
                days=14 * (pairing.checkins_sent + 1)
            )
        if pairing.state in (Pairing.State.COMPLETED, Pairing.State.ENDED):
            assert pairing.started_at < pairing.ended_at
        if pairing.state == Pairing.State.DECLINED:
            assert pairing.declined_by_id in (pairing.newcomer.user_id, pairing.buddy.user_id)
    assert set(PairingFeedback.objects.values_list("pairing__state", flat=True)) <= {
        Pairing.State.COMPLETED,
        Pairing.State.ENDED,
    }
    for profile in NewcomerProfile.objects.all():
        assert set(profile.languages_spoken) <= choices.LANGUAGE_CODES
        assert set(profile.needs) <= choices.NEED_KEYS
        assert set(profile.interests) <= choices.INTEREST_KEYS
        assert set(profile.availability) <= choices.AVAILABILITY_KEYS


def test_every_search_entry_is_what_the_index_would_hold_for_its_object(manifest):
    entries = {(e.kind, e.object_id): e for e in SearchEntry.objects.all()}
    expected = {}
    for post in Post.objects.filter(hidden_at__isnull=True):
        expected[("post", post.pk)] = (
            search.normalize(post.body),
            post.municipality_id,
            post.group_id,
        )
    for group in Group.objects.filter(hidden_at__isnull=True):
        text = search.normalize(f"{group.name} {group.description}")
        expected[("group", group.pk)] = (text, group.municipality_id, None)
    visible = User.objects.exclude(profile_visibility=User.Visibility.PRIVATE).filter(
        is_active=True
    )
    for user in visible.select_related("community_profile"):
        profile = user.community_profile
        text = search.normalize(" ".join([user.display_name, profile.handle, profile.bio]))
        expected[("person", user.pk)] = (text, None, None)

    assert set(entries) == set(expected)
    for key, (text, municipality, group) in expected.items():
        entry = entries[key]
        assert (entry.text, entry.municipality_id, entry.group_id) == (text, municipality, group)
    assert any(kind == "person" for kind, _pk in expected)


def test_search_finds_generated_posts_by_a_word_of_them(manifest):
    posts = Post.objects.filter(hidden_at__isnull=True).order_by("pk")
    for post in [posts.first(), posts.last(), posts.filter(language="en").first()]:
        words = search.normalize(post.body).split()
        word = max(words, key=len)
        found = search.matching(word, SearchEntry.objects.filter(kind=SearchEntry.Kind.POST))
        assert post.pk in set(found.values_list("object_id", flat=True))
        prefix = search.matching(f"{words[0]} {word[:4]}")
        assert ("post", post.pk) in set(prefix.values_list("kind", "object_id"))
    hidden = Post.objects.filter(hidden_at__isnull=False).first()
    word = max(search.normalize(hidden.body).split(), key=len)
    assert hidden.pk not in set(
        search.matching(word).filter(kind="post").values_list("object_id", flat=True)
    )
    for slug, place in manifest["community"].items():
        for word in place["search"]:
            scoped = SearchEntry.objects.filter(municipality__slug=slug, kind="post")
            assert search.matching(word, scoped).exists()


def test_the_manifest_lists_community_accounts_and_objects_the_harness_can_use(manifest):
    community, newcomers = manifest["community"], manifest["newcomers"]
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    assert set(community) == set(municipalities)
    samples = dict(sample_users(manifest))
    by_email = {user.email: user for user in samples}
    assert sum(len(place["residents"]) for place in community.values()) > len(samples) / 2
    for slug, place in community.items():
        municipality = municipalities[slug]
        for email in place["residents"]:
            user = by_email[email]  # a sample resident: the harness has their session
            assert samples[user] == slug
            assert GroupMembership.objects.filter(
                user=user, status=GroupMembership.Status.ACTIVE
            ).exists()
            assert ConversationMember.objects.filter(user=user).exists()
            assert Follow.objects.filter(follower=user).exists()
            require_can_speak(user, municipality, action="post")  # netiquette, no suspension
            assert set(place["conversations"][email]) <= set(  # still in them: they open
                ConversationMember.objects.filter(user=user, left_at__isnull=True).values_list(
                    "conversation_id", flat=True
                )
            )
        for district in place["districts"]:
            posts = Post.objects.filter(
                pk__in=district["posts"], district__slug=district["slug"], hidden_at__isnull=True
            )
            assert posts.filter(municipality=municipality).count() == len(district["posts"]) > 0
        for item in place["groups"]:
            group = Group.objects.get(pk=item["id"], municipality=municipality)
            assert (group.slug, group.visibility) == (item["slug"], item["visibility"])
            assert group.posts.filter(pk__in=item["posts"], hidden_at__isnull=True).count() == len(
                item["posts"]
            )
            for email in item["members"]:
                assert by_email[email].has_perm("community.view_group", group)
        handles = CommunityProfile.objects.filter(handle__in=place["people"])
        assert handles.count() == len(place["people"])
        assert not handles.filter(user__profile_visibility=User.Visibility.PRIVATE).exists()
    assert any(g["visibility"] == "on_request" for p in community.values() for g in p["groups"])
    assert newcomers
    assert any(item["newcomer"] and item["buddy"] for item in newcomers.values())
    for slug, item in newcomers.items():
        municipality = municipalities[slug]
        coordinator = User.objects.get(email=item["coordinator"])
        assert coordinator.has_perm("community.coordinate_pairing", municipality)
        assert item["seeking"]
        if item["newcomer"]:
            assert NewcomerProfile.objects.filter(
                user__email=item["newcomer"], municipality=municipality
            ).exists()
        if item["buddy"]:
            assert BuddyProfile.objects.filter(
                user__email=item["buddy"], municipality=municipality
            ).exists()
        assert NewcomerProfile.objects.filter(pk__in=item["seeking"]).count() == len(
            item["seeking"]
        )
        for profile in NewcomerProfile.objects.filter(pk__in=item["seeking"]):
            assert profile.municipality_id == municipality.pk
            assert profile.seeking
            assert not profile.pairings.filter(state__in=Pairing.OPEN_STATES).exists()
