"""Weekly availability as 21 bits (7 days x morning, afternoon, evening), and its codes
(`"mon-morning"` ... `"sun-evening"`) as forms and the API name them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PART_CODES = ("morning", "afternoon", "evening")
SLOT_CODES = tuple(f"{day}-{part}" for day in DAY_CODES for part in PART_CODES)
_BITS = {code: 1 << index for index, code in enumerate(SLOT_CODES)}
ALL = (1 << len(SLOT_CODES)) - 1


def from_codes(codes: Iterable[str]) -> int:
    """The bits of the given codes; `ValueError` names an unknown one."""
    slots = 0
    for code in codes:
        if code not in _BITS:
            raise ValueError(code)
        slots |= _BITS[code]
    return slots


def to_codes(slots: int) -> list[str]:
    return [code for code in SLOT_CODES if slots & _BITS[code]]


def of_day(day: date) -> int:
    """The three slots of a date's weekday."""
    return 0b111 << (day.weekday() * len(PART_CODES))


def count(slots: int) -> int:
    return bin(slots).count("1")
