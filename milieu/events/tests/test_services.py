"""The events services: publishing, dates from a repeating rule, registration with its waiting
list, cancellation and promotion, check-in with its points."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.events import services
from milieu.events.models import Event, Occurrence, Registration, RegistrationStatus
from milieu.rewards.models import EarningRule
from milieu.rewards.services import earning_rule_set, points_balance, program_for

from .factories import event, first_date, local, resident, staff, town

pytestmark = pytest.mark.django_db


def test_a_published_single_event_has_one_date():
    created = event(town())
    dates = list(created.occurrences.all())
    assert len(dates) == 1
    assert dates[0].starts_at == created.starts_at


def test_a_draft_has_no_date_until_published():
    city = town()
    draft = event(city, publish=False)
    assert draft.occurrences.count() == 0


def test_a_weekly_rule_keeps_the_local_time_across_the_change_of_clocks():
    city = town()
    with time_machine.travel("2027-02-20 12:00Z", tick=False):
        created = event(
            city,
            starts_at=local(timezone.datetime(2027, 3, 6).date(), 19),
            ends_at=local(timezone.datetime(2027, 3, 6).date(), 21),
            rrule="RRULE:FREQ=WEEKLY;COUNT=4",
        )
    dates = list(created.occurrences.order_by("starts_at"))
    assert [d.starts_at.astimezone(created.starts_at.tzinfo).hour for d in dates] == [0, 0, 23, 23]
    assert created.rrule == "FREQ=WEEKLY;COUNT=4"


def test_a_bad_rule_is_refused_with_its_field():
    with pytest.raises(ApplicationError) as refused:
        event(town(), rrule="FREQ=MINUTELY")
    assert "rrule" in refused.value.extra["fields"]
    assert Event.objects.count() == 0


def test_a_resident_cannot_publish_for_the_city():
    city = town()
    with pytest.raises(PermissionDenied):
        event(city, actor=resident(city))


def test_the_last_place_goes_to_one_and_the_next_waits_then_is_promoted():
    city = town()
    created = event(city, registration_required=True, capacity=1)
    occurrence = first_date(created)
    first, second = resident(city), resident(town())
    mine = services.registration_create(actor=first, occurrence=occurrence)
    theirs = services.registration_create(actor=second, occurrence=occurrence)
    assert (mine.status, theirs.status) == ("confirmed", "waitlisted")
    occurrence.refresh_from_db()
    assert (occurrence.confirmed_count, occurrence.waiting_count) == (1, 1)

    services.registration_cancel(actor=first, registration=mine)

    theirs.refresh_from_db()
    occurrence.refresh_from_db()
    assert theirs.status == "confirmed"
    assert (occurrence.confirmed_count, occurrence.waiting_count) == (1, 0)


def test_registering_twice_is_a_conflict_and_changes_nothing():
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=5))
    person = resident(city)
    services.registration_create(actor=person, occurrence=occurrence)
    with pytest.raises(Conflict):
        services.registration_create(actor=person, occurrence=occurrence)
    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 1
    assert Registration.objects.count() == 1


def test_registration_is_refused_when_the_event_takes_none():
    city = town()
    occurrence = first_date(event(city))
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=resident(city), occurrence=occurrence)


def test_check_in_awards_the_attendance_points_once():
    city = town()
    organiser = staff(city)
    earning_rule_set(
        actor=organiser,
        program=program_for(city),
        action=EarningRule.Action.EVENT_ATTENDED,
        points=50,
    )
    created = event(city, actor=organiser, registration_required=True, capacity=10)
    occurrence = first_date(created)
    person = resident(city)
    registration = services.registration_create(actor=person, occurrence=occurrence)
    with time_machine.travel(occurrence.starts_at + timedelta(minutes=5), tick=False):
        done = services.check_in(actor=organiser, ticket=registration.ticket)
        again = services.check_in(actor=organiser, ticket=registration.ticket)
    assert (done.points, done.already) == (50, False)
    assert (again.points, again.already) == (0, True)
    assert points_balance(program=program_for(city), user=person) == 50


def test_a_resident_cannot_check_people_in_and_nothing_changes():
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=10))
    person = resident(city)
    registration = services.registration_create(actor=person, occurrence=occurrence)
    with (
        time_machine.travel(occurrence.starts_at, tick=False),
        pytest.raises(PermissionDenied),
    ):
        services.check_in(actor=person, ticket=registration.ticket)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_an_unknown_ticket_is_not_found():
    with pytest.raises(NotFound):
        services.check_in(actor=staff(town()), ticket="x" * 24)


def test_check_in_the_day_before_is_refused():
    city = town()
    organiser = staff(city)
    occurrence = first_date(event(city, actor=organiser, registration_required=True, capacity=3))
    registration = services.registration_create(actor=resident(city), occurrence=occurrence)
    with pytest.raises(Conflict) as refused:
        services.check_in(
            actor=organiser,
            ticket=registration.ticket,
            now=occurrence.starts_at - timedelta(days=1),
        )
    assert refused.value.code == "other_date"


def test_raising_the_capacity_promotes_those_waiting():
    city = town()
    organiser = staff(city)
    created = event(city, actor=organiser, registration_required=True, capacity=1)
    occurrence = first_date(created)
    services.registration_create(actor=resident(city), occurrence=occurrence)
    waiting = services.registration_create(actor=resident(city), occurrence=occurrence)
    services.event_update(actor=organiser, event=created, values={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_cancelling_an_event_cancels_its_dates():
    city = town()
    organiser = staff(city)
    created = event(city, actor=organiser, registration_required=True, capacity=3)
    services.registration_create(actor=resident(city), occurrence=first_date(created))
    services.event_cancel(actor=organiser, event=created, reason="Pluie")
    assert set(Occurrence.objects.values_list("status", flat=True)) == {"cancelled"}


def test_the_calendar_token_opens_only_its_owner_s_feed():
    person = resident(town())
    token = services.calendar_token(actor=person)
    assert services.calendar_user(token) == person
    assert services.calendar_user(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    rotated = services.calendar_token_rotate(actor=person)
    assert rotated != token
    assert services.calendar_user(token) is None
