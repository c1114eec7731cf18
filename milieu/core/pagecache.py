"""Pages rendered once and served many times, with the per-request values filled in.

Rendering through the template language is most of what a warm page request costs (2 to 3 ms of
the 4 ms of a logged-in municipality home, see docs/performance.md). Many pages depend on a few
facts only: the municipality, the language, the time zone, whether the visitor is logged in and
a few flags, or, for a personal page, versions of the person's data. Such a page is rendered once
per variant and kept. What changes with every request is left as a *hole* in the kept text and
filled in on each request: the CSRF token, the CSP nonce, and whatever an app registers
(`register_hole`; the notifications app fills the unread badge).

Two tiers:

- **shared** (`per_person=False`): one rendering for everyone who sees the same variant, kept in
  the worker's memory (a bounded LRU, `SHARED_SECONDS`) and in the shared cache, where the
  other workers find it instead of rendering it again. The template gets a `user` that answers
  only `is_authenticated`: reading anything else about the person raises `PersonalDataRead`,
  so a shared page cannot carry one person's data to another (the view passes what differs per
  person as `vary` flags instead).
- **personal** (`per_person=True`): one rendering per person and variant, in the shared cache
  (Redis), for `PERSONAL_SECONDS`; `vary` names the versions of what the page shows.

A request is served from these tiers only when it is a GET without flash messages to show. The
markers of the holes carry a secret derived from `SECRET_KEY`, so text written by a user cannot
open one.

Parts of pages: `{% keep "name" %}…{% endkeep %}` (template library `pagecache`) keeps one
fragment the same way, in the shared tier, per language, municipality and logged-in or not; the
parts a page being kept lacks are read from the cache together once the page is rendered
(`defer`). The site's layout (`base.html`: head, header, footer) is kept so, which makes every
page's first rendering about 2 ms cheaper; inside, `{% current_path %}` writes the request's
path (a hole).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

SHARED_SECONDS = 600
PERSONAL_SECONDS = 600
SHARED_CHARACTERS = 16_000_000  # per worker (16 to 64 MB): pages of 4 to 60 KB, cards of 1 to 3 KB
CONTEXT_FLAG = "page_cache_rendering"  # true in the context while a page is rendered to be kept
# In the context of a page rendered to be kept: the list of its parts (`{% keep %}`) that the
# worker's memory did not have, looked up together in the shared cache once the page is rendered.
DEFERRED = "page_cache_deferred"


class PersonalDataRead(Exception):
    """A page kept for many people read something about the person who caused its rendering."""


class SharedViewer:
    """The `user` of a shared page: logged in or not, nothing more."""

    def __init__(self, is_authenticated: bool) -> None:
        self.is_authenticated = is_authenticated
        self.is_anonymous = not is_authenticated

    def __getattr__(self, name: str) -> Any:
        raise PersonalDataRead(
            f"A page kept for many people reads user.{name}: pass what it needs as a `vary` "
            "flag, or keep the page per person."
        )


class _Marks:
    @cached_property
    def secret(self) -> str:
        return salted_hmac("milieu.core.pagecache", "holes", algorithm="sha256").hexdigest()[:12]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(f"\ue000{self.secret}([a-z-]+)\ue001")

    @cached_property
    def deferred(self) -> re.Pattern[str]:
        return re.compile(f"\ue002{self.secret}([0-9]+)\ue003")


_marks = _Marks()


def hole(name: str) -> SafeString:
    """The marker a template writes where the value of hole `name` goes."""
    return mark_safe(f"\ue000{_marks.secret}{name}\ue001")  # noqa: S308 - ours, filled later


_HOLES: dict[str, Callable[[HttpRequest], str]] = {}


def register_hole(name: str, fill: Callable[[HttpRequest], str]) -> None:
    """`fill(request)` returns the HTML that replaces `hole(name)` on each request (escaped by
    the caller, as a template tag would)."""
    if not re.fullmatch("[a-z-]+", name):
        raise ValueError(f"hole names are lowercase words and dashes, not {name!r}")
    _HOLES[name] = fill


def _nonce(request: HttpRequest) -> str:
    nonce = getattr(request, "_csp_nonce", None)
    return str(nonce) if nonce is not None else ""


def _path(request: HttpRequest) -> str:
    return escape(request.get_full_path())


register_hole("csrf", get_token)
register_hole("nonce", _nonce)
register_hole("path", _path)


class _Shared:
    """The worker's LRU of shared pages and fragments, bounded by the characters it holds
    (thread-safe: gthread workers share it)."""

    def __init__(self, characters: int) -> None:
        self.characters = characters
        self.held = 0
        self.pages: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self.pages[key]
                self.held -= len(found[1])
                return None
            self.pages.move_to_end(key)
            return found[1]

    def set(self, key: str, html: str, seconds: float) -> None:
        with self.lock:
            replaced = self.pages.pop(key, None)
            if replaced is not None:
                self.held -= len(replaced[1])
            self.pages[key] = (time.monotonic() + seconds, html)
            self.held += len(html)
            while self.held > self.characters and len(self.pages) > 1:
                _key, (_until, dropped) = self.pages.popitem(last=False)
                self.held -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.held = 0


_shared = _Shared(SHARED_CHARACTERS)


def clear() -> None:
    """Forget the worker's shared pages (tests; the personal tier lives in the cache)."""
    _shared.clear()


