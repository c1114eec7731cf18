"""Awarding points: rules, caps per citizen, idempotency, programs."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from milieu.accounts.tests.factories import UserFactory
from milieu.core.errors import ApplicationError, Conflict
from milieu.rewards import ledger, services
from milieu.rewards.models import Account, EarningRule, Entry, Posting, Program
from milieu.rewards.tests.factories import rule
from milieu.territory.tests.factories import MunicipalityFactory

VOLUNTEER = EarningRule.Action.VOLUNTEER_HOUR


@pytest.fixture
def program(db) -> Program:
    return services.program_for(MunicipalityFactory())


def balance(program, user) -> int:
    return ledger.wallet(program, user).balance


def test_program_for_creates_the_municipality_program_once(db):
    town = MunicipalityFactory()
    first = services.program_for(town)
    assert first.municipality == town
    assert services.program_for(town).pk == first.pk
    assert Program.objects.count() == 1


def test_program_for_uses_the_region_shared_program(db):
    town = MunicipalityFactory()
    shared = Program.objects.create(region=town.region, name="MRC points")
    assert services.program_for(town).pk == shared.pk


def test_an_award_posts_issuance_to_wallet_with_the_earn_kind(program):
    user = UserFactory()
    rule(program, VOLUNTEER, 10)
    award = services.points_award(program=program, user=user, action=VOLUNTEER, key="v-1", units=3)
    assert award.points == 30
    assert award.posting.kind == "earn:volunteer_hour"
    assert balance(program, user) == 30
    assert ledger.program_account(program, Account.Kind.ISSUANCE).balance == -30
    assert ledger.check().ok


def test_an_action_without_an_active_rule_awards_nothing(program):
    user = UserFactory()
    rule(program, VOLUNTEER, 10, active=False)
    with pytest.raises(ApplicationError) as refused:
        services.points_award(program=program, user=user, action=VOLUNTEER, key="v-1")
    assert refused.value.code == "no_earning_rule"
    assert Posting.objects.count() == 0


def test_the_daily_cap_gives_up_to_the_cap_then_refuses(program):
    user = UserFactory()
    rule(program, VOLUNTEER, 10, daily_cap=25)
    first = services.points_award(program=program, user=user, action=VOLUNTEER, key="v-1")
    second = services.points_award(program=program, user=user, action=VOLUNTEER, key="v-2")
    partial = services.points_award(program=program, user=user, action=VOLUNTEER, key="v-3")
    assert (first.points, second.points, partial.points) == (10, 10, 5)
    assert partial.requested == 10
    with pytest.raises(services.CapReached) as refused:
        services.points_award(program=program, user=user, action=VOLUNTEER, key="v-4")
    assert refused.value.code == "cap_reached"
    assert balance(program, user) == 25
    assert Posting.objects.count() == 3


def test_the_daily_cap_is_per_citizen_and_starts_again_the_next_local_day(program):
    user, other = UserFactory(), UserFactory()
    rule(program, VOLUNTEER, 10, daily_cap=10)
    with time_machine.travel("2026-03-10 23:30 -04:00", tick=False):
        services.points_award(program=program, user=user, action=VOLUNTEER, key="v-1")
        services.points_award(program=program, user=other, action=VOLUNTEER, key="o-1")
        with pytest.raises(services.CapReached):
            services.points_award(program=program, user=user, action=VOLUNTEER, key="v-2")
    with time_machine.travel("2026-03-11 00:10 -04:00", tick=False):
        services.points_award(program=program, user=user, action=VOLUNTEER, key="v-3")
    assert balance(program, user) == 20
    assert balance(program, other) == 10


def test_the_monthly_cap_cuts_the_award_and_other_actions_do_not_count(program):
    user = UserFactory()
    rule(program, VOLUNTEER, 40, monthly_cap=100)
    rule(program, EarningRule.Action.EVENT_ATTENDED, 500)
    services.points_award(
        program=program, user=user, action=EarningRule.Action.EVENT_ATTENDED, key="e-1"
    )
    start = timezone.make_aware(timezone.datetime(2026, 4, 1, 9))
    points = []
    for day in range(3):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            points.append(
                services.points_award(
                    program=program, user=user, action=VOLUNTEER, key=f"v-{day}"
                ).points
            )
    assert points == [40, 40, 20]
    with (
        time_machine.travel(start + timedelta(days=3), tick=False),
        pytest.raises(services.CapReached),
    ):
        services.points_award(program=program, user=user, action=VOLUNTEER, key="v-9")
    with time_machine.travel(start + timedelta(days=30), tick=False):  # May
        assert (
            services.points_award(program=program, user=user, action=VOLUNTEER, key="v-10").points
            == 40
        )


def test_replaying_a_key_returns_the_first_award_even_once_the_cap_is_reached(program):
    user = UserFactory()
    rule(program, VOLUNTEER, 10, daily_cap=10)
    first = services.points_award(program=program, user=user, action=VOLUNTEER, key="v-1")
    again = services.points_award(program=program, user=user, action=VOLUNTEER, key="v-1")
    assert again.posting.pk == first.posting.pk
    assert again.points == 10
    assert balance(program, user) == 10
    assert Entry.objects.count() == 2


@pytest.mark.parametrize("change", ["user", "units", "action"])
def test_the_same_key_for_another_award_is_a_conflict_and_moves_nothing(program, change):
    user = UserFactory()
    rule(program, VOLUNTEER, 10)
    rule(program, EarningRule.Action.EVENT_ATTENDED, 10)
    services.points_award(program=program, user=user, action=VOLUNTEER, key="k-1")
    kwargs = {"program": program, "user": user, "action": VOLUNTEER, "key": "k-1", "units": 1}
    kwargs.update(
        {
            "user": {"user": UserFactory()},
            "units": {"units": 2},
            "action": {"action": EarningRule.Action.EVENT_ATTENDED},
        }[change]
    )
    with pytest.raises(Conflict) as refused:
        services.points_award(**kwargs)
    assert refused.value.code == "idempotency_conflict"
    assert Posting.objects.count() == 1
    assert balance(program, user) == 10


def test_earning_rule_set_creates_then_changes_the_rule(program):
    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    staff = with_role(program.municipality, Role.STAFF)
    services.earning_rule_set(
        actor=staff,
        program=program,
        action=VOLUNTEER,
        points=5,
        daily_cap=10,
        monthly_cap=50,
        active=True,
    )
    changed = services.earning_rule_set(
        actor=staff,
        program=program,
        action=VOLUNTEER,
        points=7,
        daily_cap=None,
        monthly_cap=None,
        active=False,
    )
    assert EarningRule.objects.count() == 1
    assert (changed.points, changed.daily_cap, changed.active) == (7, None, False)


@translation.override("en")
def test_earning_rule_set_refuses_a_daily_cap_above_the_monthly_cap(program):
    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    staff = with_role(program.municipality, Role.STAFF)
    with pytest.raises(ApplicationError) as refused:
        services.earning_rule_set(
            actor=staff,
            program=program,
            action=VOLUNTEER,
            points=5,
            daily_cap=60,
            monthly_cap=50,
            active=True,
        )
    assert refused.value.extra["fields"] == {
        "daily_cap": ["The daily cap cannot be above the monthly cap."]
    }
    assert EarningRule.objects.count() == 0
