"""Committee votes: the equal vote, then the vote weighted by population on request, with the
real populations of Idées collectives; and every refusal leaving the database as it was."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.notifications.models import Notification
from milieu.territory import services_committees as services
from milieu.territory.models import (
    CommitteeSeat,
    Motion,
    MotionRound,
    MotionStatus,
    MotionVote,
)

from .committees_factories import committee, consortium_admin, csv_rows, idees_collectives, seat
from .committees_factories import small_region as make_region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (French is the default language)."""
    with translation.override("en"):
        yield


NO_SIDE = ("brossard", "chateauguay", "saint-constant")


def _snapshot():
    return (
        list(Motion.objects.values_list("pk", "status", "stage", "closed_at").order_by("pk")),
        list(MotionRound.objects.values().order_by("pk")),
        list(MotionVote.objects.values().order_by("pk")),
        list(CommitteeSeat.objects.values().order_by("pk")),
    )


@pytest.fixture
def idees():
    region, towns = idees_collectives()
    product = committee(region, slug="produit", name="Comité produit")
    delegates = {slug: seat(product, town) for slug, town in towns.items()}
    return region, towns, product, delegates


def _vote_all(motion, delegates, *, no=NO_SIDE):
    for slug, user in delegates.items():
        services.motion_vote(actor=user, motion=motion, choice="no" if slug in no else "yes")


def test_equal_vote_adopts_then_weighted_vote_by_population_rejects(
    idees, django_capture_on_commit_callbacks
):
    _region, towns, product, delegates = idees
    population = {row["slug"]: int(row["population"]) for row in csv_rows("idees-collectives")}
    assert len(population) == 11
    expected_no = sum(population[slug] for slug in NO_SIDE)
    expected_yes = sum(count for slug, count in population.items() if slug not in NO_SIDE)
    assert (expected_yes, expected_no) == (135_661, 160_986)  # the CSV's figures

    with django_capture_on_commit_callbacks(execute=True):
        motion = services.motion_propose(
            actor=delegates["delson"],
            committee=product,
            values={"title": "Adopter la plateforme commune", "text": "Chaque ville la déploie."},
        )
    assert motion.number == 1
    assert Notification.objects.filter(key=f"committees:motion:{motion.pk}:opened").count() == 10

    _vote_all(motion, delegates)  # the last vote closes the round
    motion.refresh_from_db()
    equal = MotionRound.objects.get(motion=motion, kind="equal")
    assert (equal.yes, equal.no, equal.abstain) == (8, 3, 0)
    assert equal.outcome == "adopted"
    assert equal.contested is True  # 3 of 11 is at least a quarter
    assert equal.closed_by is None
    assert motion.status == MotionStatus.ADOPTED

    with django_capture_on_commit_callbacks(execute=True):
        weighted = services.motion_call_weighted(
            actor=delegates["brossard"],
            motion=motion,
            reason="Les trois villes contre comptent plus de la moitié des résidents.",
        )
    assert weighted.called_by_municipality == towns["brossard"]
    assert Notification.objects.filter(key=f"committees:motion:{motion.pk}:weighted").count() == 10
    motion.refresh_from_db()
    assert (motion.status, motion.stage, motion.closed_at) == ("open", "weighted", None)

    _vote_all(motion, delegates)
    motion.refresh_from_db()
    weighted.refresh_from_db()
    assert (weighted.yes, weighted.no, weighted.abstain) == (8, 3, 0)
    assert (weighted.population_yes, weighted.population_no) == (expected_yes, expected_no)
    assert weighted.population_abstain == 0
    assert weighted.outcome == "rejected"
    assert motion.status == MotionStatus.REJECTED
    assert motion.closed_at is not None


def test_a_tied_equal_vote_is_contested_and_the_weighted_vote_decides(idees):
    _region, _towns, product, delegates = idees
    motion = services.motion_propose(
        actor=delegates["magog"], committee=product, values={"title": "Budget commun"}
    )
    # Five for, five against, Wendake abstains: a tie.
    yes = ("magog", "la-prairie", "delson", "saint-lambert", "beaconsfield")
    for slug, user in delegates.items():
        choice = "abstain" if slug == "wendake" else ("yes" if slug in yes else "no")
        services.motion_vote(actor=user, motion=motion, choice=choice)
    motion.refresh_from_db()
    equal = motion.rounds.get(kind="equal")
    assert (equal.yes, equal.no, equal.abstain, equal.outcome) == (5, 5, 1, "tied")
    assert motion.status == "tied"

    services.motion_call_weighted(actor=delegates["wendake"], motion=motion, reason="Égalité.")
    for slug, user in delegates.items():
        choice = "abstain" if slug == "wendake" else ("yes" if slug in yes else "no")
        services.motion_vote(actor=user, motion=motion, choice=choice)
    weighted = motion.rounds.get(kind="weighted")
    population = {row["slug"]: int(row["population"]) for row in csv_rows("idees-collectives")}
    no = [slug for slug in population if slug not in yes and slug != "wendake"]
    assert weighted.population_yes == sum(population[slug] for slug in yes) == 99_421
    assert weighted.population_no == sum(population[slug] for slug in no) == 195_092
    assert weighted.population_abstain == 2_134
    assert weighted.outcome == "rejected"


