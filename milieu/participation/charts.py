"""Accessible charts drawn on the server: an SVG bar chart that screen readers read (a title, a
description, text labels and values on the bars) and the data table that goes with it. No
JavaScript, no library: a few hundred bytes of markup per chart.

    {{ chart }} from bar_chart([("Oui", 12), ("Non", 5)], title="Faut-il ...?")
    {{ table }} from data_table(rows, caption="...", label_header=_("Answer"), value_header=...)
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 22
GAP = 10
VALUE_SPACE = 80
_ids = count(1)


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{int(value)}" if isinstance(value, float) else str(value)


def _short(label: str, limit: int = 32) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> SafeString:
    """A horizontal bar chart of `rows` (label, value): role="img" with its <title> and a
    <desc> that lists every value, so that the chart says what it shows without sight."""
    number = next(_ids)
    title_id, desc_id = f"chart-{number}-title", f"chart-{number}-desc"
    peak = max((float(value) for _label, value in rows), default=0.0) or 1.0
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    span = WIDTH - LABEL_WIDTH - VALUE_SPACE
    suffix = f" {unit}" if unit else ""
    description = "; ".join(f"{label}: {_number(value)}{suffix}" for label, value in rows)
    bars = []
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(span * float(value) / peak)
        bars.append(
            format_html(
                '<g><text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}{}</text></g>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 6,
                _short(label),
                LABEL_WIDTH,
                y,
                max(length, 1 if float(value) else 0),
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT - 6,
                _number(value),
                suffix,
            )
        )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{} {}" xmlns="http://www.w3.org/2000/svg" '
        'font-size="14" font-family="inherit">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        WIDTH,
        height,
        title_id,
        desc_id,
        title_id,
        title,
        desc_id,
        description or _("No data."),
        mark_safe("".join(bars)),  # noqa: S308  (each bar went through format_html)
    )


def data_table(
    rows: Sequence[tuple[str, float]],
    *,
    caption: str,
    label_header: str,
    value_header: str,
    unit: str = "",
) -> SafeString:
    """The chart's numbers as a table (what a screen reader or a printout prefers)."""
    suffix = f" {unit}" if unit else ""
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="number">{}{}</td></tr>',
        ((label, _number(value), suffix) for label, value in rows),
    )
    return format_html(
        '<table class="data-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        caption,
        label_header,
        value_header,
        body,
    )
