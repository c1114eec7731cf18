"""An attraction's weekly opening hours: is it open now, when does it open next, and the week as
a table, in the municipality's time.

The hours are stored as `{"mon": [["09:00", "17:00"]], ...}` (`Attraction.hours`, checked by
`services._hours`): the days absent are closed, and no hours at all mean always open (a park, a
trail). A span closes at its end ("24:00" is midnight at the end of the day); a span never runs
past midnight. The pages type a day's spans as "09:00-12:00, 13:00-17:00" (`parse_day`,
`format_day`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import DEFAULT_TIMEZONE
from .recurrence import RuleError, zone

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
# "9:00", "09:00", "9h", "9 h 30", "9h30": what people type for a time of the day.
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*$")
_SPAN = re.compile(r"\s*[-–—]\s*|\s+(?:to|à|a)\s+")

Hours = dict[str, list[list[str]]]


def municipality_zone(municipality) -> ZoneInfo:
    """The municipality's time zone (Quebec's unless it names another)."""
    name = getattr(municipality, "time_zone", "") or DEFAULT_TIMEZONE
    try:
        return zone(name)
    except RuleError:
        return zone(DEFAULT_TIMEZONE)


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def _spans(hours: Hours, weekday: int) -> list[tuple[int, int]]:
    return [(_minutes(a), _minutes(b)) for a, b in hours.get(DAY_KEYS[weekday], [])]


def is_open(hours: Hours, moment: datetime) -> bool:
    """Whether the place is open at `moment` (a local wall time)."""
    if not hours:
        return True
    minute = moment.hour * 60 + moment.minute
    return any(start <= minute < end for start, end in _spans(hours, moment.weekday()))


@dataclass(frozen=True)
class OpenState:
    open: bool
    always: bool = False
    closes_at: str = ""  # when open: the end of the current span ("17:00")
    opens_day: str = ""  # when closed: the day it opens next ("" for today)…
    opens_at: str = ""  # …and at what time ("" when it never opens)


def open_state(hours: Hours, *, now: datetime | None = None, tz: ZoneInfo | None = None):
    """Open or closed at `now` (in `tz`, by default Quebec's), until when, or from when."""
    if not hours:
        return OpenState(open=True, always=True)
    local = (now or timezone.now()).astimezone(tz or zone(DEFAULT_TIMEZONE))
    minute = local.hour * 60 + local.minute
    weekday = local.weekday()
    for start, end in _spans(hours, weekday):
        if start <= minute < end:
            return OpenState(open=True, closes_at=_hhmm(end))
    for ahead in range(8):
        day = (weekday + ahead) % 7
        for start, _end in _spans(hours, day):
            if ahead or start > minute:
                label = "" if ahead == 0 else str(DAY_NAMES[day]) if ahead > 1 else _("tomorrow")
                return OpenState(open=False, opens_day=label, opens_at=_hhmm(start))
    return OpenState(open=False)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Day:
    key: str
    name: str
    spans: list[list[str]]
    is_today: bool


def week(hours: Hours, *, now: datetime | None = None, tz: ZoneInfo | None = None) -> list[Day]:
    """The seven days from Monday, each with its spans (none: closed), today marked."""
    today = (now or timezone.now()).astimezone(tz or zone(DEFAULT_TIMEZONE)).weekday()
    return [
        Day(key=key, name=str(DAY_NAMES[index]), spans=hours.get(key, []), is_today=index == today)
        for index, key in enumerate(DAY_KEYS)
    ]


def _time(text: str) -> str:
    found = _TIME.match(text)
    if not found:
        raise ValueError(text)
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError(text)
    return f"{hour:02d}:{minute:02d}"


def parse_day(text: str) -> list[list[str]]:
    """The spans typed for one day ("09:00-12:00, 13:00-17:00"); empty text: closed.
    `ValueError` when a span is not a start and a later end."""
    spans = []
    for part in re.split(r"[,;]", text or ""):
        if not part.strip():
            continue
        bounds = _SPAN.split(part.strip())
        if len(bounds) != 2:
            raise ValueError(part)
        opens, closes = _time(bounds[0]), _time(bounds[1])
        if closes <= opens:
            raise ValueError(part)
        spans.append([opens, closes])
    if len(spans) > 4:
        raise ValueError(text)
    return sorted(spans)


def format_day(spans: list[list[str]]) -> str:
    return ", ".join(f"{opens}-{closes}" for opens, closes in spans)