def test_a_clear_equal_vote_cannot_be_taken_to_a_weighted_vote(idees):
    _region, _towns, product, delegates = idees
    motion = services.motion_propose(
        actor=delegates["delson"], committee=product, values={"title": "Nommer un coordonnateur"}
    )
    _vote_all(motion, delegates, no=("brossard", "chateauguay"))  # 9 to 2
    before = _snapshot()
    with pytest.raises(Conflict) as refused:
        services.motion_call_weighted(actor=delegates["brossard"], motion=motion, reason="Non.")
    assert refused.value.code == "not_contested"
    assert _snapshot() == before


def test_weighted_vote_asked_twice_is_refused(idees):
    _region, _towns, product, delegates = idees
    motion = services.motion_propose(
        actor=delegates["delson"], committee=product, values={"title": "Motion"}
    )
    _vote_all(motion, delegates)
    services.motion_call_weighted(actor=delegates["brossard"], motion=motion, reason="Poids.")
    before = _snapshot()
    with pytest.raises(Conflict) as refused:
        services.motion_call_weighted(actor=delegates["chateauguay"], motion=motion, reason="Bis.")
    assert refused.value.code == "weighted_already"
    assert _snapshot() == before
    # Still refused once the weighted round is over.
    _vote_all(motion, delegates)
    before = _snapshot()
    with pytest.raises(Conflict) as refused:
        services.motion_call_weighted(actor=delegates["delson"], motion=motion, reason="Ter.")
    assert refused.value.code == "weighted_already"
    assert _snapshot() == before


def test_weighted_vote_before_the_equal_round_closed_is_refused(idees):
    _region, _towns, product, delegates = idees
    motion = services.motion_propose(
        actor=delegates["delson"], committee=product, values={"title": "Motion"}
    )
    services.motion_vote(actor=delegates["delson"], motion=motion, choice="yes")
    before = _snapshot()
    with pytest.raises(Conflict) as refused:
        services.motion_call_weighted(actor=delegates["brossard"], motion=motion, reason="Tôt.")
    assert refused.value.code == "equal_open"
    assert str(refused.value.message) == (
        "The equal vote is still open: a weighted vote may be asked for once it is closed."
    )
    assert _snapshot() == before


def test_weighted_vote_needs_a_reason(idees):
    _region, _towns, product, delegates = idees
    motion = services.motion_propose(
        actor=delegates["delson"], committee=product, values={"title": "Motion"}
    )
    _vote_all(motion, delegates)
    before = _snapshot()
    with pytest.raises(ApplicationError) as refused:
        services.motion_call_weighted(actor=delegates["brossard"], motion=motion, reason="  ")
    assert refused.value.extra == {"fields": {"reason": ["This field is required."]}}
    assert _snapshot() == before


def test_one_vote_per_municipality_second_vote_refused_and_nothing_changed():
    region, (town_a, town_b, town_c) = make_region()
    board = committee(region)
    first = seat(board, town_a)
    seat(board, town_b)
    seat(board, town_c)
    motion = services.motion_propose(actor=first, committee=board, values={"title": "Motion"})
    services.motion_vote(actor=first, motion=motion, choice="yes")
    before = _snapshot()
    with pytest.raises(Conflict) as refused:
        services.motion_vote(actor=first, motion=motion, choice="no")
    assert refused.value.code == "already_voted"
    assert str(refused.value.message) == (
        f"{town_a.name} has already voted in this round; a vote cannot be changed."
    )
    assert _snapshot() == before
    assert MotionVote.objects.get(motion=motion).choice == "yes"


