"""Repeating events: RFC 5545 RRULE values, checked and expanded in the event's wall time.

`clean_rrule` accepts the value of an RRULE property ("FREQ=WEEKLY;BYDAY=SA;COUNT=10", with or
without the "RRULE:" prefix), refuses what a person cannot mean for an event (more often than
daily) and says what is wrong. `expand` lists an event's dates: the rule runs in the event's time
zone from its local start, so that a Saturday 10:00 stays 10:00 when the clocks change, and each
date lasts as long as the first. Expansion stops at `HORIZON` from now and at `MAX_OCCURRENCES`;
a daily task moves the horizon along (`services.occurrences_extend`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from django.utils.translation import gettext as _

HORIZON = timedelta(days=400)
MAX_OCCURRENCES = 400
ALLOWED_FREQUENCIES = {DAILY, WEEKLY, MONTHLY, YEARLY}


class RuleError(ValueError):
    """An RRULE that cannot be used; the message says why, in the reader's language."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError(_("Unknown time zone.")) from None


def is_zone(name: str) -> bool:
    return name in _zones()


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def _parse(value: str, local_start: datetime) -> rrule:
    try:
        rule = rrulestr(value, dtstart=local_start)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as error:
        if "UNTIL" in value.upper() and "UTC" in str(error):
            raise RuleError(
                _("Give UNTIL in UTC, ending with Z (for example UNTIL=20270630T235959Z).")
            ) from None
        raise RuleError(_("This is not a repetition rule a calendar understands.")) from None
    if not isinstance(rule, rrule):
        raise RuleError(_("Give a single RRULE."))
    return rule


def clean_rrule(value: str, local_start: datetime) -> str:
    """The rule as stored (without the "RRULE:" prefix, upper case), or `RuleError`."""
    value = (value or "").strip()
    if value.upper().startswith("RRULE:"):
        value = value[6:]
    value = value.upper()
    if not value:
        return ""
    if "\n" in value or "\r" in value or len(value) > 300:
        raise RuleError(_("Give a single RRULE."))
    if "DTSTART" in value:
        raise RuleError(_("The rule starts with the event; leave DTSTART out."))
    rule = _parse(value, local_start)
    if rule._freq not in ALLOWED_FREQUENCIES:
        raise RuleError(_("An event repeats at most once a day."))
    if rule._interval < 1:
        raise RuleError(
            _("Repeat every 1 or more days, weeks, months or years (INTERVAL=1 or more).")
        )
    # A day of the month no month given has (30 February) is refused before looking for a
    # date: dateutil would search for one day after day up to the year 9999, seconds of work.
    if not _month_days_exist(rule) or next(iter(rule), None) is None:
        raise RuleError(_("This rule gives no date at all."))
    return value


_MONTH_LENGTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days_exist(rule: rrule) -> bool:
    days = list(rule._bymonthday or ()) + list(rule._bynmonthday or ())
    if not days:
        return True
    months = rule._bymonth or range(1, 13)
    return any(abs(day) <= _MONTH_LENGTHS[month - 1] for month in months for day in days)


def expand(
    *,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    rule: str,
    until: datetime | None = None,
    now: datetime | None = None,
    since: datetime | None = None,
) -> Iterator[tuple[datetime, datetime]]:
    """The (start, end) of each date, in UTC, from the first up to `until` (by default the
    horizon from `now`). With `since`, the dates over by then are left out and not counted
    against `MAX_OCCURRENCES` (an endless daily rule goes on having dates after a year)."""
    tz = zone(time_zone)
    local_start = starts_at.astimezone(tz)
    duration = ends_at.astimezone(tz).replace(tzinfo=None) - local_start.replace(tzinfo=None)
    if duration <= timedelta(0):
        duration = ends_at - starts_at
    limit = until or ((now or datetime.now(UTC)) + HORIZON)
    if not rule:
        yield starts_at.astimezone(UTC), ends_at.astimezone(UTC)
        return
    count = 0
    for start in _parse(rule, local_start):
        if count >= MAX_OCCURRENCES or start > limit:
            return
        end = _wall(start.replace(tzinfo=None) + duration, tz)
        if since is not None and end <= since:
            continue
        count += 1
        yield _wall(start, tz), end


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    """A local wall time in `tz`, as UTC (a time the clocks skip is read before the change)."""
    naive = moment.replace(tzinfo=None)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def describe(rule: str) -> dict[str, object]:
    """The parts of a rule, for a person to read and for schema.org's `Schedule`."""
    parts: dict[str, object] = {}
    for item in (rule or "").split(";"):
        if "=" in item:
            key, _sep, value = item.partition("=")
            parts[key.strip().upper()] = value.strip().upper()
    return parts
