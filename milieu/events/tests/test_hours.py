"""Opening hours: open now, the next opening, the week, and what people type for a day."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from milieu.events import hours

QUEBEC = ZoneInfo("America/Toronto")
WEEK = {"wed": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": [["10:00", "24:00"]]}


def at(text: str) -> datetime:
    """A local time in Quebec (2027-05-12 is a Wednesday)."""
    return datetime.fromisoformat(text).replace(tzinfo=QUEBEC)


def test_no_hours_means_always_open():
    assert hours.open_state({}, now=at("2027-05-12T03:00")) == hours.OpenState(
        open=True, always=True
    )


def test_open_during_a_span_until_its_end():
    state = hours.open_state(WEEK, now=at("2027-05-12T10:30"), tz=QUEBEC)
    assert (state.open, state.closes_at) == (True, "12:00")


def test_closed_at_lunch_opens_again_today():
    state = hours.open_state(WEEK, now=at("2027-05-12T12:00"), tz=QUEBEC)
    assert (state.open, state.opens_day, state.opens_at) == (False, "", "13:00")


def test_closed_in_the_evening_opens_on_the_next_open_day():
    with translation.override("en"):
        state = hours.open_state(WEEK, now=at("2027-05-12T18:00"), tz=QUEBEC)
    assert (state.open, state.opens_day, state.opens_at) == (False, "Saturday", "10:00")
    with translation.override("en"):
        state = hours.open_state(WEEK, now=at("2027-05-14T18:00"), tz=QUEBEC)
    assert (state.opens_day, state.opens_at) == ("tomorrow", "10:00")


def test_midnight_closes_a_day_that_ends_at_24():
    assert hours.is_open(WEEK, at("2027-05-15T23:59"))
    assert not hours.is_open(WEEK, at("2027-05-16T00:00"))


def test_open_now_is_read_in_the_municipalitys_time_not_utc():
    # 16:30 UTC is 12:30 in Quebec in May: closed for lunch (read as UTC, it would be open).
    state = hours.open_state(WEEK, now=datetime(2027, 5, 12, 16, 30, tzinfo=UTC), tz=QUEBEC)
    assert state.open is False and state.opens_at == "13:00"


def test_a_day_never_open_is_closed_in_the_week():
    days = hours.week(WEEK, now=at("2027-05-12T10:00"), tz=QUEBEC)
    assert [day.key for day in days] == list(hours.DAY_KEYS)
    assert [day.is_today for day in days].index(True) == 2
    assert days[0].spans == [] and days[5].spans == [["10:00", "24:00"]]


@pytest.mark.parametrize(
    ("typed", "spans"),
    [
        ("", []),
        ("09:00-17:00", [["09:00", "17:00"]]),
        ("13:00 - 17:00, 9h-12h", [["09:00", "12:00"], ["13:00", "17:00"]]),
        ("9 h 30 à 16 h", [["09:30", "16:00"]]),
        ("10:00–24:00", [["10:00", "24:00"]]),
    ],
)
def test_what_people_type_for_a_day(typed, spans):
    assert hours.parse_day(typed) == spans
    assert hours.parse_day(hours.format_day(spans)) == spans


@pytest.mark.parametrize("typed", ["17:00-09:00", "9h", "25:00-26:00", "09:00-12:00-13:00", "midi"])
def test_what_cannot_be_a_day(typed):
    with pytest.raises(ValueError):
        hours.parse_day(typed)