def test_the_database_refuses_a_second_vote_of_a_municipality():
    region, (town_a, *_rest) = make_region()
    board = committee(region)
    first = seat(board, town_a)
    motion = services.motion_propose(actor=first, committee=board, values={"title": "Motion"})
    MotionVote.objects.create(
        motion=motion, round="equal", municipality=town_a, choice="yes", population=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MotionVote.objects.create(
            motion=motion, round="equal", municipality=town_a, choice="no", population=1
        )


def test_a_new_delegate_of_a_municipality_that_voted_cannot_vote_again():
    region, (town_a, town_b, _town_c) = make_region()
    board = committee(region)
    admin = consortium_admin(region)
    first = seat(board, town_a)
    seat(board, town_b)
    motion = services.motion_propose(actor=first, committee=board, values={"title": "Motion"})
    services.motion_vote(actor=first, motion=motion, choice="yes")
    services.seat_end(actor=admin, seat=CommitteeSeat.objects.get(delegate=first))
    successor = with_role(town_a, Role.STAFF)
    services.seat_assign(actor=admin, committee=board, municipality=town_a, delegate=successor)
    before = _snapshot()
    with pytest.raises(Conflict):
        services.motion_vote(actor=successor, motion=motion, choice="no")
    assert _snapshot() == before


def test_votes_keep_the_population_of_the_moment():
    region, (town_a, town_b, town_c) = make_region()
    board = committee(region)
    admin = consortium_admin(region)
    a, b = seat(board, town_a), seat(board, town_b)
    c = seat(board, town_c)
    motion = services.motion_propose(actor=a, committee=board, values={"title": "Motion"})
    services.motion_vote(actor=a, motion=motion, choice="yes")
    services.motion_vote(actor=b, motion=motion, choice="no")
    services.motion_close_round(actor=admin, motion=motion)  # 1 to 1: tied
    services.motion_call_weighted(actor=c, motion=motion, reason="Égalité.")
    services.motion_vote(actor=a, motion=motion, choice="yes")  # 1,000 residents
    type(town_b).objects.filter(pk=town_b.pk).update(population=500)  # a new census
    services.motion_vote(actor=b, motion=motion, choice="no")  # 500 now (2,000 before)
    type(town_a).objects.filter(pk=town_a.pk).update(population=1)
    services.motion_close_round(actor=a, motion=motion)
    weighted = motion.rounds.get(kind="weighted")
    assert (weighted.population_yes, weighted.population_no) == (1000, 500)
    assert weighted.outcome == "adopted"
    assert list(
        MotionVote.objects.filter(round="weighted").order_by("pk").values_list("population")
    ) == [(1000,), (500,)]
    # A later census changes nothing published.
    type(town_a).objects.filter(pk=town_a.pk).update(population=99_999)
    weighted.refresh_from_db()
    assert (weighted.population_yes, weighted.population_no) == (1000, 500)


def test_equal_outcome_ignores_abstentions():
    assert services.outcome_of(2, 1) == "adopted"
    assert services.outcome_of(1, 2) == "rejected"
    assert services.outcome_of(0, 0) == "tied"
    assert services.is_contested(3, 1) is True  # a quarter
    assert services.is_contested(4, 1) is False
    assert services.is_contested(2, 2) is True


def test_closing_records_the_result_and_closing_again_is_refused():
    region, (town_a, town_b, _town_c) = make_region()
    board = committee(region)
    a = seat(board, town_a)
    seat(board, town_b)
    motion = services.motion_propose(actor=a, committee=board, values={"title": "Motion"})
    services.motion_vote(actor=a, motion=motion, choice="abstain")
    services.motion_close_round(actor=a, motion=motion)
    motion.refresh_from_db()
    equal = motion.rounds.get()
    assert (equal.yes, equal.no, equal.abstain, equal.outcome) == (0, 0, 1, "tied")
    assert equal.closed_by == a
    before = _snapshot()
    with pytest.raises(PermissionDenied):  # the vote is closed: nobody closes it again
        services.motion_close_round(actor=a, motion=motion)
    with pytest.raises(PermissionDenied):
        services.motion_vote(actor=a, motion=motion, choice="yes")
    assert _snapshot() == before


def test_non_delegates_are_refused_and_nothing_changes():
    region, (town_a, town_b, town_c) = make_region()
    board = committee(region)
    a = seat(board, town_a)
    motion = services.motion_propose(actor=a, committee=board, values={"title": "Motion"})
    staff_not_seated = with_role(town_b, Role.STAFF)
    citizen = citizen_of(town_a)
    admin = consortium_admin(region)
    nomfa = with_role(town_c, Role.STAFF, mfa=False)
    CommitteeSeat.objects.create(committee=board, municipality=town_c, delegate=nomfa)
    before = _snapshot()
    for actor in (staff_not_seated, citizen, admin, nomfa):
        with pytest.raises(PermissionDenied):
            services.motion_vote(actor=actor, motion=motion, choice="yes")
        with pytest.raises(PermissionDenied):
            services.motion_propose(actor=actor, committee=board, values={"title": "X"})
        with pytest.raises(PermissionDenied):
            services.motion_call_weighted(actor=actor, motion=motion, reason="X")
    assert _snapshot() == before


def test_a_delegate_whose_role_was_revoked_no_longer_votes():
    region, (town_a, town_b, _c) = make_region()
    board = committee(region)
    a = seat(board, town_a)
    b = seat(board, town_b)
    motion = services.motion_propose(actor=a, committee=board, values={"title": "Motion"})
    from django.utils import timezone

    for role in RoleAssignment.objects.filter(user=b):
        role.revoked_at = timezone.now()
        role.save()
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.motion_vote(actor=b, motion=motion, choice="no")
    assert _snapshot() == before


def test_seats_one_representative_per_municipality():
    region, (town_a, town_b, _c) = make_region()
    other_region, (elsewhere, *_others) = make_region()
    board = committee(region)
    admin = consortium_admin(region)
    first = with_role(town_a, Role.STAFF)
    second = with_role(town_a, Role.ADMIN)
    services.seat_assign(actor=admin, committee=board, municipality=town_a, delegate=first)
    before = _snapshot()
    with pytest.raises(ApplicationError) as refused:
        services.seat_assign(actor=admin, committee=board, municipality=town_a, delegate=second)
    assert refused.value.extra["fields"] == {
        "municipality": [
            f"{town_a.name} already has a delegate on this committee: end that seat first "
            "(one representative per municipality)."
        ]
    }
    with pytest.raises(ApplicationError) as refused:  # not staff of town_b
        services.seat_assign(actor=admin, committee=board, municipality=town_b, delegate=second)
    assert refused.value.extra["fields"] == {
        "delegate": [f"The delegate must be a staff member or administrator of {town_b.name}."]
    }
    with pytest.raises(ApplicationError) as refused:
        services.seat_assign(
            actor=admin,
            committee=board,
            municipality=elsewhere,
            delegate=with_role(elsewhere, "staff"),
        )
    assert refused.value.extra["fields"] == {
        "municipality": ["Choose a member municipality of the region."]
    }
    for actor in (first, consortium_admin(other_region), consortium_admin(region, mfa=False)):
        with pytest.raises(PermissionDenied):
            services.seat_assign(actor=actor, committee=board, municipality=town_b, delegate=first)
    assert _snapshot() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeSeat.objects.create(committee=board, municipality=town_a, delegate=second)


def test_committee_create_by_the_consortium_admin_only():
    region, (town_a, *_rest) = make_region()
    admin = consortium_admin(region)
    created = services.committee_create(
        actor=admin, region=region, values={"name": "Comité légal (incluant finances)"}
    )
    assert (created.slug, created.created_by) == ("comite-legal-incluant-finances", admin)
    with pytest.raises(ApplicationError) as refused:
        services.committee_create(
            actor=admin, region=region, values={"name": "Autre", "slug": created.slug}
        )
    assert refused.value.extra["fields"] == {
        "slug": ["Another committee of the region has this web address."]
    }
    for actor in (with_role(town_a, Role.ADMIN), consortium_admin(make_region()[0])):
        with pytest.raises(PermissionDenied):
            services.committee_create(actor=actor, region=region, values={"name": "X"})
    assert region.committees.count() == 1


def test_withdraw_while_the_equal_vote_is_open():
    region, (town_a, town_b, _c) = make_region()
    board = committee(region)
    a, b = seat(board, town_a), seat(board, town_b)
    motion = services.motion_propose(actor=a, committee=board, values={"title": "Motion"})
    with pytest.raises(PermissionDenied):
        services.motion_withdraw(actor=b, motion=motion)
    services.motion_withdraw(actor=a, motion=motion)
    motion.refresh_from_db()
    assert motion.status == "withdrawn"
    assert motion.rounds.get().closed_at is not None
    with pytest.raises(PermissionDenied):
        services.motion_vote(actor=b, motion=motion, choice="yes")


def test_motion_numbers_follow_each_other_per_committee():
    region, (town_a, *_rest) = make_region()
    board, other = committee(region), committee(region)
    a = seat(board, town_a)
    other_delegate = seat(other, town_a)
    numbers = [
        services.motion_propose(actor=a, committee=board, values={"title": "M"}).number,
        services.motion_propose(actor=a, committee=board, values={"title": "M"}).number,
        services.motion_propose(
            actor=other_delegate, committee=other, values={"title": "M"}
        ).number,
    ]
    assert numbers == [1, 2, 1]
