"""The sharing pages' permission matrix: every page and every form, tried by every kind of actor
against the listing and the exchange of one municipality, with one exact outcome per cell (a
status code, `login` for a redirect to log in, `done` for any other redirect: the page did its
work). Every refusal is proven to have changed none of the module's rows, every allowed write
to have changed some (but the search's position, which only redirects).

A page of the `exchange` or `exchange_staff` namespace without its entry fails
`test_every_page_has_an_entry`: nobody adds a page without deciding who may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import client_for
from milieu.exchange import services
from milieu.exchange.models import (
    Exchange,
    ExchangeEvent,
    ExchangeProblem,
    Listing,
    LoanDay,
    Review,
)

from .factories import EAST_1_KM, days, listing, neighbour, town

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "owner",  # of the listing
    "requester",  # asked for it
    "citizen",  # another member of the same municipality
    "staff",  # municipal staff of the same municipality (with MFA)
    "citizen_other",  # member of another municipality with the module on
    "staff_other",  # staff of that other municipality
)
LOGIN, DONE = "login", "done"
MEMBERS = {"owner", "requester", "citizen", "staff"}
OUTSIDERS = {"citizen_other", "staff_other"}
PARTIES = {"owner", "requester"}


@dataclass
class World:
    here: Any
    actors: dict[str, Any]
    listing: Listing
    exchange: Exchange
    problem: ExchangeProblem | None = None


@pytest.fixture
def world(still_clock, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    here, there = town(), town()
    actors = {
        "anonymous": None,
        "owner": neighbour(here),
        "requester": neighbour(here),
        "citizen": neighbour(here),
        "staff": with_role(here, Role.STAFF),
        "citizen_other": neighbour(there),
        "staff_other": with_role(there, Role.STAFF),
    }
    drill = listing(actors["owner"], here, photos=1)
    start, end = days(3, 5)
    asked = services.exchange_request(
        actor=actors["requester"], listing=drill, starts_on=start, due_on=end
    )
    return World(here=here, actors=actors, listing=drill, exchange=asked)


def _accepted(world: World) -> None:
    world.exchange = services.exchange_accept(
        actor=world.actors["owner"], exchange=world.exchange, meeting_place="Parc"
    )


def _reported(world: World) -> None:
    _accepted(world)
    world.problem = services.exchange_report_problem(
        actor=world.actors["requester"], exchange=world.exchange, reason="no_show"
    )


LISTING_FORM = {
    "kind": "lend",
    "category": "power-tools",
    "title": "Scie sauteuse",
    "condition": "good",
    "terms": "free",
    "loan_max_days": "7",
    "place": "position",
    "lat": str(EAST_1_KM[0]),
    "lng": str(EAST_1_KM[1]),
}


@dataclass(frozen=True)
class Op:
    route: str  # the URL name, in the `exchange` namespace (or `exchange_staff:…`)
    method: str
    expect: Callable[[str], int | str]  # actor -> outcome
    args: Callable[[World], list] = lambda w: []
    data: Callable[[World], dict] = lambda w: {}
    query: Callable[[World], str] = lambda w: ""
    setup: Callable[[World], None] | None = None
    changes: bool = True  # an allowed write changes the module's rows
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}{' ' + self.label if self.label else ''}"


def members(ok: int | str = 200) -> Callable[[str], int | str]:
    """Any member of the municipality; outsiders find nothing."""
    return lambda actor: LOGIN if actor == "anonymous" else ok if actor in MEMBERS else 404


def staff_only(ok: int | str = 200) -> Callable[[str], int | str]:
    """The municipality's staff (with MFA); anyone else is refused, as by every staff page."""
    return lambda actor: LOGIN if actor == "anonymous" else ok if actor == "staff" else 403


