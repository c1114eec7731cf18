"""The diagnostic's radar chart, drawn on the server as SVG: one axis per dimension (0 at the
centre, 5 at the rim), the municipality's scores as a filled polygon and, when it may be shown,
the comparison with municipalities of similar size as a dashed outline. role="img" with a
<title> and a <desc> listing every score; the page puts the data table next to it."""

from __future__ import annotations

import math
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .dimensions import MAX_SCORE, Dimension

SIZE = 460
CENTRE = SIZE / 2
RADIUS = 150
_ids = count(1)


def _point(index: int, total: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / total
    length = RADIUS * max(0.0, min(float(value), MAX_SCORE)) / MAX_SCORE
    return round(CENTRE + length * math.cos(angle), 1), round(CENTRE + length * math.sin(angle), 1)


def _polygon(values: list[float]) -> str:
    return " ".join(
        f"{x},{y}" for x, y in (_point(i, len(values), v) for i, v in enumerate(values))
    )


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def radar_chart(
    scores: dict[str, float], *, title: str, comparison: dict[str, float] | None = None
) -> SafeString:
    number = next(_ids)
    title_id, desc_id = f"radar-{number}-title", f"radar-{number}-desc"
    dimensions = list(Dimension)
    total = len(dimensions)
    parts = []
    for dimension in dimensions:
        part = _("%(dimension)s: %(score)s out of %(max)s") % {
            "dimension": dimension.label,
            "score": _score(scores.get(dimension.value)),
            "max": MAX_SCORE,
        }
        if comparison and dimension.value in comparison:
            part += " " + _("(similar municipalities: %(score)s)") % {
                "score": _score(comparison[dimension.value])
            }
        parts.append(part)
    rings = format_html_join(
        "",
        '<polygon points="{}" class="radar-ring" fill="none" stroke="#ccc"></polygon>',
        ((_polygon([level] * total),) for level in range(1, MAX_SCORE + 1)),
    )
    axes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc"></line>'
        '<text x="{}" y="{}" text-anchor="middle" class="radar-label">{}</text>',
        (
            (CENTRE, CENTRE, *_point(i, total, MAX_SCORE), *_label_at(i, total), d.label)
            for i, d in enumerate(dimensions)
        ),
    )
    compared = ""
    if comparison:
        compared = format_html(
            '<polygon points="{}" class="radar-comparison" fill="none" stroke="#555" '
            'stroke-dasharray="6 4" stroke-width="2"></polygon>',
            _polygon([comparison.get(d.value, 0.0) for d in dimensions]),
        )
    mine = format_html(
        '<polygon points="{}" class="radar-scores" fill="rgba(0,90,156,.35)" stroke="#005a9c" '
        'stroke-width="2"></polygon>',
        _polygon([scores.get(d.value, 0.0) for d in dimensions]),
    )
    return format_html(
        '<svg class="chart radar" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{} {}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
        'font-family="inherit"><title id="{}">{}</title><desc id="{}">{}</desc>'
        "{}{}{}{}</svg>",
        SIZE,
        SIZE,
        title_id,
        desc_id,
        title_id,
        title,
        desc_id,
        "; ".join(parts),
        rings,
        axes,
        compared,
        mine,
    )


def _label_at(index: int, total: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / total
    length = RADIUS + 28
    return round(CENTRE + length * math.cos(angle), 1), round(
        CENTRE + length * math.sin(angle) + 4, 1
    )
