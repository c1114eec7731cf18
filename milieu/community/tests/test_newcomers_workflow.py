"""Pairings from proposal to feedback (`services.newcomers`): every transition, every refused
one (409, and nothing changes), the notifications, the check-in reminders and the profiles."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.community.models import (
    Block,
    BuddyProfile,
    CommunityProfile,
    NewcomerProfile,
    Pairing,
    PairingFeedback,
)
from milieu.community.services import newcomers as services
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    coordinator_of,
    district,
    newcomer_of,
    pairing_of,
    town,
)
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def brossard():
    return town()


@pytest.fixture
def coordinator(brossard):
    return coordinator_of(brossard)


@pytest.fixture
def newcomer(brossard):
    return newcomer_of(brossard, languages_spoken=["es", "en"], languages_wanted=["fr"])


@pytest.fixture
def buddy(brossard):
    return buddy_of(brossard, languages=["fr", "es"], capacity=2)


@pytest.fixture(autouse=True)
def _in_english():
    """The services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def notified(user) -> list[str]:
    """The keys of the person's newcomer-pairing notifications, oldest first."""
    return list(
        Notification.objects.filter(user=user, topic="newcomer_pairing")
        .order_by("pk")
        .values_list("key", flat=True)
    )


def state_of(pairing: Pairing) -> tuple:
    pairing.refresh_from_db()
    return (
        pairing.state,
        pairing.newcomer_accepted_at is not None,
        pairing.buddy_accepted_at is not None,
        pairing.started_at is not None,
        pairing.ended_at is not None,
    )


@pytest.fixture
def proposed(newcomer, buddy, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.pairing_propose(
            actor=coordinator, newcomer=newcomer, buddy=buddy, note="Vous aimez tous deux le vélo."
        )


@pytest.fixture
def active(proposed, newcomer, buddy):
    services.pairing_accept(actor=newcomer.user, pairing=proposed)
    return services.pairing_accept(actor=buddy.user, pairing=proposed)


# --- Proposing ----------------------------------------------------------------------------------


def test_a_coordinator_proposes_with_the_score_and_reasons_stored_and_both_are_told(
    proposed, newcomer, buddy, coordinator
):
    assert proposed.state == "proposed"
    assert proposed.proposed_by == coordinator
    assert proposed.note == "Vous aimez tous deux le vélo."
    assert proposed.score == 55  # Spanish 30, French to practise 20, districts unknown 5
    assert [(e["key"], e["points"]) for e in proposed.explanation] == [
        ("language", 30),
        ("practice", 20),
        ("district", 5),
        ("interests", 0),
        ("availability", 0),
    ]
    key = f"pairing:{proposed.pk}:proposed"
    assert notified(newcomer.user) == [key]
    assert notified(buddy.user) == [key]
    assert notified(coordinator) == []
    # The newcomer reads English pages: their notification is in English, with their link.
    note = Notification.objects.get(user=newcomer.user)
    assert note.title == "A buddy is proposed to you"
    assert note.url == f"/en/brossard/newcomers/pairings/{proposed.pk}/"


def test_only_one_pairing_in_progress_per_newcomer(proposed, newcomer, brossard, coordinator):
    other = buddy_of(brossard, languages=["es"])

    with pytest.raises(Conflict) as refused:
        services.pairing_propose(actor=coordinator, newcomer=newcomer, buddy=other)
    assert refused.value.status_code == 409
    assert refused.value.code == "pairing_in_progress"
    assert Pairing.objects.filter(newcomer=newcomer).count() == 1


def test_the_database_refuses_a_second_open_pairing_for_a_newcomer(proposed, newcomer, brossard):
    other = buddy_of(brossard)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            municipality=brossard, newcomer=newcomer, buddy=other, state="active"
        )
    # Closed ones do not count.
    Pairing.objects.create(municipality=brossard, newcomer=newcomer, buddy=other, state="declined")


