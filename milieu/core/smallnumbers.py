"""Small-number protection: a count under `THRESHOLD` never leaves the server as itself.

Ten Témiscamingue communities have fewer than 500 residents; "3 newcomer pairs in Laforce this
month" could name the people. Every figure that a page, an export, the API or open data shows
goes through one of these helpers, and whatever is derived from a small count (a share, a median,
an average) is suppressed with it.

- `protect(value, count=...)` gives `None` when the figure (or the count it was derived from) is
  under the threshold, and the figure otherwise. `None` is what the API and JSON carry, together
  with `"suppressed": true` (see `Figure`).
- `display(value, count=...)` gives the text for pages and CSV: the localised figure, or
  "fewer than 5" in the reader's language.
- In templates: `{% load smallnumbers %}{{ value|small_number }}` (or `small_number:count`).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from ninja import Schema

THRESHOLD = 5

Number = int | float | Decimal


def is_small(value: Number | None) -> bool:
    """True when a count is too small to publish (0 is not small: "none" reveals no one)."""
    return value is not None and 0 < value < THRESHOLD


def protect(value: Number | None, *, count: Number | None = None) -> Number | None:
    """`value`, or None when it (or the `count` of people or things it was derived from) is
    under the threshold. A zero count suppresses a derived figure too: there is nothing to
    derive it from."""
    if value is None:
        return None
    basis = value if count is None else count
    if count is not None and count == 0:
        return None
    if is_small(basis):
        return None
    return value


def fewer_than() -> str:
    return _("fewer than %(threshold)s") % {"threshold": THRESHOLD}


def display(
    value: Number | None, *, count: Number | None = None, decimals: int | None = None
) -> str:
    """The figure as text for a page or a CSV cell: localised, or "fewer than 5"."""
    if value is None:
        return "—"
    protected = protect(value, count=count)
    if protected is None:
        return fewer_than()
    if decimals is None:
        decimals = 0 if float(protected).is_integer() else 1
    # number_format truncates the decimals it drops (72.6 would read 72): round first.
    rounded = round(float(protected), decimals)
    return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


class Figure(Schema):
    """How the API carries a figure that may be suppressed."""

    value: float | None
    suppressed: bool

    @classmethod
    def of(cls, value: Number | None, *, count: Number | None = None) -> Figure:
        protected = protect(value, count=count)
        return cls(
            value=None if protected is None else float(protected),
            suppressed=value is not None and protected is None,
        )
