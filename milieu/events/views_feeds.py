"""The iCalendar feeds: a city's agenda (all of it, or one category), a region's (every member
city with the module on), and a person's own registrations behind an unguessable token.

The public feeds are in the language of their URL (`/<lang>/...`), read neither the session nor
the person, and may be kept by any cache for `PUBLIC_MAX_AGE`; calendar applications ask again
with the ETag or the date they were given and get a 304 when nothing changed. The private feed
says `private, no-store`: it tells which events a person goes to (personal information under
Law 25) and its URL carries the secret, so no shared cache or disk cache is to keep it; the
calendar application that subscribed keeps its own copy, and still gets a 304 for an ETag it
remembers. It has no Last-Modified: a cancelled registration leaves the feed without leaving a
date behind, so only the hash of the body tells whether it changed.

Each feed runs a fixed number of queries, whatever the number of events. Building a public feed
costs about a millisecond of CPU per event, so a built one is kept in the cache under a
fingerprint of the events it lists (`_fingerprint`): the same data is built once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from milieu.core.errors import NotFound

from . import calendar, selectors, services
from .models import Category
from .permissions import MODULE

CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_MAX_AGE = 300
# A built public feed is kept for the same data this long (a change the events' `updated_at`
# does not show, such as a renamed town, waits at most this long).
BUILT_SECONDS = 600


def _language() -> str:
    return (get_language() or "fr")[:2]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _category(category: str | None) -> str:
    if category is None:
        return ""
    if category not in Category.values:
        raise Http404("Unknown category")
    return category


def _name(place: str, category: str) -> str:
    if category:
        return _("Events in %(place)s: %(category)s") % {
            "place": place,
            "category": Category(category).label,
        }
    return _("Events in %(place)s") % {"place": place}


def _filename(*parts: str) -> str:
    return "-".join(part for part in parts if part) + ".ics"


def _respond(
    request: HttpRequest,
    body: bytes,
    *,
    filename: str,
    last_modified: datetime | None,
    public: bool,
) -> HttpResponse:
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return conditional or response


def _last_change(moments: Iterable[datetime]) -> datetime | None:
    return max(moments, default=None)


def _fingerprint(events, *parts) -> str:
    """What a public feed's bytes depend on, as read by its queries: the events' revisions
    (`updated_at` moves with every change of an event and of its dates) and cancelled dates."""
    listed = [
        (
            event.pk,
            event.updated_at.isoformat(),
            event.status,
            event.municipality.slug,
            [start.isoformat() for start in getattr(event, "cancelled_dates", [])],
        )
        for event in events
    ]
    return hashlib.sha256(repr((parts, listed)).encode()).hexdigest()


def _public_feed(request, municipalities, *, place: str, slug: str, category: str):
    events = selectors.feed_events(municipalities=municipalities, category=category)
    language = _language()
    name = _name(place, category)
    base_url = _base_url(request)
    key = "events:feed:v1:" + _fingerprint(events, language, name, base_url, timezone.now().year)
    body = cache.get(key)
    if body is None:  # building a feed of a thousand events takes about a second
        body = calendar.events_feed(events, name=name, language=language, base_url=base_url)
        cache.set(key, body, BUILT_SECONDS)
    return _respond(
        request,
        body,
        filename=_filename(slug, category),
        last_modified=_last_change(event.updated_at for event in events),
        public=True,
    )


@require_safe
def city_feed(request: HttpRequest, municipality_slug: str, category: str | None = None):
    """The events of one city (or of one category there), for a calendar application."""
    from milieu.territory.selectors import municipality_get

    category = _category(category)
    try:
        municipality = municipality_get(slug=municipality_slug, module=MODULE)
    except NotFound:
        raise Http404("No events here") from None
    return _public_feed(
        request,
        [municipality],
        place=municipality.name,
        slug=municipality.slug,
        category=category,
    )


@require_safe
def region_feed(request: HttpRequest, region_slug: str, category: str | None = None):
    """The events of every member city of a region that has the module on (the same members,
    from the same cache, as the region's agenda)."""
    from .views import region_or_404

    category = _category(category)
    region, municipalities = region_or_404(region_slug)
    return _public_feed(
        request, municipalities, place=region.name, slug=region.slug, category=category
    )


@require_safe
def my_feed(request: HttpRequest, token: str):
    """A person's registrations, for the calendar application they subscribed with `token`.
    A wrong, old (rotated) or malformed token, or a closed account, is a plain 404."""
    user = services.calendar_user(token)
    if user is None:
        raise Http404
    registrations = selectors.feed_registrations(user)
    body = calendar.registrations_feed(
        registrations,
        # Translators: the name a calendar application shows for a person's registrations.
        name=_("My events"),
        language=_language(),
        base_url=_base_url(request),
    )
    # Translators: the file name of a person's calendar of registrations (letters and dashes).
    filename = _filename(slugify(_("my-events")) or "my-events")
    return _respond(request, body, filename=filename, last_modified=None, public=False)