def owner_only(ok: int | str = DONE, other_members: int = 403) -> Callable[[str], int | str]:
    def expect(actor: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if actor == "owner":
            return ok
        return other_members if actor in MEMBERS else 404

    return expect


def parties(**outcomes: int | str) -> Callable[[str], int | str]:
    """The exchange's two sides (`owner`, `requester`); anybody else finds nothing."""

    def expect(actor: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        return outcomes[actor] if actor in PARTIES else 404

    return expect


def _listing(w: World) -> list:
    return [w.listing.pk]


def _exchange(w: World) -> list:
    return [w.exchange.pk]


def _problem(w: World) -> list:
    assert w.problem is not None
    return [w.problem.pk]


def _step(step: str) -> Callable[[World], list]:
    return lambda w: [w.exchange.pk, step]


OPERATIONS = [
    Op("listings", "GET", members()),
    Op(
        "listings",
        "POST",
        members(DONE),
        data=lambda w: {"lat": "45.46", "lng": "-73.45"},
        changes=False,
    ),
    Op("listing_create", "GET", members()),
    Op("listing_create", "POST", members(DONE), data=lambda w: LISTING_FORM),
    Op("listing", "GET", members(), args=_listing),
    Op("listing_photo", "GET", members(), args=lambda w: [w.listing.pk, w.listing.photos.get().pk]),
    Op("listing_edit", "GET", owner_only(200), args=_listing),
    Op(
        "listing_edit",
        "POST",
        owner_only(),
        args=_listing,
        data=lambda w: {**LISTING_FORM, "title": "Perceuse révisée", "place": "keep"},
    ),
    Op("listing_status", "POST", owner_only(), args=_listing, data=lambda w: {"action": "pause"}),
    Op(
        "listing_request",
        "POST",
        # The owner cannot ask for their own listing; the requester has asked already.
        lambda a: {"anonymous": LOGIN, "owner": 400, "requester": 400}.get(
            a, DONE if a in MEMBERS else 404
        ),
        args=_listing,
        data=lambda w: {
            "starts_on": days(10, 0)[0].isoformat(),
            "due_on": days(11, 0)[0].isoformat(),
        },
    ),
    Op("exchanges", "GET", members()),
    Op("my_listings", "GET", members()),
    Op("exchange", "GET", parties(owner=200, requester=200), args=_exchange),
    Op(
        "exchange_step",
        "POST",
        parties(owner=DONE, requester=400),
        args=_step("accept"),
        data=lambda w: {"meeting_place": "Parc"},
        label="accept",
    ),
    Op(
        "exchange_step",
        "POST",
        parties(owner=DONE, requester=400),
        args=_step("decline"),
        label="decline",
    ),
    Op(
        "exchange_step",
        "POST",
        parties(owner=DONE, requester=DONE),
        args=_step("cancel"),
        label="cancel",
    ),
    Op(
        "exchange_step",
        "POST",
        parties(owner=400, requester=400),
        args=_step("return"),
        label="return (not handed over)",
    ),
    Op(
        "exchange_step",
        "POST",
        parties(owner=400, requester=400),
        args=_step("late"),
        label="late (not handed over)",
    ),
    Op(
        "exchange_handover",
        "GET",
        parties(owner=200, requester=200),
        args=_exchange,
        query=lambda w: f"?code={w.exchange.handover_code}",
        setup=_accepted,
    ),
    Op(
        "exchange_handover",
        "POST",
        # The requester receives the object and shows the code; the owner scans it.
        parties(owner=DONE, requester=400),
        args=_exchange,
        data=lambda w: {"code": w.exchange.handover_code},
        setup=_accepted,
        label="with code",
    ),
    Op(
        "exchange_handover",
        "POST",
        parties(owner=DONE, requester=DONE),
        args=_exchange,
        setup=_accepted,
        label="my side",
    ),
    Op(
        "exchange_handover",
        "POST",
        parties(owner=400, requester=400),
        args=_exchange,
        label="not accepted",
    ),
    Op(
        "exchange_review",
        "POST",
        parties(owner=400, requester=400),
        args=_exchange,
        data=lambda w: {"rating": "5"},
        label="not completed",
    ),
    Op(
        "exchange_problem",
        "POST",
        parties(owner=400, requester=400),
        args=_exchange,
        data=lambda w: {"reason": "no_show"},
        label="not accepted",
    ),
    Op(
        "exchange_problem",
        "POST",
        parties(owner=DONE, requester=DONE),
        args=_exchange,
        data=lambda w: {"reason": "damaged", "details": "Rayée"},
        setup=_accepted,
        label="accepted",
    ),
    Op("exchange_staff:problems", "GET", staff_only(), setup=_reported),
    Op("exchange_staff:problem", "GET", staff_only(), args=_problem, setup=_reported),
    Op(
        "exchange_staff:problem",
        "POST",
        staff_only(DONE),
        args=_problem,
        data=lambda w: {"status": "resolved", "note": "Réglé"},
        setup=_reported,
    ),
]


def _rows() -> dict[str, list]:
    """Everything of the module that a request could change."""
    return {
        "listings": list(Listing.objects.order_by("pk").values()),
        "exchanges": list(Exchange.objects.order_by("pk").values()),
        "events": list(ExchangeEvent.objects.order_by("pk").values()),
        "days": list(LoanDay.objects.order_by("pk").values()),
        "reviews": list(Review.objects.order_by("pk").values()),
        "problems": list(ExchangeProblem.objects.order_by("pk").values()),
    }


def _outcome(response) -> int | str:
    if response.status_code == 302:
        return LOGIN if reverse("account_login") in response["Location"] else DONE
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_matrix(world, op: Op, actor: str):
    if op.setup is not None:
        op.setup(world)
    name = op.route if ":" in op.route else f"exchange:{op.route}"
    path = reverse(name, args=[world.here.slug, *op.args(world)])
    client = client_for(world.actors[actor])
    before = _rows()
    if op.method == "GET":
        response = client.get(path + op.query(world))
    else:
        response = client.post(path + op.query(world), op.data(world))
    expected = op.expect(actor)
    assert _outcome(response) == expected, f"{op.name} by {actor}"
    if op.method == "GET":
        assert _rows() == before
    elif expected == DONE and op.changes:
        assert _rows() != before, f"{op.name} by {actor} changed nothing"
    else:
        assert _rows() == before, f"{op.name} by {actor} changed something"


def test_outsiders_and_visitors_change_nothing_anywhere():
    for op in OPERATIONS:
        for actor in ("anonymous", *OUTSIDERS):
            assert op.expect(actor) in (LOGIN, 403, 404), op.name


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
        (name if namespace == "exchange" else f"{namespace}:{name}", method)
        for namespace, name, view in _patterns(get_resolver())
        if namespace in ("exchange", "exchange_staff")
        for method in _methods(view)
    }
    covered = {(op.route, op.method) for op in OPERATIONS}
    assert sorted(pages - covered) == [], "pages without an entry in the matrix"
    assert sorted(covered - pages) == [], "entries of the matrix without their page"
