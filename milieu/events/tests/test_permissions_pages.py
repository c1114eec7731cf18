"""The events pages' permission matrix: every page and every form, tried by every kind of actor
against one municipality's published event (starting within the hour, with a registration),
a draft, an open event to register for, and a published and a hidden attraction, with one exact
outcome per cell (a status code, `login` for a redirect to log in, `mfa` for staff sent to enrol
MFA, `done` for a redirect after a write, `moved` for a redirect that writes nothing). Every
refusal is proven to have changed none of the module's rows, every write to have changed some.

A page of the `events`, `events_region` or `events_me` namespaces (but the iCalendar feeds of
`views_feeds`, tested with them) without its entry fails `test_every_page_has_an_entry`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import client_for
from milieu.events import services
from milieu.events.models import (
    Attraction,
    CalendarToken,
    Event,
    Occurrence,
    Registration,
)

from .factories import event, first_date, region, resident, staff, town

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "resident",  # a member of the municipality, registered for the event
    "resident_other",  # a member of another municipality of the region
    "staff",  # municipal staff of the municipality, with MFA
    "staff_nomfa",  # municipal staff of the municipality, without MFA
    "staff_other",  # municipal staff of the other municipality, with MFA
)
LOGIN, DONE, MFA, MOVED = "login", "done", "mfa", "moved"
ACCOUNTS = set(ACTORS) - {"anonymous"}
FEEDS = "milieu.events.views_feeds"


@dataclass
class World:
    here: Any
    area: Any
    actors: dict[str, Any]
    show: Event  # published, starts within the hour, takes registrations
    draft: Event
    open_event: Event  # published, takes registrations, nobody registered
    registration: Registration  # the resident's, for the show
    place: Attraction
    hidden_place: Attraction


@pytest.fixture
def world(still_clock) -> World:
    area = region()
    here, there = town(region=area), town(region=area)
    officer = staff(here)
    actors = {
        "anonymous": None,
        "resident": resident(here, display_name="Rémi Résident"),
        "resident_other": resident(there),
        "staff": officer,
        "staff_nomfa": with_role(here, Role.STAFF, mfa=False),
        "staff_other": staff(there),
    }
    soon = timezone.now() + timedelta(minutes=30)
    show = event(
        here,
        actor=officer,
        title_fr="Spectacle bientôt",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        registration_required=True,
        capacity=10,
    )
    registration = services.registration_create(
        actor=actors["resident"], occurrence=first_date(show)
    )
    return World(
        here=here,
        area=area,
        actors=actors,
        show=show,
        draft=event(here, actor=officer, publish=False, title_fr="Brouillon"),
        open_event=event(here, actor=officer, registration_required=True, capacity=10),
        registration=registration,
        place=services.attraction_create(
            actor=officer,
            municipality=here,
            values={"name_fr": "Parc", "kind": "park", "published": True},
        ),
        hidden_place=services.attraction_create(
            actor=officer, municipality=here, values={"name_fr": "Caché", "kind": "trail"}
        ),
    )


@dataclass(frozen=True)
class Op:
    route: str  # the URL name, with its namespace
    method: str
    expect: Callable[[str], int | str]  # actor -> outcome
    args: Callable[[World], list] = lambda w: []
    data: Callable[[World], dict] = lambda w: {}
    label: str = ""
    in_municipality: bool = True  # the route takes the municipality's slug first

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}{' ' + self.label if self.label else ''}"


def everyone(ok: int | str = 200) -> Callable[[str], int | str]:
    return lambda actor: ok


def accounts(ok: int | str = 200) -> Callable[[str], int | str]:
    """Anyone with an account; visitors log in."""
    return lambda actor: LOGIN if actor == "anonymous" else ok


def organisers(ok: int | str = 200, others: int = 403) -> Callable[[str], int | str]:
    """The municipality's staff with MFA; staff without it enrol first; visitors log in; the
    rest get `others`."""

    def expect(actor: str) -> int | str:
        return {"anonymous": LOGIN, "staff": ok, "staff_nomfa": MFA}.get(actor, others)

    return expect


def only(outcomes: dict[str, int | str], others: int = 404) -> Callable[[str], int | str]:
    return lambda actor: LOGIN if actor == "anonymous" else outcomes.get(actor, others)


def _show(w: World) -> list:
    return [w.show.pk]


def _draft(w: World) -> list:
    return [w.draft.pk]


def _ticket(w: World) -> list:
    return [w.registration.ticket]


EVENT_FORM = {
    "publisher": "city",
    "title_fr": "Atelier",
    "original_language": "fr",
    "category": "family",
    "starts_at": (timezone.localdate() + timedelta(days=9)).isoformat() + "T10:00",
    "ends_at": (timezone.localdate() + timedelta(days=9)).isoformat() + "T11:00",
    "time_zone": "America/Toronto",
    "price": "0",
}


def _edit_form(w: World) -> dict:
    local = w.show.starts_at.astimezone(timezone.get_default_timezone())
    return {
        **EVENT_FORM,
        "title_fr": "Spectacle renommé",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "registration_required": "on",
        "capacity": "10",
    }


ATTRACTION_FORM = {"name_fr": "Musée", "original_language": "fr", "kind": "museum"}

OPERATIONS = [
    # Public pages.
    Op("events:agenda", "GET", everyone()),
    Op(
        "events:agenda",
        "POST",
        everyone(MOVED),
        data=lambda w: {"lat": "45.46", "lng": "-73.47", "km": "10"},
        label="position",
    ),
    Op("events:event", "GET", everyone(), args=_show),
    Op(
        "events:event",
        "GET",
        lambda actor: 200 if actor == "staff" else 404,
        args=_draft,
        label="draft",
    ),
    Op("events:attractions", "GET", everyone()),
    Op("events:attraction", "GET", everyone(), args=lambda w: [w.place.pk]),
    Op(
        "events:attraction",
        "GET",
        lambda actor: 200 if actor == "staff" else 404,
        args=lambda w: [w.hidden_place.pk],
        label="hidden",
    ),
    Op(
        "events_region:agenda",
        "GET",
        everyone(),
        args=lambda w: [w.area.slug],
        in_municipality=False,
    ),
    Op(
        "events_region:agenda",
        "POST",
        everyone(MOVED),
        args=lambda w: [w.area.slug],
        data=lambda w: {"lat": "45.46", "lng": "-73.47"},
        label="position",
        in_municipality=False,
    ),
    Op(
        "events_region:attractions",
        "GET",
        everyone(),
        args=lambda w: [w.area.slug],
        in_municipality=False,
    ),
    # Registering: anyone with an account, whichever city they live in.
    Op("events:register", "POST", accounts(DONE), args=lambda w: [first_date(w.open_event).pk]),
    Op(
        "events:registration_cancel",
        "POST",
        only({"resident": DONE, "staff": DONE}),
        args=lambda w: [w.registration.pk],
    ),
    # Pages about oneself.
    Op("events_me:registrations", "GET", accounts(), in_municipality=False),
    Op(
        "events_me:ticket",
        "GET",
        only({"resident": 200}),
        args=lambda w: [w.registration.pk],
        in_municipality=False,
    ),
    Op("events_me:calendar_rotate", "POST", accounts(DONE), in_municipality=False),
    # Organisers.
    Op("events:event_create", "GET", organisers()),
    Op("events:event_create", "POST", organisers(DONE), data=lambda w: EVENT_FORM),
    Op("events:managed", "GET", organisers()),
    Op("events:event_edit", "GET", organisers(), args=_show),
    Op("events:event_edit", "POST", organisers(DONE), args=_show, data=_edit_form),
    Op("events:event_edit", "GET", organisers(others=404), args=_draft, label="draft"),
    Op("events:event_publish", "POST", organisers(DONE, others=404), args=_draft),
    Op(
        "events:event_cancel",
        "POST",
        organisers(DONE),
        args=_show,
        data=lambda w: {"reason": "Pluie"},
    ),
    Op("events:event_manage", "GET", organisers(), args=_show),
    Op(
        "events:occurrence_cancel",
        "POST",
        organisers(DONE),
        args=lambda w: [first_date(w.show).pk],
    ),
    # Check-in: the organisers; the ticket's holder sees it but cannot check in.
    Op("events:check_in", "GET", organisers()),
    Op(
        "events:check_in",
        "POST",
        organisers(DONE),
        data=lambda w: {"ticket": w.registration.ticket},
    ),
    Op(
        "events:check_in_ticket",
        "GET",
        lambda a: {"anonymous": LOGIN, "staff": 200, "staff_nomfa": MFA, "resident": 200}.get(
            a, 404
        ),
        args=_ticket,
    ),
    Op(
        "events:check_in_ticket",
        "POST",
        lambda a: {"anonymous": LOGIN, "staff": DONE, "staff_nomfa": MFA, "resident": 403}.get(
            a, 404
        ),
        args=_ticket,
    ),
    # Attractions.
    Op("events:attraction_create", "GET", organisers()),
    Op("events:attraction_create", "POST", organisers(DONE), data=lambda w: ATTRACTION_FORM),
    Op("events:attraction_edit", "GET", organisers(), args=lambda w: [w.place.pk]),
    Op(
        "events:attraction_edit",
        "POST",
        organisers(DONE),
        args=lambda w: [w.place.pk],
        data=lambda w: {**ATTRACTION_FORM, "name_fr": "Parc renommé", "published": "on"},
    ),
]


def _rows() -> dict[str, list]:
    """Everything of the module that a request could change."""
    return {
        "events": list(Event.objects.order_by("pk").values()),
        "occurrences": list(Occurrence.objects.order_by("pk").values()),
        "registrations": list(Registration.objects.order_by("pk").values()),
        "attractions": list(Attraction.objects.order_by("pk").values()),
        "tokens": list(CalendarToken.objects.order_by("pk").values()),
    }


def _outcome(response) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if reverse("account_login") in location:
            return LOGIN
        if reverse("mfa_activate_totp") in location:
            return MFA
        return DONE
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_matrix(world, op: Op, actor: str):
    args = ([world.here.slug] if op.in_municipality else []) + op.args(world)
    path = reverse(op.route, args=args)
    client = client_for(world.actors[actor])
    before = _rows()
    response = client.get(path) if op.method == "GET" else client.post(path, op.data(world))
    expected = op.expect(actor)
    outcome = _outcome(response)
    if expected == MOVED:
        assert outcome == DONE, f"{op.name} by {actor}"
    else:
        assert outcome == expected, f"{op.name} by {actor}: {outcome}"
    if op.method == "GET" or expected != DONE:
        assert _rows() == before, f"{op.name} by {actor} changed something"
    else:
        assert _rows() != before, f"{op.name} by {actor} changed nothing"


def test_visitors_and_other_towns_staff_change_nothing_of_this_town():
    for op in OPERATIONS:
        if op.method == "POST" and op.route not in ("events:register",):
            assert op.expect("anonymous") in (LOGIN, MOVED), op.name
            if op.route != "events_me:calendar_rotate" and op.expect("staff_other") != MOVED:
                assert op.expect("staff_other") in (403, 404), op.name


def test_public_pages_name_nobody(world):
    pages = [
        reverse("events:agenda", args=[world.here.slug]),
        reverse("events:event", args=[world.here.slug, world.show.pk]),
        reverse("events_region:agenda", args=[world.area.slug]),
    ]
    person = world.actors["resident"]
    for page in pages:
        text = client_for().get(page).content.decode()
        assert person.display_name not in text and person.email not in text, page


# --- Every page has its entry -------------------------------------------------------------------


def _patterns(resolver, namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, entry.callback


def _methods(view) -> set[str]:
    """The methods a view accepts, from its `require_http_methods`."""
    current = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        current = getattr(current, "__wrapped__", None)
    return {"<no require_http_methods>"}


def test_every_page_has_an_entry():
    pages = {
        (f"{namespace}:{name}", method)
        for namespace, name, view in _patterns(get_resolver())
        if namespace in ("events", "events_region", "events_me")
        and getattr(view, "__module__", "") != FEEDS
        for method in _methods(view)
    }
    covered = {(op.route, op.method) for op in OPERATIONS}
    assert sorted(pages - covered) == [], "pages without an entry in the matrix"
    assert sorted(covered - pages) == [], "entries of the matrix without their page"
