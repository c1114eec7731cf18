"""Time series drawn on the server: an SVG column chart that reads at a glance and that screen
readers read (role="img", a <title>, a <desc> listing every value), and the data table that goes
with it. No JavaScript, no library.

Values come already protected (`core.smallnumbers`): a point is (label, value or None, text),
where `text` is what people read ("12", "fewer than 5", "—"). A suppressed or missing value
draws no column; its text is in the description and the table.

    column_chart(points, title=..., unit=...)   data_table(points, caption=..., ...)
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count
from typing import NamedTuple

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 600
HEIGHT = 180
TOP = 22  # room for the values above the columns
BOTTOM = 24  # room for the labels under them
GAP = 6
_ids = count(1)


class Point(NamedTuple):
    label: str  # the month ("Jan") under the column
    value: float | None  # the protected value; None draws no column
    text: str  # what people read: the localised figure, "fewer than 5" or "—"
    long_label: str = ""  # the month in full ("January 2026"), for the description and table


def column_chart(points: Sequence[Point], *, title: str, unit: str = "") -> SafeString:
    number = next(_ids)
    title_id, desc_id = f"series-{number}-title", f"series-{number}-desc"
    suffix = f" {unit}" if unit else ""
    peak = max((p.value for p in points if p.value is not None), default=0.0) or 1.0
    slot = WIDTH / max(len(points), 1)
    column = max(slot - GAP, 2)
    span = HEIGHT - TOP - BOTTOM
    description = "; ".join(
        f"{p.long_label or p.label}: {p.text}{suffix if p.value is not None else ''}"
        for p in points
    )
    parts = []
    for index, point in enumerate(points):
        x = round(index * slot + GAP / 2, 1)
        centre = round(index * slot + slot / 2, 1)
        if point.value is not None:
            height = round(span * float(point.value) / peak, 1)
            top = round(TOP + span - height, 1)
            if height > 0:  # a zero draws no column, only its figure on the axis
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" '
                        'fill="#2b6a9e"></rect>',
                        x,
                        top,
                        round(column, 1),
                        height,
                    )
                )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="chart-value">{}</text>',
                    centre,
                    top - 4,
                    point.text,
                )
            )
        else:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="chart-value chart-muted" fill="#595959">'
                    "{}</text>",
                    centre,
                    TOP + span - 4,
                    "<5" if point.text not in ("—", "") else "—",
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>',
                centre,
                HEIGHT - 6,
                point.label,
            )
        )
    return format_html(
        '<svg class="chart chart-series" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{} {}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
        'font-family="inherit"><title id="{}">{}</title><desc id="{}">{}</desc>'
        '<line x1="0" y1="{}" x2="{}" y2="{}" class="chart-axis" stroke="currentColor"></line>'
        "{}</svg>",
        WIDTH,
        HEIGHT,
        title_id,
        desc_id,
        title_id,
        title,
        desc_id,
        description or _("No data."),
        TOP + span,
        WIDTH,
        TOP + span,
        mark_safe("".join(parts)),  # noqa: S308  (each part went through format_html)
    )


def data_table(
    points: Sequence[Point], *, caption: str, label_header: str, value_header: str
) -> SafeString:
    """The chart's figures as a table (what a screen reader or a printout prefers)."""
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="number">{}</td></tr>',
        ((p.long_label or p.label, p.text) for p in points),
    )
    return format_html(
        '<table class="data-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        caption,
        label_header,
        value_header,
        body,
    )