def test_a_buddy_at_capacity_cannot_be_proposed(brossard, coordinator, newcomer):
    full = buddy_of(brossard, capacity=1)
    pairing_of(newcomer_of(brossard), full, "active")

    with pytest.raises(Conflict) as refused:
        services.pairing_propose(actor=coordinator, newcomer=newcomer, buddy=full)
    assert str(refused.value.message) == (
        "This buddy already welcomes as many newcomers as they offered."
    )
    assert not Pairing.objects.filter(newcomer=newcomer).exists()


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("paused", "This buddy is not available for new pairings."),
        ("blocked", "This buddy cannot be proposed to this newcomer."),
        ("declined_before", "These two people were already paired, and it was declined or ended."),
        ("self", "A person cannot be their own buddy."),
    ],
)
def test_excluded_buddies_are_refused_with_a_clear_reason(
    brossard, coordinator, newcomer, situation, message
):
    if situation == "self":
        target = buddy_of(brossard, user=newcomer.user)
    else:
        target = buddy_of(brossard, active=situation != "paused", capacity=3)
    if situation == "blocked":
        Block.objects.create(blocker=target.user, blocked=newcomer.user)
    if situation == "declined_before":
        pairing_of(newcomer, target, "declined")
    before = Pairing.objects.count()

    with pytest.raises(Conflict) as refused:
        services.pairing_propose(actor=coordinator, newcomer=newcomer, buddy=target)
    assert str(refused.value.message) == message
    assert Pairing.objects.count() == before


def test_a_newcomer_not_looking_for_a_buddy_is_not_proposed_one(brossard, coordinator, buddy):
    resting = newcomer_of(brossard, seeking=False)
    with pytest.raises(Conflict):
        services.pairing_propose(actor=coordinator, newcomer=resting, buddy=buddy)
    assert not Pairing.objects.exists()


def test_a_buddy_of_another_municipality_is_not_found(coordinator, newcomer):
    longueuil = town("longueuil", "Longueuil")
    elsewhere = buddy_of(longueuil, user=citizen_of(longueuil))
    with pytest.raises(NotFound):
        services.pairing_propose(actor=coordinator, newcomer=newcomer, buddy=elsewhere)
    assert not Pairing.objects.exists()


def test_only_coordinators_propose(brossard, newcomer, buddy):
    with pytest.raises(PermissionDenied):
        services.pairing_propose(actor=citizen_of(brossard), newcomer=newcomer, buddy=buddy)
    assert not Pairing.objects.exists()


# --- Accepting and declining --------------------------------------------------------------------


