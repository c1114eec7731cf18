"""Template filters and tags of the events pages: dates in the event's own time, the language a
text is shown in, accessibility symbols, and a small map drawn without tiles (there is no map
server to ask): the H3 cell of the place and its neighbours, with a marker."""

from __future__ import annotations

import math
from datetime import datetime
from urllib.parse import urlencode

import h3
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from milieu.core import geo

from ..forms import LANGUAGE_NAMES
from ..models import LANGUAGE_CODES, Access
from ..recurrence import RuleError, zone

register = template.Library()

# A symbol for each accessibility feature, always shown with its text.
SYMBOLS = {
    Access.STEP_FREE: "♿",
    Access.ADAPTED_TOILETS: "🚻",
    Access.HEARING_LOOP: "🦻",
    Access.SIGN_LANGUAGE: "🤟",
    Access.QUIET_SPACE: "🤫",
    Access.FREE_COMPANION: "🧑‍🤝‍🧑",
}
MAP_WIDTH = 240
MAP_PADDING = 10


@register.filter
def local(moment: datetime | None, time_zone: str):
    """The moment as a naive wall time in `time_zone` (the event's), for the `date` filter,
    which would otherwise show it in the server's time."""
    if moment is None:
        return None
    try:
        return moment.astimezone(zone(time_zone)).replace(tzinfo=None)
    except RuleError:
        return moment


@register.filter
def shown_language(obj, field: str) -> str:
    """The language `obj.translated(field)` shows to this reader: theirs when written, else the
    original's."""
    language = (get_language() or "fr")[:2]
    written: str = getattr(obj, f"{field}_{language}", "") if language in LANGUAGE_CODES else ""
    return language if written else obj.original_language


@register.filter
def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


@register.filter
def access_symbol(feature) -> str:
    return SYMBOLS.get(feature, "")


@register.filter
def with_events(municipalities) -> bool:
    """Whether any of these municipalities has the events module on (the region's page links to
    its agenda then)."""
    return any("events" in (m.enabled_modules or []) for m in municipalities or [])


@register.filter
def osm_url(obj) -> str:
    if not getattr(obj, "has_point", False):
        return ""
    query = urlencode({"mlat": f"{obj.latitude:.5f}", "mlon": f"{obj.longitude:.5f}"})
    return f"https://www.openstreetmap.org/?{query}#map=17/{obj.latitude:.5f}/{obj.longitude:.5f}"


@register.filter
def geo_uri(obj) -> str:
    if not getattr(obj, "has_point", False):
        return ""
    return f"geo:{obj.latitude:.5f},{obj.longitude:.5f}"


@register.simple_tag
def place_map(obj, name: str = "") -> SafeString:
    """An inline SVG of the place's H3 cell (about 1 km across) and its six neighbours, with a
    marker on the place: a map that needs no tile server. Empty when the place has no point."""
    if not getattr(obj, "has_point", False):
        return mark_safe("")
    latitude, longitude = obj.latitude, obj.longitude
    centre = obj.cell or geo.cell_at(latitude, longitude)
    cells = h3.grid_disk(centre, 1)
    outlines = {cell: h3.cell_to_boundary(cell) for cell in cells}
    squeeze = math.cos(math.radians(latitude))  # a degree of longitude is shorter up north
    corners = [corner for outline in outlines.values() for corner in outline]
    west = min(lng for _lat, lng in corners)
    north = max(lat for lat, _lng in corners)
    span_x = (max(lng for _lat, lng in corners) - west) * squeeze
    span_y = north - min(lat for lat, _lng in corners)
    scale = (MAP_WIDTH - 2 * MAP_PADDING) / max(span_x, 1e-9)
    height = round(span_y * scale + 2 * MAP_PADDING)

    def point(lat: float, lng: float) -> str:
        x = MAP_PADDING + (lng - west) * squeeze * scale
        y = MAP_PADDING + (north - lat) * scale
        return f"{x:.1f},{y:.1f}"

    shapes = []
    for cell in sorted(cells, key=lambda c: c == centre):
        fill, stroke = ("#cfe0f5", "#1f4e8c") if cell == centre else ("#eef2f7", "#8a99ad")
        points = " ".join(point(lat, lng) for lat, lng in outlines[cell])
        shapes.append(f'<polygon points="{points}" fill="{fill}" stroke="{stroke}"/>')
    x, _sep, y = point(latitude, longitude).partition(",")
    label = _("Map of the neighbourhood of %(place)s: each hexagon is about 1 km across.") % {
        "place": name or _("the place")
    }
    return mark_safe(  # noqa: S308 - numbers, and the label escaped
        f'<svg class="place-map" role="img" aria-label="{escape(label)}" width="{MAP_WIDTH}" '
        f'height="{height}" viewBox="0 0 {MAP_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}'
        f'<circle cx="{x}" cy="{y}" r="7" fill="#b3261e" stroke="#fff" stroke-width="2"/>'
        "</svg>"
    )


@register.filter
def money(amount) -> str:
    """A price in dollars as the reader writes it: 12,50 $ in French and Spanish, $12.50 in
    English."""
    from django.utils.numberformat import format as number_format

    value = number_format(amount, decimal_sep=".", decimal_pos=2)
    language = (get_language() or "fr")[:2]
    if language == "en":
        return f"${value}"
    return f"{value.replace('.', ',')}\u00a0$"


@register.filter
def long_date(day) -> str:
    """A day with its weekday, as the reader's language writes it ("samedi 14 mars 2026")."""
    from django.utils.formats import date_format

    if not day:
        return ""
    return f"{date_format(day, 'l')} {date_format(day, 'DATE_FORMAT')}"