def enabled() -> bool:
    return getattr(settings, "MILIEU_PAGE_CACHE", True)


def _servable(request: HttpRequest) -> bool:
    if request.method != "GET" or not enabled():
        return False
    messages = getattr(request, "_messages", None)
    return messages is None or len(messages) == 0  # len() reads them without using them up


def _municipality_part(request: HttpRequest) -> tuple:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        return ()
    region = municipality.region
    return (municipality.pk, municipality.updated_at, region.pk, region.slug, region.name)


def _key(prefix: str, request: HttpRequest, *parts: Any) -> str:
    """A cache key for what varies with the language, logged-in or not, htmx or not, the
    municipality of the URL, and `parts`."""
    variant = (
        get_language(),
        request.user.is_authenticated,
        bool(request.headers.get("HX-Request")),
        _municipality_part(request),
        *parts,
    )
    return f"{prefix}:{hashlib.blake2b(repr(variant).encode(), digest_size=16).hexdigest()}"


def page_key(
    request: HttpRequest, template_name: str, vary: Iterable[Any], per_person: bool
) -> str:
    return _key(
        "pages:v1",
        request,
        template_name,
        timezone.get_current_timezone_name(),
        request.get_full_path(),
        request.user.pk if per_person else None,
        tuple(vary),
    )


def fill(request: HttpRequest, html: str) -> str:
    # One value per hole and request, whatever the number of fragments filled (a feed fills
    # twenty post cards: twenty CSRF tokens would each cost a masking).
    values: dict[str, str] = request.__dict__.setdefault("_pagecache_holes", {})

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            values[name] = _HOLES[name](request)
        return values[name]

    return _marks.pattern.sub(value, html)


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]],
    *,
    vary: Iterable[Any] = (),
    per_person: bool = False,
) -> HttpResponse:
    """The page `template_name` with `context` (a dict, or a function called only when the
    page must be rendered), from the tier's copy when there is one for this variant."""
    if not _servable(request):
        return HttpResponse(render_to_string(template_name, _context(context), request))
    key = page_key(request, template_name, vary, per_person)
    if per_person:
        html = cache.get(key)
    else:
        html = _shared.get(key)
        if html is None:  # another worker may have rendered it
            html = cache.get(key)
            if html is not None:
                _shared.set(key, html, SHARED_SECONDS)
    if html is None:
        kept = _context(context) | keeping(request, shared=not per_person)
        deferred: list[Deferred] = []
        kept[DEFERRED] = deferred
        html = _resolve(render_to_string(template_name, kept, request), deferred)
        if per_person:
            cache.set(key, html, PERSONAL_SECONDS)
        else:
            _shared.set(key, html, SHARED_SECONDS)
            cache.set(key, html, SHARED_SECONDS)
    return HttpResponse(fill(request, html))


