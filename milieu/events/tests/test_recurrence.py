"""Repeating events: the rules refused and why, the dates in local wall time across both changes
of clocks, the limits of an expansion, and the daily task that moves the horizon along."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from milieu.events import services, tasks
from milieu.events.models import Event, Occurrence
from milieu.events.recurrence import HORIZON, MAX_OCCURRENCES, RuleError, clean_rrule, expand

from .factories import TZ, event, local, staff, town

START = local(date(2027, 3, 6), 19)  # a Saturday, a week before the clocks go forward


def dates(rule: str, *, starts_at=START, hours: float = 2, until=None, now=None, since=None):
    return list(
        expand(
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            time_zone="America/Toronto",
            rule=rule,
            until=until,
            now=now or starts_at,
            **({"since": since} if since is not None else {}),
        )
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- clean_rrule --------------------------------------------------------------------------------


def test_a_rule_is_stored_upper_case_without_its_prefix():
    assert (
        clean_rrule("RRULE:freq=weekly;byday=sa;count=5", START) == "FREQ=WEEKLY;BYDAY=SA;COUNT=5"
    )
    assert clean_rrule("  ", START) == ""


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=HOURLY;COUNT=5", "An event repeats at most once a day."),
        ("FREQ=MINUTELY", "An event repeats at most once a day."),
        ("FREQ=SECONDLY;INTERVAL=30", "An event repeats at most once a day."),
        ("FREQ=SOMETIMES", "This is not a repetition rule a calendar understands."),
        ("every saturday", "This is not a repetition rule a calendar understands."),
        ("FREQ=WEEKLY;BYDAY=XX", "This is not a repetition rule a calendar understands."),
        (
            "FREQ=WEEKLY;UNTIL=20270630T235959",
            "Give UNTIL in UTC, ending with Z (for example UNTIL=20270630T235959Z).",
        ),
        (
            "DTSTART:20270306T190000Z\nRRULE:FREQ=WEEKLY",
            "Give a single RRULE.",
        ),
        (
            "FREQ=WEEKLY;DTSTART=20270306T190000Z",
            "The rule starts with the event; leave DTSTART out.",
        ),
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "This rule gives no date at all."),
        (
            "FREQ=DAILY;INTERVAL=0",
            "Repeat every 1 or more days, weeks, months or years (INTERVAL=1 or more).",
        ),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "This rule gives no date at all."),
        ("FREQ=WEEKLY;" + "BYDAY=SA;" * 40, "Give a single RRULE."),
    ],
)
def test_a_rule_a_person_cannot_mean_is_refused_with_why(rule, message):
    with translation.override("en"), pytest.raises(RuleError) as refused:
        clean_rrule(rule, START)
    assert str(refused.value) == message


def test_a_rule_that_never_happens_is_refused_without_searching_for_ever():
    began = time.perf_counter()
    with pytest.raises(RuleError):
        clean_rrule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", START)
    assert time.perf_counter() - began < 1


# --- expand -------------------------------------------------------------------------------------


def test_a_weekly_date_keeps_19_00_when_the_clocks_go_forward():
    assert dates("FREQ=WEEKLY;COUNT=3") == [
        (utc("2027-03-07T00:00"), utc("2027-03-07T02:00")),  # 19:00 EST
        (utc("2027-03-14T00:00"), utc("2027-03-14T02:00")),  # 19:00 EST, the change is at 02:00
        (utc("2027-03-20T23:00"), utc("2027-03-21T01:00")),  # 19:00 EDT
    ]


def test_a_weekly_date_keeps_19_00_when_the_clocks_go_back():
    start = local(date(2027, 10, 30), 19)
    assert [
        (begin.astimezone(TZ).strftime("%d %H:%M %z"), begin)
        for begin, _end in dates("FREQ=WEEKLY;COUNT=2", starts_at=start)
    ] == [
        ("30 19:00 -0400", utc("2027-10-30T23:00")),
        ("06 19:00 -0400", utc("2027-11-06T23:00")),
    ]
    assert [begin for begin, _end in dates("FREQ=WEEKLY;COUNT=3", starts_at=start)][-1] == utc(
        "2027-11-14T00:00"
    )  # 19:00 EST, after the change on the 7th


def test_a_date_across_the_change_lasts_its_wall_clock_length():
    night = local(date(2027, 3, 13), 22)
    (first, second) = dates("FREQ=DAILY;COUNT=2", starts_at=night, hours=6)
    assert [moment.astimezone(TZ).strftime("%H:%M") for moment in first] == ["22:00", "04:00"]
    assert first[1] - first[0] == timedelta(hours=5)  # one hour skipped that night
    assert second[1] - second[0] == timedelta(hours=6)


def test_a_time_the_clocks_skip_is_read_before_the_change():
    early = local(date(2027, 3, 13), 2, 30)
    assert [begin for begin, _end in dates("FREQ=DAILY;COUNT=3", starts_at=early)] == [
        utc("2027-03-13T07:30"),  # 02:30 EST
        utc("2027-03-14T07:30"),  # 02:30 does not exist that day: 03:30 EDT
        utc("2027-03-15T06:30"),  # 02:30 EDT
    ]


def test_a_single_date_is_itself():
    assert dates("") == [(START.astimezone(UTC), (START + timedelta(hours=2)).astimezone(UTC))]


def test_an_endless_rule_stops_at_the_horizon():
    listed = dates("FREQ=WEEKLY")
    assert listed[-1][0] <= START + HORIZON < listed[-1][0] + timedelta(weeks=1)
    assert len(listed) == 58  # weeks 0 to 57 of the 400 days


def test_an_endless_daily_rule_stops_at_max_occurrences():
    listed = dates("FREQ=DAILY", until=START + timedelta(days=5000))
    assert len(listed) == MAX_OCCURRENCES
    assert listed[-1][0].astimezone(TZ).date() == date(2027, 3, 6) + timedelta(days=399)


def test_dates_already_over_are_not_counted_against_the_limit():
    later = START + timedelta(days=1000)
    listed = dates("FREQ=DAILY", now=later, since=later + timedelta(hours=1))
    assert listed[0][0] == later.astimezone(UTC)  # under way at `since`: still a date
    assert len(listed) == MAX_OCCURRENCES
    assert listed[-1][0].astimezone(TZ).date() == later.date() + timedelta(days=399)


# --- Moving the horizon: the service, its task and its command ------------------------------------


def _endless(city, *, rule: str = "FREQ=DAILY", **values):
    with time_machine.travel("2027-01-01 12:00Z", tick=False):
        return event(
            city,
            starts_at=local(date(2027, 1, 2), 10),
            ends_at=local(date(2027, 1, 2), 11),
            rrule=rule,
            **values,
        )


@pytest.mark.django_db
def test_extending_moves_the_dates_up_to_the_new_horizon():
    city = town()
    daily = _endless(city)

    with time_machine.travel("2027-03-01 12:00Z", tick=False):
        extended = services.occurrences_extend()

    assert extended == 1
    daily.refresh_from_db()
    assert daily.expanded_until == utc("2027-03-01T12:00") + HORIZON
    last = daily.occurrences.order_by("starts_at").last()
    # 1 March 12:00 UTC + 400 days is 4 April 2028 12:00 UTC, before that day's 10:00 EDT.
    assert last.starts_at.astimezone(TZ).date() == date(2028, 4, 3)
    assert last.starts_at.astimezone(TZ).hour == 10
    assert (
        Occurrence.objects.filter(event=daily, starts_at__lt=utc("2027-01-02T00:00")).count() == 0
    )


@pytest.mark.django_db
def test_an_endless_daily_event_keeps_getting_dates_after_a_year():
    city = town()
    daily = _endless(city)
    with time_machine.travel("2028-06-01 12:00Z", tick=False):
        services.occurrences_extend()

    last = daily.occurrences.order_by("starts_at").last()
    assert last.starts_at >= utc("2028-06-01T12:00") + HORIZON - timedelta(days=1)


@pytest.mark.django_db
def test_extending_leaves_events_already_far_enough_and_those_not_published():
    city = town()
    organiser = staff(city)
    _endless(city, actor=organiser)
    draft = _endless(city, actor=organiser, publish=False)
    cancelled = _endless(city, actor=organiser, rule="FREQ=WEEKLY")
    with time_machine.travel("2027-01-01 13:00Z", tick=False):
        services.event_cancel(actor=organiser, event=cancelled)
    before = dict(Event.objects.values_list("pk", "expanded_until"))

    with time_machine.travel("2027-01-20 12:00Z", tick=False):
        assert services.occurrences_extend() == 0
    with time_machine.travel("2027-03-01 12:00Z", tick=False):
        assert services.occurrences_extend() == 1

    assert draft.occurrences.count() == 0
    cancelled.refresh_from_db()
    assert cancelled.expanded_until == before[cancelled.pk]


@pytest.mark.django_db
def test_the_task_and_the_command_extend_the_dates(capsys):
    city = town()
    first, second = _endless(city), _endless(city, rule="FREQ=WEEKLY")

    with time_machine.travel("2027-03-01 12:00Z", tick=False):
        result = tasks.extend_event_dates.enqueue()
    assert result.return_value == 2
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        call_command("extend_event_dates")

    assert "2 event(s)" in capsys.readouterr().out
    for repeating in (first, second):
        repeating.refresh_from_db()
        assert repeating.expanded_until == utc("2027-05-01T12:00") + HORIZON
