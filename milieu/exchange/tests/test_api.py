"""The sharing API: the domain layer's services, selectors, rules and errors over HTTP, and never
a place in an answer (a listing's cell and a reader's position stay on the server)."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.test import Client

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core import geo
from milieu.core.ratelimit import Limit
from milieu.core.testing import assert_constant_queries, client_for, upload_file
from milieu.exchange import services
from milieu.exchange.models import (
    Exchange,
    ExchangeEvent,
    ExchangeProblem,
    Listing,
    ListingPhoto,
    LoanDay,
    Review,
)

from .factories import (
    CENTRE,
    EAST_1_KM,
    EAST_12_KM,
    category,
    days,
    listing,
    neighbour,
    screened,
    town,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
PLACE_KEYS = {
    "cell",
    "cell_r7",
    "cell_r6",
    "cell_r5",
    "lat",
    "lng",
    "latitude",
    "longitude",
    "near_lat",
    "near_lng",
}
DRILL = {
    "kind": "lend",
    "category": "power-tools",
    "title": "Perceuse sans fil",
    "description": "Avec deux batteries.",
    "condition": "good",
    "loan_max_days": 7,
}
_numbers = count(1)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def call(user, method: str, path: str, payload=None, **extra) -> tuple[int, Any]:
    """`method` on `path` as `user` (anonymous: None), with `payload` as JSON; a write without
    a payload sends an empty body, as an HTTP client does."""
    client = client_for(user)
    if method == "GET":
        response = client.get(API + path, **extra)
    else:
        data = json.dumps(payload, default=str) if payload is not None else ""
        response = getattr(client, method.lower())(
            API + path, data=data, content_type="application/json", **extra
        )
    body = response.json() if response.content else None
    return response.status_code, body


def listings_of(municipality) -> str:
    return f"/municipalities/{municipality.slug}/exchange/listings"


def _keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def _state() -> tuple:
    """Everything the sharing module stores, to prove that a refusal changed nothing."""
    return (
        list(Listing.objects.order_by("pk").values()),
        list(Exchange.objects.order_by("pk").values()),
        list(ExchangeEvent.objects.order_by("pk").values_list("pk", flat=True)),
        list(Review.objects.order_by("pk").values()),
        list(LoanDay.objects.order_by("pk").values_list("listing_id", "day")),
        list(ExchangeProblem.objects.order_by("pk").values()),
        list(ListingPhoto.objects.order_by("pk").values()),
    )


def _error(body) -> tuple[str, dict]:
    return body["error"]["code"], body["error"]["fields"]


# --- Categories -----------------------------------------------------------------------------------


def test_the_category_tree_is_named_in_the_requests_language_and_says_who_needs_screening():
    status, tree = call(None, "GET", "/exchange/categories", HTTP_ACCEPT_LANGUAGE="en")

    assert status == 200
    by_slug = {item["slug"]: item for item in tree}
    assert by_slug["babysitting"] == {
        "slug": "babysitting",
        "name": "Babysitting",
        "parent": "care",
        "for_objects": False,
        "for_services": True,
        "requires_screening": True,
    }
    assert by_slug["power-tools"]["parent"] == "tools"
    assert by_slug["power-tools"]["requires_screening"] is False
    assert [item["slug"] for item in tree].index("care") < list(by_slug).index("babysitting")
    status, tree = call(None, "GET", "/exchange/categories", HTTP_ACCEPT_LANGUAGE="es")
    assert {item["slug"]: item["name"] for item in tree}["babysitting"] == "Cuidado de niños"


# --- A loan, from the listing to the reviews ------------------------------------------------------


def test_a_loan_runs_through_the_api_from_the_listing_to_both_reviews():
    here = town()
    owner = neighbour(here, display_name="Odile")
    borrower = neighbour(here, display_name="Bruno")
    listing(neighbour(here), here, at=EAST_12_KM, title="Scie à onglet")
    path = listings_of(here)

    status, drill = call(owner, "POST", path, {**DRILL, "lat": EAST_1_KM[0], "lng": EAST_1_KM[1]})
    assert status == 201, drill
    assert drill["owner"] == {"display_name": "Odile"}
    assert (drill["is_mine"], drill["status"], drill["terms"]) == (True, "active", "free")
    assert drill["category"] == {"slug": "power-tools", "name": "Outils électriques"}
    assert drill["owner_reputation"] == {"reviews": 0, "average": None, "completed": 0}
    assert Listing.objects.get(pk=drill["id"]).cell == geo.cell_at(*EAST_1_KM)

    # A neighbour finds it within 2 km of their district; the saw 12 km away is left out.
    status, found = call(borrower, "GET", f"{path}?within_km=2")
    assert status == 200
    assert [(i["title"], i["distance_km"], i["is_mine"]) for i in found["items"]] == [
        ("Perceuse sans fil", 1, False)
    ]
    start, end = days(1, 3)
    status, asked = call(
        borrower,
        "POST",
        f"{path}/{drill['id']}/requests",
        {"message": "Pour une étagère", "starts_on": start, "due_on": end},
    )
    assert status == 201, asked
    assert (asked["state"], asked["my_role"]) == ("requested", "requester")
    assert (asked["starts_on"], asked["due_on"]) == (str(start), str(end))
    exchange = f"/exchange/exchanges/{asked['id']}"

    status, mine = call(owner, "GET", "/exchange/exchanges?state=requested")
    assert [(e["id"], e["my_role"], e["requester"]) for e in mine["items"]] == [
        (asked["id"], "owner", {"display_name": "Bruno"})
    ]
    assert mine["items"][0]["listing"]["title"] == "Perceuse sans fil"
    assert call(owner, "GET", "/exchange/exchanges?state=completed")[1]["items"] == []

    status, accepted = call(
        owner, "POST", f"{exchange}/accept", {"meeting_place": "Devant la bibliothèque"}
    )
    assert status == 200 and accepted["state"] == "accepted"
    assert accepted["handover_code"] is None  # the borrower, who receives the drill, shows it
    status, seen = call(borrower, "GET", exchange)
    assert seen["meeting_place"] == "Devant la bibliothèque"
    assert seen["handover_code"]
    assert seen["other_reputation"] == {"reviews": 0, "average": None, "completed": 0}
    status, detail = call(borrower, "GET", f"{path}/{drill['id']}")
    assert detail["taken_days"] == [str(start + timedelta(days=n)) for n in range(3)]

    status, step = call(owner, "POST", f"{exchange}/handover")
    assert status == 200 and step["state"] == "accepted" and step["owner_handed_over_at"]
    status, step = call(borrower, "POST", f"{exchange}/handover")
    assert status == 200 and step["state"] == "handed_over"
    assert step["handover_code"] is None
    status, step = call(borrower, "POST", f"{exchange}/return")
    assert status == 200 and step["state"] == "handed_over"
    status, step = call(owner, "POST", f"{exchange}/return")
    assert status == 200 and step["state"] == "completed" and step["closed_at"]

    status, review = call(borrower, "POST", f"{exchange}/review", {"rating": 5, "text": "Parfait"})
    assert status == 201
    assert (review["by"], review["rating"], review["text"]) == ("requester", 5, "Parfait")
    status, before = call(owner, "GET", exchange)
    assert before["my_review"] is None and before["their_review"] is None  # not before mine
    status, review = call(owner, "POST", f"{exchange}/review", {"rating": 4})
    assert status == 201 and review["by"] == "owner"
    status, done = call(borrower, "GET", exchange)
    assert done["my_review"]["rating"] == 5
    assert (done["their_review"]["by"], done["their_review"]["rating"]) == ("owner", 4)
    assert [(e["action"], e["by"], e["to_state"]) for e in done["events"]] == [
        ("request", "requester", "requested"),
        ("accept", "owner", "accepted"),
        ("confirm_handover", "owner", "accepted"),
        ("confirm_handover", "requester", "handed_over"),
        ("confirm_return", "requester", "handed_over"),
        ("confirm_return", "owner", "completed"),
    ]
    assert done["events"][0]["note"] == "Pour une étagère"
    status, detail = call(borrower, "GET", f"{path}/{drill['id']}")
    assert detail["owner_reputation"] == {"reviews": 1, "average": 5.0, "completed": 1}
    status, again = call(owner, "POST", f"{exchange}/review", {"rating": 1})
    assert status == 409 and _error(again)[0] == "already_reviewed"


def _accepted_loan():
    here = town()
    owner, borrower = neighbour(here), neighbour(here)
    drill = listing(owner, here)
    start, end = days(1, 2)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    services.exchange_accept(actor=owner, exchange=asked)
    return here, owner, borrower, drill, asked


def test_the_handover_code_is_shown_by_the_receiver_and_sent_by_the_provider():
    _here, owner, borrower, _drill, asked = _accepted_loan()
    exchange = f"/exchange/exchanges/{asked.pk}"
    code = call(borrower, "GET", exchange)[1]["handover_code"]
    assert code == Exchange.objects.get().handover_code
    assert call(owner, "GET", exchange)[1]["handover_code"] is None
    before = _state()

    status, error = call(borrower, "POST", f"{exchange}/handover", {"code": code})
    assert status == 400 and _error(error)[0] == "own_code"
    status, error = call(owner, "POST", f"{exchange}/handover", {"code": "guess"})
    assert status == 400 and _error(error)[0] == "wrong_code"
    assert _state() == before

    status, step = call(owner, "POST", f"{exchange}/handover", {"code": code})
    assert status == 200 and step["state"] == "handed_over"
    assert step["owner_handed_over_at"] and step["requester_handed_over_at"]
    assert call(borrower, "GET", exchange)[1]["handover_code"] is None


# --- Screening ------------------------------------------------------------------------------------


def test_an_unscreened_provider_cannot_offer_babysitting_and_a_screened_one_can():
    here = town()
    offer = {"kind": "offer_service", "category": "babysitting", "title": "Gardienne le samedi"}

    status, error = call(neighbour(here), "POST", listings_of(here), offer)
    assert status == 403
    assert _error(error) == ("screening_required", {})
    assert "Garde d'enfants" in error["error"]["message"]
    assert not Listing.objects.exists()

    status, offered = call(screened(here), "POST", listings_of(here), offer)
    assert status == 201, offered
    assert offered["requires_screening"] is True
    assert (offered["condition"], offered["loan_max_days"], offered["taken_days"]) == ("", None, [])
    assert Listing.objects.count() == 1


def test_only_a_screened_person_answers_a_request_for_babysitting():
    here = town()
    parent = neighbour(here)
    wanted = listing(
        parent, here, kind="request_service", category=category("babysitting"), condition=""
    )
    path = f"{listings_of(here)}/{wanted.pk}/requests"

    status, error = call(neighbour(here), "POST", path, {"message": "Je peux"})
    assert status == 403 and _error(error)[0] == "screening_required"
    assert not Exchange.objects.exists()
    status, answered = call(screened(here), "POST", path, {"message": "Disponible samedi"})
    assert status == 201 and answered["state"] == "requested"


# --- Places ---------------------------------------------------------------------------------------


def test_no_answer_about_a_listing_tells_a_place():
    here = town()
    owner, reader = neighbour(here), neighbour(here)
    path = listings_of(here)
    near = f"near_lat={EAST_12_KM[0]}&near_lng={EAST_12_KM[1]}"

    status, created = call(owner, "POST", path, {**DRILL, "lat": EAST_1_KM[0], "lng": EAST_1_KM[1]})
    assert status == 201
    item = f"{path}/{created['id']}"
    answers = [created]
    status, found = call(reader, "GET", f"{path}?within_km=25&{near}")
    assert [i["distance_km"] for i in found["items"]] in ([11], [12])  # from the position given
    answers.append(found)
    answers.append(call(reader, "GET", f"{item}?{near}")[1])
    answers.append(call(reader, "GET", "/exchange/exchanges")[1])
    start, end = days(1, 1)
    answers.append(call(reader, "POST", f"{item}/requests", {"starts_on": start, "due_on": end})[1])
    answers.append(call(reader, "GET", "/exchange/exchanges")[1])
    answers.append(call(owner, "PATCH", item, {"district": "centre"})[1])
    answers.append(call(owner, "POST", f"{item}/status", {"status": "paused"})[1])

    cells: set[str] = set()
    for point in (EAST_1_KM, EAST_12_KM, CENTRE):
        cells |= set(geo.cell_columns(geo.cell_at(*point)).values())
    for answer in answers:
        assert not _keys(answer) & PLACE_KEYS, answer
        text = json.dumps(answer)
        assert not [cell for cell in cells if cell in text]
        assert not [str(c) for c in (*EAST_1_KM, *EAST_12_KM, *CENTRE) if str(c) in text]
    # The district moved it to the district's centre; the position given to search was not kept.
    assert Listing.objects.get().cell == geo.cell_at(*CENTRE)


def test_without_a_district_or_a_position_a_listing_is_placed_at_my_districts_centre():
    here = town()
    status, created = call(neighbour(here), "POST", listings_of(here), DRILL)
    assert status == 201
    assert Listing.objects.get().cell == geo.cell_at(*CENTRE)
    assert created["distance_km"] == 1


# --- Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "step", "payload", "code"),
    [
        ("owner", "handover", None, "wrong_state"),
        ("borrower", "return", None, "wrong_state"),
        ("owner", "late", {"note": "Toujours pas rendu"}, "wrong_state"),
        ("borrower", "review", {"rating": 5}, "not_completed"),
    ],
)
def test_a_step_the_requested_state_does_not_allow_is_a_409_and_changes_nothing(
    who, step, payload, code
):
    here = town()
    people = {"owner": neighbour(here), "borrower": neighbour(here)}
    drill = listing(people["owner"], here)
    start, end = days(1, 2)
    asked = services.exchange_request(
        actor=people["borrower"], listing=drill, starts_on=start, due_on=end
    )
    before = _state()

    status, error = call(people[who], "POST", f"/exchange/exchanges/{asked.pk}/{step}", payload)

    assert status == 409 and _error(error) == (code, {})
    assert error["error"]["message"]
    assert _state() == before


@pytest.mark.parametrize(
    ("who", "step"),
    [("owner", "accept"), ("owner", "decline"), ("borrower", "cancel"), ("borrower", "handover")],
)
def test_a_step_after_the_handover_is_a_409_and_changes_nothing(who, step):
    _here, owner, borrower, _drill, asked = _accepted_loan()
    services.exchange_confirm_handover(actor=owner, exchange=asked)
    services.exchange_confirm_handover(actor=borrower, exchange=asked)
    before = _state()

    people = {"owner": owner, "borrower": borrower}
    status, error = call(people[who], "POST", f"/exchange/exchanges/{asked.pk}/{step}", {})

    assert status == 409 and _error(error)[0] == "wrong_state"
    assert _state() == before


def test_a_listing_is_looked_up_in_the_municipality_of_the_address_only():
    here, elsewhere = town(), town()
    drill = listing(neighbour(here), here)
    member_of_both = neighbour(elsewhere)
    from milieu.accounts.models import Membership

    Membership.objects.create(user=member_of_both, municipality=here)
    assert call(member_of_both, "GET", f"{listings_of(here)}/{drill.pk}")[0] == 200
    status, error = call(member_of_both, "GET", f"{listings_of(elsewhere)}/{drill.pk}")
    assert status == 404 and _error(error)[0] == "not_found"


def test_a_municipality_without_the_module_has_no_listings():
    here = town()
    here.enabled_modules = ["districts"]
    here.save()
    status, error = call(neighbour(here), "GET", listings_of(here))
    assert status == 404 and _error(error)[0] == "not_found"


def test_bad_input_says_what_to_correct_and_stores_nothing():
    here = town()
    owner = neighbour(here)
    path = listings_of(here)

    status, error = call(owner, "POST", path, {**DRILL, "title": "x" * 121})
    assert status == 400
    assert _error(error) == (
        "validation",
        {"title": ["Le titre peut compter au plus 120 caractères."]},
    )
    assert error["error"]["message"] == "Veuillez corriger les champs indiqués."
    status, error = call(owner, "POST", path, {**DRILL, "category": "spaceships"})
    assert status == 400 and list(_error(error)[1]) == ["category"]
    status, error = call(owner, "POST", path, {**DRILL, "category": "lessons"})
    assert status == 400 and list(_error(error)[1]) == ["category"]  # a service category
    status, error = call(owner, "POST", path, {**DRILL, "title": 12, "loan_max_days": "lots"})
    assert status == 422
    assert _error(error)[0] == "validation"
    assert set(_error(error)[1]) == {"title", "loan_max_days"}
    assert error["error"]["message"] == "Certains champs sont à corriger."
    status, error = call(owner, "POST", path, {**DRILL, "district": "nulle-part"})
    assert status == 400 and list(_error(error)[1]) == ["district"]
    status, error = call(owner, "POST", path, {**DRILL, "lat": 45.5})
    assert status == 400 and list(_error(error)[1]) == ["lng"]
    status, error = call(owner, "POST", path, {**DRILL, "lat": 95.0, "lng": 0.0})
    assert status == 400 and list(_error(error)[1]) == ["lat"]
    status, error = call(owner, "POST", path, {**DRILL, "district": "centre", "lat": 45.5})
    assert status == 400 and list(_error(error)[1]) == ["district"]
    assert not Listing.objects.exists()

    drill = listing(owner, here)
    borrower = neighbour(here)
    before = _state()
    requests = f"{path}/{drill.pk}/requests"
    assert call(borrower, "POST", requests, {"starts_on": "demain"})[0] == 422
    status, error = call(borrower, "POST", requests, {"message": "S'il vous plaît"})
    assert status == 400 and set(_error(error)[1]) == {"starts_on", "due_on"}
    status, error = call(owner, "POST", f"{path}/{drill.pk}/status", {"status": "gone"})
    assert status == 400 and list(_error(error)[1]) == ["status"]
    status, error = call(owner, "PATCH", f"{path}/{drill.pk}", {"title": " "})
    assert status == 400 and list(_error(error)[1]) == ["title"]
    assert _state() == before

    assert call(borrower, "GET", f"{path}?within_km=0")[0] == 422
    assert call(borrower, "GET", f"{path}?within_km=far")[0] == 422
    assert call(borrower, "GET", f"{path}?kind=rent")[0] == 422
    assert call(borrower, "GET", "/exchange/exchanges?state=lost")[0] == 422
    status, error = call(borrower, "GET", f"{path}?available_from={days(1, 1)[0]}")
    assert status == 400 and list(_error(error)[1]) == ["available_until"]
    status, error = call(borrower, "GET", f"{path}?category=spaceships")
    assert status == 400 and list(_error(error)[1]) == ["category"]
    status, error = call(borrower, "GET", f"{path}?near_lat=45.5")
    assert status == 400 and list(_error(error)[1]) == ["near_lng"]
    status, error = call(borrower, "GET", f"{path}?cursor=%25%25%25")
    assert status == 400 and list(_error(error)[1]) == ["cursor"]


def test_a_write_without_the_csrf_token_is_refused_and_stores_nothing():
    here = town()
    client = Client(enforce_csrf_checks=True)
    client.force_login(neighbour(here))
    url = API + listings_of(here)

    response = client.post(url, json.dumps(DRILL), content_type="application/json")
    assert response.status_code == 403
    assert not Listing.objects.exists()
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(
        url, json.dumps(DRILL), content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert response.status_code == 201
    assert Listing.objects.count() == 1


# --- The owner's listing --------------------------------------------------------------------------


def test_the_owner_changes_pauses_and_closes_a_listing_and_closing_declines_the_requests():
    here = town()
    owner, borrower = neighbour(here), neighbour(here)
    drill = listing(owner, here)
    item = f"{listings_of(here)}/{drill.pk}"
    start, end = days(1, 1)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)

    status, changed = call(owner, "PATCH", item, {"title": "Perceuse 18 V", "loan_max_days": 3})
    assert status == 200
    assert (changed["title"], changed["loan_max_days"]) == ("Perceuse 18 V", 3)
    assert changed["description"] == "Avec deux batteries."  # untouched
    status, paused = call(owner, "POST", f"{item}/status", {"status": "paused"})
    assert status == 200 and paused["status"] == "paused"
    assert call(borrower, "GET", item)[0] == 404
    assert call(borrower, "GET", listings_of(here))[1]["items"] == []
    assert call(owner, "GET", item)[1]["status"] == "paused"
    status, closed = call(owner, "POST", f"{item}/status", {"status": "closed"})
    assert status == 200 and closed["status"] == "closed"
    status, declined = call(borrower, "GET", f"/exchange/exchanges/{asked.pk}")
    assert declined["state"] == "declined"
    assert declined["events"][-1]["note"] == "Annonce fermée."


# --- Lists ----------------------------------------------------------------------------------------


def test_listings_are_paged_by_cursor_newest_first_in_the_requests_language():
    here = town()
    owner, reader = neighbour(here), neighbour(here)
    for number in range(5):
        listing(owner, here, title=f"n{number}")
    path = listings_of(here)

    status, first = call(reader, "GET", f"{path}?limit=3", HTTP_ACCEPT_LANGUAGE="es")
    assert status == 200 and first["next_cursor"]
    assert first["items"][0]["category"]["name"] == "Herramientas eléctricas"
    status, second = call(reader, "GET", f"{path}?limit=3&cursor={first['next_cursor']}")
    assert [item["title"] for item in first["items"] + second["items"]] == [
        "n4",
        "n3",
        "n2",
        "n1",
        "n0",
    ]
    assert second["next_cursor"] is None


def test_the_listings_page_reads_as_many_queries_for_one_listing_as_for_many():
    here = town()
    reader = neighbour(here)

    def add(n: int) -> list[str]:
        shown = []
        for _ in range(n):
            number = next(_numbers)
            owner = neighbour(here, display_name=f"Voisin {number:04d}")
            listing(owner, here, at=EAST_1_KM, title=f"Objet {number:04d}", photos=2)
            shown += [f"Objet {number:04d}", f"Voisin {number:04d}"]
        return shown

    url = f"{API}{listings_of(here)}?within_km=5&category=tools&q=objet&limit=50"
    assert_constant_queries(client_for(reader), url, add, few=1, many=25)


def test_my_exchanges_read_as_many_queries_for_one_as_for_many(monkeypatch):
    monkeypatch.setitem(services.LIMITS, "request", [Limit(1000, 3600)])
    here = town()
    reader = neighbour(here)

    def add(n: int) -> list[str]:
        shown = []
        for _ in range(n):
            number = next(_numbers)
            owner = neighbour(here, display_name=f"Donneuse {number:04d}")
            coat = listing(
                owner,
                here,
                kind="give",
                category=category("clothing"),
                title=f"Manteau {number:04d}",
            )
            services.exchange_request(actor=reader, listing=coat)
            shown += [f"Manteau {number:04d}", f"Donneuse {number:04d}"]
        return shown

    assert_constant_queries(
        client_for(reader), f"{API}/exchange/exchanges?limit=50", add, few=1, many=25
    )


# --- Who may do what ------------------------------------------------------------------------------

ANONYMOUS, CITIZEN, CITIZEN_OTHER, STAFF, STAFF_OTHER = (
    "anonymous",
    "citizen",
    "citizen_other",
    "staff",
    "staff_other",
)
ACTORS = (ANONYMOUS, CITIZEN, CITIZEN_OTHER, STAFF, STAFF_OTHER)


@dataclass
class World:
    here: Any
    people: dict[str, Any]
    drill: Listing
    asked: Exchange
    problem: ExchangeProblem | None = None

    def path(self, template: str) -> str:
        return template.format(
            slug=self.here.slug,
            listing=self.drill.pk,
            photo=self.drill.photos.get().pk,
            exchange=self.asked.pk,
            problem=self.problem.pk if self.problem else 0,
        )


def _reported(world: World) -> None:
    """A problem reported on another, accepted, exchange of the same town."""
    owner, taker = neighbour(world.here), neighbour(world.here)
    coat = listing(owner, world.here, kind="give", category=category("clothing"), title="Manteau")
    asked = services.exchange_request(actor=taker, listing=coat)
    services.exchange_accept(actor=owner, exchange=asked)
    world.problem = services.exchange_report_problem(actor=taker, exchange=asked, reason="damaged")


def _world() -> World:
    """Brossard-like town with a loan requested by its borrower; actors seen from it: a citizen
    (not a party), its staff with MFA, and a citizen and staff of another town."""
    here, elsewhere = town(), town()
    owner, borrower = neighbour(here), neighbour(here)
    drill = listing(owner, here, photos=1)
    start, end = days(1, 3)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    people = {
        ANONYMOUS: None,
        CITIZEN: neighbour(here),
        CITIZEN_OTHER: neighbour(elsewhere),
        STAFF: with_role(here, Role.STAFF),
        STAFF_OTHER: with_role(elsewhere, Role.STAFF),
    }
    return World(here=here, people=people, drill=drill, asked=asked)


def _expect(anonymous, citizen, other, staff, staff_other) -> dict[str, int]:
    return dict(zip(ACTORS, (anonymous, citizen, other, staff, staff_other), strict=True))


PUBLIC = _expect(200, 200, 200, 200, 200)
MEMBERS_READ = _expect(401, 200, 404, 200, 404)
MEMBERS_WRITE = _expect(401, 201, 403, 201, 403)
MEMBERS_ASK = _expect(401, 201, 404, 201, 404)
OWNER_ONLY = _expect(401, 403, 404, 403, 404)
MINE_ONLY = _expect(401, 200, 200, 200, 200)  # each sees their own, here none
PARTIES_ONLY = _expect(401, 404, 404, 404, 404)
STAFF_READ = _expect(401, 403, 403, 200, 403)
LISTING = "/municipalities/{slug}/exchange/listings/{listing}"
EXCHANGE = "/exchange/exchanges/{exchange}"


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    expect: dict[str, int]
    payload: Callable[[], Any] | None = None
    setup: Callable[[World], None] | None = None
    multipart: bool = False  # the payload is sent as a form with files


MATRIX = [
    Op("GET", "/exchange/categories", PUBLIC),
    Op("GET", "/municipalities/{slug}/exchange/listings", MEMBERS_READ),
    Op("POST", "/municipalities/{slug}/exchange/listings", MEMBERS_WRITE, lambda: DRILL),
    Op("GET", LISTING, MEMBERS_READ),
    Op("PATCH", LISTING, OWNER_ONLY, lambda: {"title": "Changé"}),
    Op("POST", LISTING + "/status", OWNER_ONLY, lambda: {"status": "closed"}),
    Op("POST", LISTING + "/photos", OWNER_ONLY, lambda: {"file": upload_file()}, multipart=True),
    Op("PATCH", LISTING + "/photos/{photo}", OWNER_ONLY, lambda: {"alt_text": "Autre"}),
    Op("DELETE", LISTING + "/photos/{photo}", OWNER_ONLY),
    Op(
        "POST",
        LISTING + "/requests",
        MEMBERS_ASK,
        lambda: {"starts_on": days(10, 10)[0], "due_on": days(11, 11)[0]},
    ),
    Op("GET", "/exchange/exchanges", MINE_ONLY),
    Op("GET", EXCHANGE, PARTIES_ONLY),
    Op("POST", EXCHANGE + "/accept", PARTIES_ONLY, lambda: {"meeting_place": "Ici"}),
    Op("POST", EXCHANGE + "/decline", PARTIES_ONLY, lambda: {}),
    Op("POST", EXCHANGE + "/cancel", PARTIES_ONLY, lambda: {}),
    Op("POST", EXCHANGE + "/handover", PARTIES_ONLY, lambda: {}),
    Op("POST", EXCHANGE + "/return", PARTIES_ONLY),
    Op("POST", EXCHANGE + "/late", PARTIES_ONLY, lambda: {}),
    Op("POST", EXCHANGE + "/review", PARTIES_ONLY, lambda: {"rating": 5}),
    Op("POST", EXCHANGE + "/problems", PARTIES_ONLY, lambda: {"reason": "no_show"}),
    Op("GET", "/municipalities/{slug}/exchange/problems", STAFF_READ, setup=_reported),
    Op(
        "POST",
        "/municipalities/{slug}/exchange/problems/{problem}/resolve",
        STAFF_READ,
        lambda: {"status": "resolved", "note": "Vu"},
        setup=_reported,
    ),
]


@pytest.mark.parametrize("op", MATRIX, ids=lambda op: f"{op.method} {op.path}")
def test_every_operation_answers_each_kind_of_actor_as_the_matrix_says(op):
    world = _world()
    if op.setup is not None:
        op.setup(world)
    for actor in ACTORS:
        before = _state()
        payload = op.payload() if op.payload else None
        if op.multipart:
            response = client_for(world.people[actor]).post(API + world.path(op.path), payload)
            status, body = response.status_code, response.json()
        else:
            status, body = call(world.people[actor], op.method, world.path(op.path), payload)
        expected = op.expect[actor]
        assert status == expected, f"{op.method} {op.path} as {actor}: {status} {body}"
        if status >= 400:
            assert set(body) == {"error"} and body["error"]["message"], body
            assert _state() == before, f"{op.method} {op.path} as {actor} changed something"
        elif op.method != "GET":
            assert _state() != before, f"{op.method} {op.path} as {actor} changed nothing"
        if op.path == "/exchange/exchanges" and status == 200:
            assert body["items"] == []  # never someone else's


def test_every_operation_of_the_sharing_api_has_an_entry_in_the_matrix():
    from config.api import api

    schema = api.get_openapi_schema()
    served = {
        (method.upper(), route.removeprefix(API))
        for route, methods in schema["paths"].items()
        if "/exchange/" in route or route.endswith("/exchange")
        for method in methods
    }
    listed = {
        (
            op.method,
            op.path.replace("{listing}", "{listing_id}")
            .replace("{exchange}", "{exchange_id}")
            .replace("{problem}", "{problem_id}")
            .replace("{photo}", "{photo_id}"),
        )
        for op in MATRIX
    }
    assert served and sorted(served - listed) == [], "operations without an entry in the matrix"
    assert sorted(listed - served) == [], "entries of the matrix without their operation"