def test_one_acceptance_waits_for_the_other(
    proposed, newcomer, buddy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_accept(actor=newcomer.user, pairing=proposed)

    assert state_of(proposed) == ("proposed", True, False, False, False)
    assert notified(buddy.user)[-1] == f"pairing:{proposed.pk}:accepted:newcomer"


def test_both_accepting_starts_the_pairing_with_a_check_in_in_14_days(
    proposed, newcomer, buddy, coordinator, django_capture_on_commit_callbacks
):
    services.pairing_accept(actor=buddy.user, pairing=proposed)
    with django_capture_on_commit_callbacks(execute=True):
        pairing = services.pairing_accept(actor=newcomer.user, pairing=proposed)

    assert state_of(pairing) == ("active", True, True, True, False)
    assert pairing.next_checkin_at == pairing.started_at + dt.timedelta(days=14)
    key = f"pairing:{pairing.pk}:active"
    assert key in notified(newcomer.user)
    assert key in notified(buddy.user)
    assert key in notified(coordinator)
    # Each will see the other's handle from now on.
    assert CommunityProfile.objects.filter(user__in=[newcomer.user, buddy.user]).count() == 2


def test_accepting_twice_is_refused(proposed, newcomer):
    services.pairing_accept(actor=newcomer.user, pairing=proposed)
    with pytest.raises(Conflict) as refused:
        services.pairing_accept(actor=newcomer.user, pairing=proposed)
    assert refused.value.status_code == 409
    assert state_of(proposed) == ("proposed", True, False, False, False)


def test_declining_closes_it_and_tells_the_other_side_and_the_coordinator(
    proposed, newcomer, buddy, coordinator, django_capture_on_commit_callbacks
):
    services.pairing_accept(actor=newcomer.user, pairing=proposed)
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_decline(actor=buddy.user, pairing=proposed)

    assert state_of(proposed) == ("declined", True, False, False, True)
    assert proposed.declined_by == buddy.user
    key = f"pairing:{proposed.pk}:declined"
    assert notified(newcomer.user)[-1] == key
    assert notified(coordinator) == [key]
    assert key not in notified(buddy.user)
    # The newcomer may be proposed someone else now.
    assert not Pairing.objects.filter(newcomer=newcomer, state__in=Pairing.OPEN_STATES).exists()


def test_a_newcomer_may_decline_even_after_accepting(proposed, newcomer):
    services.pairing_accept(actor=newcomer.user, pairing=proposed)
    services.pairing_decline(actor=newcomer.user, pairing=proposed)
    assert state_of(proposed)[0] == "declined"


@pytest.mark.parametrize("state", ["active", "completed", "ended", "declined"])
def test_accepting_or_declining_anything_but_a_proposal_is_refused(
    brossard, newcomer, buddy, state
):
    pairing = pairing_of(newcomer, buddy, state)
    before = state_of(pairing)
    for action in (services.pairing_accept, services.pairing_decline):
        with pytest.raises(Conflict) as refused:
            action(actor=newcomer.user, pairing=pairing)
        assert refused.value.code == "invalid_state"
    assert state_of(pairing) == before


def test_a_third_person_cannot_accept_or_decline(proposed, brossard, coordinator):
    stranger = citizen_of(brossard)
    for actor in (stranger, coordinator):
        for action in (services.pairing_accept, services.pairing_decline):
            with pytest.raises(PermissionDenied):
                action(actor=actor, pairing=proposed)
    assert state_of(proposed) == ("proposed", False, False, False, False)


# --- Ending and completing ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["newcomer", "buddy", "coordinator"])
def test_either_side_or_the_coordinator_ends_an_active_pairing_with_a_reason(
    active, newcomer, buddy, coordinator, who, django_capture_on_commit_callbacks
):
    actor = {"newcomer": newcomer.user, "buddy": buddy.user, "coordinator": coordinator}[who]
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_end(actor=actor, pairing=active, reason="Je déménage à Québec.")

    assert state_of(active) == ("ended", True, True, True, True)
    assert active.end_reason == "Je déménage à Québec."
    assert active.next_checkin_at is None
    key = f"pairing:{active.pk}:ended"
    told = {
        person.pk for person in (newcomer.user, buddy.user, coordinator) if key in notified(person)
    }
    assert told == {newcomer.user.pk, buddy.user.pk, coordinator.pk} - {actor.pk}


def test_ending_needs_a_reason(active, newcomer):
    with pytest.raises(ApplicationError) as refused:
        services.pairing_end(actor=newcomer.user, pairing=active, reason="   ")
    assert refused.value.extra["fields"] == {"reason": ["Say in a few words why the pairing ends."]}
    assert state_of(active)[0] == "active"


@pytest.mark.parametrize("who", ["newcomer", "buddy", "coordinator"])
def test_either_side_or_the_coordinator_completes_an_active_pairing(
    active, newcomer, buddy, coordinator, who
):
    actor = {"newcomer": newcomer.user, "buddy": buddy.user, "coordinator": coordinator}[who]
    services.pairing_complete(actor=actor, pairing=active)
    assert state_of(active) == ("completed", True, True, True, True)
    assert active.next_checkin_at is None


@pytest.mark.parametrize("state", ["proposed", "completed", "ended", "declined"])
def test_ending_or_completing_anything_but_an_active_pairing_is_refused(
    newcomer, buddy, coordinator, state
):
    pairing = pairing_of(newcomer, buddy, state)
    before = (state_of(pairing), pairing.end_reason)
    with pytest.raises(Conflict):
        services.pairing_end(actor=coordinator, pairing=pairing, reason="Fin.")
    with pytest.raises(Conflict):
        services.pairing_complete(actor=buddy.user, pairing=pairing)
    assert (state_of(pairing), pairing.end_reason) == before


def test_a_third_person_or_another_towns_coordinator_cannot_end_or_complete(active, brossard):
    outsiders = [citizen_of(brossard), coordinator_of(town("longueuil", "Longueuil"))]
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            services.pairing_end(actor=actor, pairing=active, reason="Non.")
        with pytest.raises(PermissionDenied):
            services.pairing_complete(actor=actor, pairing=active)
    assert state_of(active)[0] == "active"


# --- Feedback -----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["completed", "ended"])
def test_each_side_leaves_one_feedback_once_it_is_over(newcomer, buddy, state):
    pairing = pairing_of(newcomer, buddy, state)
    services.pairing_feedback(actor=newcomer.user, pairing=pairing, rating=5, comment="Merci!")
    services.pairing_feedback(actor=buddy.user, pairing=pairing, rating=4)

    with pytest.raises(Conflict) as refused:
        services.pairing_feedback(actor=newcomer.user, pairing=pairing, rating=1)
    assert refused.value.code == "feedback_given"
    assert sorted(pairing.feedback.values_list("author_id", "rating", "comment")) == sorted(
        [(newcomer.user.pk, 5, "Merci!"), (buddy.user.pk, 4, "")]
    )


@pytest.mark.parametrize("state", ["proposed", "active", "declined"])
def test_no_feedback_before_the_end(newcomer, buddy, state):
    pairing = pairing_of(newcomer, buddy, state)
    with pytest.raises(Conflict):
        services.pairing_feedback(actor=newcomer.user, pairing=pairing, rating=4)
    assert not PairingFeedback.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_the_rating_is_from_1_to_5(newcomer, buddy, rating):
    pairing = pairing_of(newcomer, buddy, "completed")
    with pytest.raises(ApplicationError) as refused:
        services.pairing_feedback(actor=newcomer.user, pairing=pairing, rating=rating)
    assert refused.value.extra["fields"] == {"rating": ["Choose a rating from 1 to 5."]}
    assert not PairingFeedback.objects.exists()


def test_only_the_two_people_leave_feedback(newcomer, buddy, coordinator, brossard):
    pairing = pairing_of(newcomer, buddy, "completed")
    for actor in (coordinator, citizen_of(brossard)):
        with pytest.raises(PermissionDenied):
            services.pairing_feedback(actor=actor, pairing=pairing, rating=3)
    assert not PairingFeedback.objects.exists()


def test_allowed_actions_follow_the_state_and_the_person(newcomer, buddy, coordinator, brossard):
    stranger = citizen_of(brossard)
    pairing = pairing_of(newcomer, buddy, "proposed")
    assert services.allowed_actions(newcomer.user, pairing) == ["accept", "decline"]
    assert services.allowed_actions(coordinator, pairing) == []
    pairing.newcomer_accepted_at = timezone.now()
    assert services.allowed_actions(newcomer.user, pairing) == ["decline"]
    pairing.state = "active"
    assert services.allowed_actions(buddy.user, pairing) == ["complete", "end"]
    assert services.allowed_actions(coordinator, pairing) == ["complete", "end"]
    assert services.allowed_actions(stranger, pairing) == []
    pairing.state = "completed"
    pairing.save()
    assert services.allowed_actions(buddy.user, pairing) == ["feedback"]
    services.pairing_feedback(actor=buddy.user, pairing=pairing, rating=5)
    assert services.allowed_actions(buddy.user, pairing) == []
    assert services.allowed_actions(newcomer.user, pairing) == ["feedback"]


# --- Check-ins ----------------------------------------------------------------------------------


def checkin_keys(user) -> list[str]:
    return [key for key in notified(user) if ":checkin:" in key]


def test_check_ins_are_sent_once_per_due_date_and_move_14_days_on(active, newcomer, buddy):
    due_at = active.next_checkin_at
    call_command("send_pairing_checkins")  # not due yet
    assert checkin_keys(newcomer.user) == []

    with time_machine.travel(due_at + dt.timedelta(hours=1), tick=False):
        call_command("send_pairing_checkins")
        call_command("send_pairing_checkins")  # a second run the same day sends nothing
    active.refresh_from_db()
    assert active.next_checkin_at == due_at + dt.timedelta(days=14)
    assert active.checkins_sent == 1
    first = f"pairing:{active.pk}:checkin:{due_at.isoformat()}"
    assert checkin_keys(newcomer.user) == [first]
    assert checkin_keys(buddy.user) == [first]

    with time_machine.travel(due_at + dt.timedelta(days=14, hours=1), tick=False):
        assert services.pairing_send_checkins() == 1
    active.refresh_from_db()
    assert active.checkins_sent == 2
    assert len(checkin_keys(newcomer.user)) == 2


def test_a_long_missed_check_in_is_sent_once_and_the_next_is_in_the_future(active, newcomer):
    due_at = active.next_checkin_at
    later = due_at + dt.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        assert services.pairing_send_checkins() == 1
        assert services.pairing_send_checkins() == 0
    active.refresh_from_db()
    assert active.next_checkin_at == due_at + dt.timedelta(days=42)
    assert len(checkin_keys(newcomer.user)) == 1


def test_closed_pairings_get_no_check_in(newcomer, buddy):
    past = timezone.now() - dt.timedelta(days=1)
    pairing_of(newcomer, buddy, "ended", next_checkin_at=past)
    assert services.pairing_send_checkins() == 0
    assert checkin_keys(newcomer.user) == []


def test_the_command_says_how_many_pairings_it_reminded(active, capsys):
    with time_machine.travel(active.next_checkin_at, tick=False):
        call_command("send_pairing_checkins")
    assert capsys.readouterr().out.strip() == "1 pairing(s) reminded."


# --- Profiles -----------------------------------------------------------------------------------


def test_a_member_saves_and_changes_their_newcomer_profile(brossard):
    person = citizen_of(brossard)
    quarter = district(brossard, "Centre", 45.45, -73.46)
    profile = services.newcomer_profile_save(
        actor=person,
        municipality=brossard,
        arrival_date=dt.date(2026, 9, 1),
        languages_spoken=["es", "en", "es"],
        languages_wanted=["fr"],
        needs=["french", "employment"],
        interests=["music"],
        availability=["weekend_morning"],
        district_id=quarter.pk,
        about="Hola",
    )
    assert profile.languages_spoken == ["es", "en"]
    assert profile.district == quarter
    services.newcomer_profile_save(
        actor=person,
        municipality=brossard,
        arrival_date=dt.date(2026, 9, 1),
        languages_spoken=["es"],
        seeking=False,
    )
    profile.refresh_from_db()
    assert (profile.languages_spoken, profile.needs, profile.seeking) == (["es"], [], False)
    assert NewcomerProfile.objects.count() == 1


def test_bad_profile_input_is_refused_field_by_field_and_nothing_is_saved(brossard):
    other_district = district(town("longueuil", "Longueuil"), "Ailleurs", None, None)
    with pytest.raises(ApplicationError) as refused:
        services.newcomer_profile_save(
            actor=citizen_of(brossard),
            municipality=brossard,
            arrival_date=timezone.localdate() + dt.timedelta(days=800),
            languages_spoken=[],
            needs=["money"],
            availability=["midnight"],
            district_id=other_district.pk,
            about="x" * 1001,
        )
    assert refused.value.code == "validation"
    assert set(refused.value.extra["fields"]) == {
        "arrival_date",
        "languages_spoken",
        "needs",
        "availability",
        "district",
        "about",
    }
    assert not NewcomerProfile.objects.exists()


def test_a_buddy_profile_has_a_capacity_from_1_to_5(brossard):
    person = citizen_of(brossard)
    with pytest.raises(ApplicationError) as refused:
        services.buddy_profile_save(
            actor=person, municipality=brossard, languages=["fr"], capacity=6
        )
    assert refused.value.extra["fields"] == {
        "capacity": ["Choose between 1 and 5 newcomers at a time."]
    }
    profile = services.buddy_profile_save(
        actor=person, municipality=brossard, languages=["fr"], capacity=5, active=False
    )
    assert (profile.capacity, profile.active) == (5, False)


def test_only_members_who_may_take_part_create_profiles(brossard):
    longueuil = town("longueuil", "Longueuil")
    unverified = citizen_of(brossard, verified=False)
    for person in (citizen_of(longueuil), unverified, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.newcomer_profile_save(
                actor=person,
                municipality=brossard,
                arrival_date=dt.date(2026, 1, 1),
                languages_spoken=["es"],
            )
        with pytest.raises(PermissionDenied):
            services.buddy_profile_save(actor=person, municipality=brossard, languages=["fr"])
    assert not NewcomerProfile.objects.exists()
    assert not BuddyProfile.objects.exists()


def test_profiles_need_the_newcomers_module(brossard):
    closed = town("laprairie", "La Prairie", newcomers=False)
    with pytest.raises(NotFound):
        services.buddy_profile_save(actor=citizen_of(closed), municipality=closed, languages=["fr"])
    assert not BuddyProfile.objects.exists()
