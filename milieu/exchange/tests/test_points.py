"""Reward points in the sharing module: a listing can ask for points, which the receiving side
pays the provider from wallet to wallet when both confirm the handover (never before, never
twice, never more than they have), and a completed exchange earns its provider the points of
the program's "completed exchange" rule, once."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from milieu.core.errors import ApplicationError
from milieu.core.testing import client_for
from milieu.exchange import services
from milieu.exchange.models import Exchange, Listing
from milieu.rewards import ledger
from milieu.rewards import services as rewards
from milieu.rewards.ledger import InsufficientPoints
from milieu.rewards.models import Account, EarningRule, Posting
from milieu.rewards.tests.factories import rule
from milieu.rewards.tests.offers_helpers import give_points

from .factories import category, days, listing, neighbour

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def give(user, municipality, points: int) -> None:
    give_points(rewards.program_for(municipality), user, points)


def balance(user, municipality) -> int:
    return rewards.points_balance(program=rewards.program_for(municipality), user=user)


def for_points(owner, municipality, points: int = 30, **fields) -> Listing:
    return listing(owner, municipality, terms="points", points=points, **fields)


def handed_over(exchange: Exchange, owner) -> Exchange:
    accepted = services.exchange_accept(actor=owner, exchange=exchange)
    code_holder_side = accepted.receiver_id
    scanner = accepted.owner if code_holder_side != accepted.owner_id else accepted.requester
    return services.exchange_confirm_handover(
        actor=scanner, exchange=accepted, code=accepted.handover_code
    )


# --- Listings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("points", [None, 0, -5, 10_001, "20"])
def test_a_listing_for_points_asks_from_1_to_10000(here, owner, points):
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        for_points(owner, here, points=points)

    assert refused.value.extra["fields"] == {"points": ["Ask from 1 to 10,000 points."]}
    assert not Listing.objects.exists()


def test_points_are_forgotten_when_the_terms_are_not_points(here, owner):
    drill = listing(owner, here, terms="free", points=40)
    assert drill.points is None
    priced = for_points(owner, here, points=25)
    services.listing_update(actor=owner, listing=priced, terms="free")
    assert Listing.objects.get(pk=priced.pk).points is None


# --- Paying -------------------------------------------------------------------------------------


def test_the_borrower_pays_the_lender_when_both_confirm_the_handover(here, owner, reader):
    give(reader, here, 50)
    drill = for_points(owner, here, points=30)
    start, end = days(1, 2)
    asked = services.exchange_request(actor=reader, listing=drill, starts_on=start, due_on=end)
    assert asked.points == 30
    services.listing_update(actor=owner, listing=drill, points=45)  # the price agreed stays

    accepted = services.exchange_accept(actor=owner, exchange=asked)
    services.exchange_confirm_handover(actor=owner, exchange=accepted)
    assert (balance(reader, here), balance(owner, here)) == (50, 0)  # one side only: not yet
    done = services.exchange_confirm_handover(actor=reader, exchange=accepted)

    assert done.state == "handed_over"
    assert (balance(reader, here), balance(owner, here)) == (20, 30)
    assert Posting.objects.filter(key=f"exchange:{asked.pk}:points").count() == 1
    assert ledger.check().ok


def test_a_request_without_enough_points_is_refused_and_asks_nothing(here, owner, reader):
    give(reader, here, 10)
    drill = for_points(owner, here, points=30)
    start, end = days(1, 2)
    with translation.override("en"), pytest.raises(InsufficientPoints) as refused:
        services.exchange_request(actor=reader, listing=drill, starts_on=start, due_on=end)

    assert str(refused.value.message) == "This asks for 30 points and you have 10."
    assert refused.value.status_code == 409
    assert not Exchange.objects.exists()


def test_points_spent_before_the_handover_stop_it_and_move_nothing(here, owner, reader):
    give(reader, here, 30)
    drill = for_points(owner, here, points=30)
    start, end = days(1, 2)
    asked = services.exchange_request(actor=reader, listing=drill, starts_on=start, due_on=end)
    accepted = services.exchange_accept(actor=owner, exchange=asked)
    give(owner, here, 1)  # so that the owner's wallet exists and has a known balance
    program = rewards.program_for(here)
    ledger.post(
        program=program,
        key="spent-elsewhere",
        kind="test",
        entries=[
            (ledger.wallet(program, reader), -20),
            (ledger.program_account(program, Account.Kind.ISSUANCE), 20),
        ],
    )

    with pytest.raises(InsufficientPoints):
        services.exchange_confirm_handover(
            actor=owner, exchange=accepted, code=accepted.handover_code
        )

    fresh = Exchange.objects.get()
    assert fresh.state == "accepted"
    assert fresh.owner_handed_over_at is None and fresh.requester_handed_over_at is None
    assert (balance(reader, here), balance(owner, here)) == (10, 1)


def test_who_asks_for_a_service_pays_the_neighbour_who_gives_it(here, owner, reader):
    helper = reader
    wanted = for_points(
        owner,
        here,
        points=40,
        kind="request_service",
        category=category("yard-help"),
        condition="",
        loan_max_days=None,
    )
    answered = services.exchange_request(actor=helper, listing=wanted)
    with pytest.raises(InsufficientPoints):  # the owner pays, and has nothing yet
        services.exchange_accept(actor=owner, exchange=answered)
    give(owner, here, 40)

    done = handed_over(answered, owner)

    assert done.state == "completed"
    assert (balance(owner, here), balance(helper, here)) == (0, 40)


def test_a_cancelled_exchange_moves_no_point(here, owner, reader):
    give(reader, here, 30)
    drill = for_points(owner, here, points=30)
    start, end = days(1, 2)
    asked = services.exchange_request(actor=reader, listing=drill, starts_on=start, due_on=end)
    accepted = services.exchange_accept(actor=owner, exchange=asked)
    services.exchange_cancel(actor=reader, exchange=accepted)

    assert (balance(reader, here), balance(owner, here)) == (30, 0)


# --- Earning --------------------------------------------------------------------------------------


def test_a_completed_exchange_earns_its_provider_the_rules_points_once(here, owner, reader):
    rule(rewards.program_for(here), EarningRule.Action.EXCHANGE_COMPLETED, 10)
    coat = listing(
        owner, here, kind="give", category=category("clothing"), title="Manteau", loan_max_days=None
    )
    done = handed_over(services.exchange_request(actor=reader, listing=coat), owner)

    assert done.state == "completed"
    assert (balance(owner, here), balance(reader, here)) == (10, 0)
    assert Posting.objects.filter(key=f"exchange:{done.pk}:completed").count() == 1


def test_a_loan_earns_when_it_comes_back_not_at_the_handover(here, owner, reader):
    rule(rewards.program_for(here), EarningRule.Action.EXCHANGE_COMPLETED, 10)
    drill = listing(owner, here)
    start, end = days(0, 1)
    asked = services.exchange_request(actor=reader, listing=drill, starts_on=start, due_on=end)
    lent = handed_over(asked, owner)
    assert balance(owner, here) == 0
    services.exchange_confirm_return(actor=reader, exchange=lent)
    services.exchange_confirm_return(actor=owner, exchange=lent)

    assert balance(owner, here) == 10


def test_without_the_rule_an_exchange_completes_and_earns_nothing(here, owner, reader):
    coat = listing(
        owner, here, kind="give", category=category("clothing"), title="Manteau", loan_max_days=None
    )
    done = handed_over(services.exchange_request(actor=reader, listing=coat), owner)

    assert done.state == "completed"
    assert not Posting.objects.exists()


# --- Pages and API --------------------------------------------------------------------------------


def page(name: str, municipality, *args, language: str) -> str:
    with translation.override(language):
        return reverse(f"exchange:{name}", args=[municipality.slug, *args])


def t(language: str, singular: str, plural: str, number: int) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, number) % {"points": number}


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_a_resident_asks_for_points_on_the_page_and_neighbours_see_the_price(
    here, owner, reader, language
):
    district = here.districts.first()
    form = {
        "kind": "lend",
        "category": "power-tools",
        "title": "Perceuse",
        "condition": "good",
        "terms": "points",
        "loan_max_days": "7",
        "place": f"district-{district.pk}",
    }
    refused = client_for(owner).post(page("listing_create", here, language=language), form)
    assert refused.status_code == 400
    with translation.override(language):
        assert (
            translation.gettext("Ask from 1 to %(most)s points.")
            % {"most": number_format(10_000, force_grouping=True)}
        ) in refused.content.decode()

    created = client_for(owner).post(
        page("listing_create", here, language=language), {**form, "points": "30"}
    )
    assert created.status_code == 302
    drill = Listing.objects.get()
    assert (drill.terms, drill.points) == ("points", 30)
    price = t(language, "%(points)s reward point", "%(points)s reward points", 30)
    for name, args in (("listings", []), ("listing", [drill.pk])):
        shown = client_for(reader).get(page(name, here, *args, language=language))
        assert price in shown.content.decode()


def test_the_api_lists_for_points_and_shows_them_on_the_exchange(here, owner, reader):
    give(reader, here, 30)
    listings = f"{API}/municipalities/{here.slug}/exchange/listings"
    created = client_for(owner).post(
        listings,
        data={
            "kind": "lend",
            "category": "power-tools",
            "title": "Perceuse",
            "condition": "good",
            "terms": "points",
            "points": 30,
            "loan_max_days": 7,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["terms"], created.json()["points"]) == ("points", 30)

    start, end = days(1, 2)
    asked = client_for(reader).post(
        f"{listings}/{created.json()['id']}/requests",
        data={"starts_on": start.isoformat(), "due_on": end.isoformat()},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["points"] == 30

    poor = neighbour(here)
    refused = client_for(poor).post(
        f"{listings}/{created.json()['id']}/requests",
        data={"starts_on": days(5, 5)[0].isoformat(), "due_on": days(6, 6)[0].isoformat()},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "insufficient_points"
