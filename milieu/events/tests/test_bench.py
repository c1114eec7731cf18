"""The events module's part of the benchmark dataset, built at a tiny scale: its counts agree
with its rows, the services would have left the same dates and queues, and the same seed gives
the same rows."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count, F, Q

from milieu.accounts.models import User
from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.events import bench as events_bench
from milieu.events import services
from milieu.events.models import (
    Attraction,
    Event,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    Registration,
    RegistrationStatus,
)
from milieu.territory.models import Municipality

pytestmark = pytest.mark.django_db
SCALE = 0.003
SEED = 2026
READS = {"territory", "accounts", "rewards", "volunteering"}  # its publishers and residents


def _context(now: datetime, **kwargs) -> BenchContext:
    return BenchContext(
        scale=SCALE,
        seed=SEED,
        now=now,
        writer=BulkWriter(now=now),
        log=lambda _line: None,
        **kwargs,
    )


@pytest.fixture
def built():
    """The generators the events' one reads, in order, then the events' one, as `manage.py
    bench_generate` runs them; the context kept."""
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = _context(now)
    for generator in bench.generators():
        if generator.name in READS | {"events"}:
            generator.generate(ctx)
    connection.check_constraints()  # the foreign keys of rows that the test rolls back
    return ctx


def _rows() -> dict[str, list[tuple]]:
    return {
        "events": list(Event.objects.order_by("pk").values_list()),
        "occurrences": list(Occurrence.objects.order_by("pk").values_list()),
        "registrations": list(Registration.objects.order_by("pk").values_list()),
        "attractions": list(Attraction.objects.order_by("pk").values_list()),
    }


def test_the_generator_is_registered_after_the_others_it_reads():
    names = [generator.name for generator in bench.generators()]
    for other in READS:
        assert names.index("events") > names.index(other)


def test_every_count_of_a_date_is_the_count_of_its_registrations(built):
    dates = Occurrence.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
    )
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).exists()
    assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).exists()
    assert Registration.objects.filter(status=RegistrationStatus.CANCELLED).exists()
    for occurrence in dates:
        assert occurrence.confirmed_count == occurrence.confirmed
        assert occurrence.waiting_count == occurrence.waiting
        if occurrence.capacity is not None:
            assert occurrence.confirmed_count <= occurrence.capacity
        if occurrence.waiting_count:  # people wait only for a full date
            assert occurrence.confirmed_count == occurrence.capacity
    same_places = Q(capacity=F("event__capacity")) | Q(
        capacity__isnull=True, event__capacity__isnull=True
    )
    assert Occurrence.objects.filter(same_places).count() == Occurrence.objects.count()
    assert not Occurrence.objects.exclude(municipality=F("event__municipality")).exists()


def test_registrations_are_as_the_services_would_leave_them(built):
    registrations = Registration.objects.all()
    assert not registrations.exclude(
        occurrence__event__registration_required=True,
        occurrence__event__status=EventStatus.PUBLISHED,
        occurrence__status=OccurrenceStatus.SCHEDULED,
    ).exists()
    checked_in = registrations.filter(checked_in_at__isnull=False)
    assert checked_in.exists()
    assert not checked_in.exclude(status=RegistrationStatus.CONFIRMED).exists()
    assert not checked_in.filter(occurrence__ends_at__gt=built.now).exists()
    assert not registrations.filter(
        status=RegistrationStatus.CANCELLED, cancelled_at__isnull=True
    ).exists()
    assert not registrations.filter(queued_at__gt=built.now).exists()
    tickets = registrations.values_list("ticket", flat=True)
    assert all(len(ticket) == 24 for ticket in tickets)
    # In each date's queue, nobody waits ahead of a confirmed person.
    for occurrence in Occurrence.objects.filter(waiting_count__gt=0)[:50]:
        queue = list(
            occurrence.registrations.exclude(status=RegistrationStatus.CANCELLED)
            .order_by("queued_at", "pk")
            .values_list("status", flat=True)
        )
        assert queue == sorted(queue)  # "confirmed" < "waitlisted"
        assert queue.count(RegistrationStatus.CONFIRMED) == occurrence.capacity


def test_events_dates_and_attractions_come_in_their_proportions(built):
    municipalities = built.state["municipalities"]
    residents = sum(len(built.state["residents"][m["id"]]) for m in municipalities)
    events = Event.objects.all()
    towns = len(municipalities)
    assert (
        events_bench.MIN_EVENTS * towns
        <= events.count()
        <= residents // events_bench.RESIDENTS_PER_EVENT + events_bench.MIN_EVENTS * towns
    )
    assert events.filter(status=EventStatus.PUBLISHED).count() > 0.8 * events.count()
    assert set(events.values_list("publisher", flat=True)) <= {"city", "organisation", "merchant"}
    assert (
        not events.filter(publisher="organisation")
        .exclude(organisation__status="verified")
        .exists()
    )
    assert not events.filter(publisher="merchant", merchant__verified_at__isnull=True).exists()
    assert not events.filter(cell="").exists()
    drafts = events.filter(status=EventStatus.DRAFT)
    assert not Occurrence.objects.filter(event__in=drafts).exists()
    assert Occurrence.objects.count() > 10 * events.count()  # the weekly ones repeat
    assert Attraction.objects.count() == events_bench.ATTRACTIONS_PER_TOWN * towns
    switched_on = Municipality.objects.values_list("enabled_modules", flat=True)
    assert all("events" in modules for modules in switched_on)


def test_the_dates_are_those_the_services_expand_from_the_rules(built):
    repeating = Event.objects.exclude(rrule="").exclude(status=EventStatus.DRAFT)
    assert repeating.filter(status=EventStatus.PUBLISHED).exists()
    for event in repeating.select_related("municipality")[:40]:
        before = list(event.occurrences.order_by("pk").values_list("starts_at", "ends_at"))
        services._sync_occurrences(event, now=built.now)  # adds, moves or removes nothing
        assert list(event.occurrences.order_by("pk").values_list("starts_at", "ends_at")) == before


def test_every_weekend_has_a_family_event_in_every_town(built):
    from milieu.events import selectors

    saturday, sunday = selectors.weekend(now=built.now)
    start, end = selectors.day_range(saturday, sunday)
    for municipality in Municipality.objects.all():
        filters = selectors.AgendaFilters(start=start, end=end, categories=["family"])
        found, _cursor = selectors.agenda(municipalities=[municipality], filters=filters)
        assert found, municipality.slug


def test_the_manifest_names_events_and_people_the_harness_can_use(built):
    part = built.manifest["events"]
    assert part["region"] == "idees-collectives"
    assert set(part["towns"]) == {m["slug"] for m in built.state["municipalities"]}
    for slug, town in part["towns"].items():
        assert town["region"] == Municipality.objects.get(slug=slug).region.slug
        assert town["events"]
        listed = Event.objects.filter(pk__in=town["events"], status=EventStatus.PUBLISHED)
        assert listed.count() == len(town["events"])
        for email in town["registered"]:
            user = User.objects.get(email=email)
            assert (
                user.event_registrations.filter(occurrence__ends_at__gt=built.now)
                .exclude(status=RegistrationStatus.CANCELLED)
                .exists()
            )
    sample = {u for users in built.state["sample_residents"].values() for u in users}
    per_person = (
        Registration.objects.filter(user__in=sample)
        .values("user")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    most = events_bench.SAMPLE_UPCOMING + events_bench.SAMPLE_PAST
    assert per_person and max(per_person) <= most
    assert any(town["registered"] for town in part["towns"].values())


def test_the_same_seed_gives_the_same_rows(built):
    first, manifest = _rows(), built.manifest["events"]
    for model in (Registration, Occurrence, Event, Attraction):
        model.objects.all().delete()
    again = _context(built.now, state=built.state, manifest=dict(built.manifest))
    counts = events_bench.generate(again)
    assert _rows() == first
    assert again.manifest["events"] == manifest
    assert counts == {name: len(rows) for name, rows in first.items()}