def keeping(request: HttpRequest, *, shared: bool) -> dict[str, Any]:
    """What a rendering to keep sees instead of the request's own values."""
    overrides: dict[str, Any] = {
        CONTEXT_FLAG: True,
        "csrf_token": hole("csrf"),
        "csp_nonce": hole("nonce"),
    }
    if shared:
        # `viewer` is the reader's name in the community's templates.
        overrides["user"] = overrides["perms"] = overrides["viewer"] = SharedViewer(
            request.user.is_authenticated
        )
    return overrides


def fragment_key(request: HttpRequest, name: str, vary: Iterable[Any] = ()) -> str:
    return _key("fragments:v1", request, name, tuple(vary))


def kept_fragment(key: str) -> str | None:
    """The part kept under `key` in the worker's memory, if it is there."""
    return _shared.get(key)


def fragment(
    request: HttpRequest,
    name: str,
    render: Callable[[], str],
    *,
    filled: bool,
    vary: Iterable[Any] = (),
) -> str:
    """A part of a page kept in the shared tier: `render()` (called under `keeping`) once per
    language, municipality, logged-in or not and `vary`; `filled` fills its holes for this
    request."""
    key = fragment_key(request, name, vary)
    html = _shared.get(key)
    if html is None:  # another worker may have rendered it: a post card costs ~4 ms to render
        html = cache.get(key)
        if html is None:
            html = render()
            cache.set(key, html, SHARED_SECONDS)
        _shared.set(key, html, SHARED_SECONDS)
    return fill(request, html) if filled else html


class ReadWhenRendered:
    """A value of a page's context that stands for what is read only when a kept part showing
    it must be rendered (a post of a feed's outline, `community.selectors.social`). When a
    part is deferred, the values of this kind in its context are told, before any part is
    rendered, which ones will be (`needed`), so that they can be read together."""

    def needed(self) -> None:
        raise NotImplementedError


Deferred = tuple[str, Callable[[], str], tuple[ReadWhenRendered, ...]]


def defer(
    deferred: list[Deferred],
    key: str,
    render: Callable[[], str],
    needs: Iterable[ReadWhenRendered] = (),
) -> str:
    """A marker for the part kept under `key`, replaced once the page is rendered (`_resolve`):
    by what the shared cache keeps, else by `render()`, after `needed()` was called on each of
    `needs` of every part to render. A feed page's twenty post cards cost one round trip to the
    cache instead of twenty, and the posts of the cards missing there are read together."""
    deferred.append((key, render, tuple(needs)))
    return f"\ue002{_marks.secret}{len(deferred) - 1}\ue003"


def _resolve(html: str, deferred: list[Deferred]) -> str:
    if not deferred:
        return html
    found: dict[str, str] = cache.get_many(list(dict.fromkeys(key for key, *_rest in deferred)))
    for key, _render, needs in deferred:
        if key not in found:
            for value in needs:
                value.needed()
    rendered: dict[str, str] = {}
    texts = []
    for key, render, _needs in deferred:
        text = found.get(key)
        if text is None:
            text = rendered.get(key)
            if text is None:
                text = rendered[key] = render()
        texts.append(text)
    if rendered:
        cache.set_many(rendered, SHARED_SECONDS)
    for key, text in (found | rendered).items():
        _shared.set(key, text, SHARED_SECONDS)
    return _marks.deferred.sub(lambda match: texts[int(match.group(1))], html)


def _context(context: dict[str, Any] | Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return context() if callable(context) else dict(context)
