"""Two people can never take the last place together: many registrations at once for the last
place, and a cancellation racing a registration, on PostgreSQL's concurrent writers; and the
CHECK constraint that refuses an overfilled date in the database itself."""

import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F

from milieu.core.errors import Conflict
from milieu.events import services
from milieu.events.models import Occurrence, Registration, RegistrationStatus

from .factories import event, first_date, resident, staff, town

PEOPLE = 8


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers are PostgreSQL's; SQLite serialises them (IMMEDIATE), and "
            "test_the_database_refuses_more_confirmed_than_places covers the rule there. The "
            "PostgreSQL leg of CI runs this test."
        )


def at_once(actions: list[Callable[[], str]]) -> list[str]:
    """Run `actions` in threads released together by a barrier; what each returned (or the
    name of the error it raised)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], str]) -> None:
        barrier.wait()
        try:
            outcome = action()
        except Exception as error:  # reported in the outcomes, which the test asserts
            outcome = type(error).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def register(person, occurrence) -> Callable[[], str]:
    return lambda: services.registration_create(actor=person, occurrence=occurrence).status


def assert_counts_hold(occurrence: Occurrence) -> None:
    """The counters are the rows, the places are not overfilled, and nobody waits while a place
    is free."""
    occurrence.refresh_from_db()
    rows = Registration.objects.filter(occurrence=occurrence)
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = rows.filter(status=RegistrationStatus.WAITLISTED).count()
    assert (occurrence.confirmed_count, occurrence.waiting_count) == (confirmed, waiting)
    assert confirmed <= occurrence.capacity
    assert waiting == 0 or confirmed == occurrence.capacity


@pytest.mark.django_db(transaction=True)
def test_eight_people_registering_at_once_for_the_last_place_let_one_in(still_clock):
    needs_postgresql()
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=3))
    for _ in range(2):
        services.registration_create(actor=resident(city), occurrence=occurrence)
    people = [resident(city) for _ in range(PEOPLE)]

    outcomes = at_once([register(person, occurrence) for person in people])

    assert sorted(outcomes) == ["confirmed"] + ["waitlisted"] * (PEOPLE - 1)
    occurrence.refresh_from_db()
    assert (occurrence.confirmed_count, occurrence.waiting_count) == (3, PEOPLE - 1)
    assert_counts_hold(occurrence)
    queue = list(
        Registration.objects.filter(occurrence=occurrence, status="waitlisted").order_by(
            "queued_at", "pk"
        )
    )
    first_confirmed = Registration.objects.filter(occurrence=occurrence, status="confirmed").first()
    services.registration_cancel(actor=first_confirmed.user, registration=first_confirmed)
    queue[0].refresh_from_db()
    assert queue[0].status == RegistrationStatus.CONFIRMED  # the first in line
    assert_counts_hold(occurrence)


@pytest.mark.django_db(transaction=True)
def test_the_same_person_registering_twice_at_once_holds_one_place(still_clock):
    needs_postgresql()
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=5))
    person = resident(city)

    outcomes = at_once([register(person, occurrence) for _ in range(4)])

    assert sorted(outcomes) == ["Conflict"] * 3 + ["confirmed"]
    assert Registration.objects.filter(occurrence=occurrence, user=person).count() == 1
    assert_counts_hold(occurrence)


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_racing_registrations_leaves_the_counts_right(still_clock):
    needs_postgresql()
    city = town()
    organiser = staff(city)
    for _round in range(5):
        occurrence = first_date(
            event(city, actor=organiser, registration_required=True, capacity=1)
        )
        holder = resident(city)
        place = services.registration_create(actor=holder, occurrence=occurrence)
        newcomers = [resident(city) for _ in range(3)]

        def cancel(place=place, holder=holder) -> str:
            return services.registration_cancel(actor=holder, registration=place).status

        outcomes = at_once([cancel, *(register(person, occurrence) for person in newcomers)])

        assert "cancelled" in outcomes
        assert not set(outcomes) - {"cancelled", "confirmed", "waitlisted"}, outcomes
        assert_counts_hold(occurrence)
        occurrence.refresh_from_db()
        assert occurrence.confirmed_count == 1  # the place freed went to one of them
        assert occurrence.waiting_count == 2


# --- The database's own guard (both databases) --------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_more_confirmed_than_places():
    occurrence = first_date(event(town(), registration_required=True, capacity=2))
    Occurrence.objects.filter(pk=occurrence.pk).update(confirmed_count=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.filter(pk=occurrence.pk).update(confirmed_count=F("confirmed_count") + 1)

    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 2


@pytest.mark.django_db
def test_a_full_date_puts_the_next_person_on_the_waiting_list_not_over_capacity():
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=1))
    services.registration_create(actor=resident(city), occurrence=occurrence)

    late = services.registration_create(actor=resident(city), occurrence=occurrence)

    assert late.status == RegistrationStatus.WAITLISTED
    assert_counts_hold(occurrence)
    with pytest.raises(Conflict):
        services.registration_create(actor=late.user, occurrence=occurrence)
