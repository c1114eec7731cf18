"""The sharing pages (`exchange:*`) through the Django test client: every page in French, English
and Spanish, who may open them, the whole loan through the pages, refusals that keep what was
typed and change nothing, the position that is never written back, and constant queries."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core import geo
from milieu.core.testing import assert_constant_queries, client_for
from milieu.exchange import services
from milieu.exchange.models import (
    Exchange,
    ExchangeEvent,
    ExchangeState,
    Listing,
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
HTMX = {"HTTP_HX_REQUEST": "true"}
LANGUAGES = ("fr", "en", "es")


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; the tests that fill them say so."""


def _t(language: str, message: str) -> str:
    """`message` as the pages show it in `language` (the catalogues may not have it yet)."""
    with translation.override(language):
        return translation.gettext(message)


def _nt(language: str, singular: str, plural: str, number: int, **values) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, number) % values


def body(response) -> str:
    return response.content.decode()


def url(name: str, municipality, *args, language: str = "fr", **query) -> str:
    with translation.override(language):
        path = reverse(f"exchange:{name}", args=[municipality.slug, *args])
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def _form(**fields) -> dict:
    values = {
        "kind": "lend",
        "category": "power-tools",
        "title": "Perceuse à percussion",
        "description": "Avec un coffret de mèches.",
        "condition": "good",
        "terms": "free",
        "terms_text": "",
        "loan_max_days": "7",
        "place": "",
    }
    values.update(fields)
    return values


@pytest.fixture
def drill(owner, here):
    return listing(owner, here)


def _district_place(municipality) -> str:
    return f"district-{municipality.districts.first().pk}"


def _asked(drill, reader):
    start, end = days(3, 5)
    return services.exchange_request(
        actor=reader, listing=drill, message="Bonjour!", starts_on=start, due_on=end
    )


def _accepted(drill, owner, reader):
    return services.exchange_accept(
        actor=owner, exchange=_asked(drill, reader), meeting_place="Bibliothèque"
    )


# --- Every page, in three languages ------------------------------------------------------------


PAGES = [
    ("listings", "Listings"),
    ("listing_create", "New listing"),
    ("listing", "About this listing"),
    ("listing_edit", "Change my listing"),
    ("exchanges", "My exchanges"),
    ("exchange", "The exchange"),
    ("exchange_handover", "Confirm the handover"),
]


def _page_url(name: str, here, drill, exchange, language: str) -> str:
    if name in ("listing", "listing_edit"):
        return url(name, here, drill.pk, language=language)
    if name == "exchange":
        return url(name, here, exchange.pk, language=language)
    if name == "exchange_handover":
        return url(name, here, exchange.pk, language=language, code=exchange.handover_code)
    return url(name, here, language=language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "heading"), PAGES)
def test_every_page_answers_in_each_language(here, owner, reader, drill, language, name, heading):
    exchange = _accepted(drill, owner, reader)
    response = client_for(owner).get(_page_url(name, here, drill, exchange, language))
    assert response.status_code == 200
    html = body(response)
    assert f'<html lang="{language}">' in html
    assert _t(language, heading) in html
    assert _t(language, "My exchanges") in html  # the module's navigation


@pytest.mark.parametrize(("name", "_heading"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(here, owner, reader, drill, name, _heading):
    exchange = _accepted(drill, owner, reader)
    response = client_for().get(_page_url(name, here, drill, exchange, "fr"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "_heading"), PAGES)
def test_a_member_of_another_municipality_finds_nothing(here, owner, reader, drill, name, _heading):
    exchange = _accepted(drill, owner, reader)
    stranger = neighbour(town())
    response = client_for(stranger).get(_page_url(name, here, drill, exchange, "fr"))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "_heading"), PAGES)
def test_the_pages_do_not_exist_where_the_module_is_off(here, owner, reader, drill, name, _heading):
    exchange = _accepted(drill, owner, reader)
    here.enabled_modules = ["districts"]
    here.save(update_fields=["enabled_modules"])
    response = client_for(owner).get(_page_url(name, here, drill, exchange, "fr"))
    assert response.status_code == 404


def test_the_module_is_in_the_municipality_menu(here, owner):
    html = body(client_for(owner).get(f"/fr/{here.slug}/"))
    assert f'href="/fr/{here.slug}/sharing/"' in html


def test_an_exchange_is_not_found_at_another_municipality_address(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)
    elsewhere = town()
    neighbour_there = neighbour(elsewhere)
    for user in (owner, reader, neighbour_there):
        response = client_for(user).get(f"/fr/{elsewhere.slug}/sharing/exchanges/{exchange.pk}/")
        assert response.status_code == 404


# --- A loan from start to end, through the pages ------------------------------------------------


def test_a_whole_loan_through_the_pages(here, owner, reader):
    lender, borrower = client_for(owner), client_for(reader)
    # The owner lists a drill at the position they share once, about 1 km east of the centre.
    lat, lng = EAST_1_KM
    response = lender.post(
        url("listing_create", here),
        _form(title="Perceuse du voisin", place="position", lat=lat, lng=lng),
    )
    assert response.status_code == 302
    drill = Listing.objects.get(title="Perceuse du voisin")
    assert response["Location"] == url("listing", here, drill.pk)
    assert drill.cell == geo.cell_at(lat, lng)
    # A neighbour finds it within 2 km of their district's centre, and not when searching for
    # something else.
    found = body(borrower.get(url("listings", here, km=2, kind="lend", q="perceuse")))
    assert "Perceuse du voisin" in found and "Camille Prêteuse" in found
    assert "Perceuse du voisin" not in body(borrower.get(url("listings", here, q="vélo")))
    # ... asks for three days ...
    start, end = days(3, 5)
    page = body(borrower.get(url("listing", here, drill.pk)))
    assert 'name="starts_on"' in page and 'name="due_on"' in page
    response = borrower.post(
        url("listing_request", here, drill.pk),
        {"starts_on": start.isoformat(), "due_on": end.isoformat(), "message": "Pour samedi"},
    )
    exchange = Exchange.objects.get(listing=drill, requester=reader)
    assert response.status_code == 302
    assert response["Location"] == url("exchange", here, exchange.pk)
    # ... the owner sees the request on the listing's page and accepts it.
    assert url("exchange", here, exchange.pk) in body(lender.get(url("listing", here, drill.pk)))
    response = lender.post(
        url("exchange_step", here, exchange.pk, "accept"), {"meeting_place": "Au parc"}
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.ACCEPTED
    assert LoanDay.objects.filter(exchange=exchange).count() == 3
    # The borrower, who receives the drill, is shown the QR code and confirms on their side...
    page = body(borrower.get(url("exchange", here, exchange.pk)))
    handover = "http://testserver" + url(
        "exchange_handover", here, exchange.pk, code=exchange.handover_code
    )
    assert 'class="card-qr"' in page and handover in page and "Au parc" in page
    assert 'class="card-qr"' not in body(lender.get(url("exchange", here, exchange.pk)))
    assert borrower.post(url("exchange_step", here, exchange.pk, "handover")).status_code == 302
    exchange.refresh_from_db()
    assert exchange.requester_handed_over_at and not exchange.owner_handed_over_at
    # ... and the owner scans it: the page's button confirms with the code.
    page = body(lender.get(handover.removeprefix("http://testserver")))
    assert f'value="{exchange.handover_code}"' in page
    response = lender.post(
        url("exchange_handover", here, exchange.pk), {"code": exchange.handover_code}
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.HANDED_OVER
    # Both confirm the return.
    for client in (borrower, lender):
        response = client.post(url("exchange_step", here, exchange.pk, "return"))
        assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.COMPLETED
    # Both review, once.
    for client, text in ((borrower, "Parfait"), (lender, "Rendue propre")):
        assert 'name="rating"' in body(client.get(url("exchange", here, exchange.pk)))
        response = client.post(
            url("exchange_review", here, exchange.pk), {"rating": "5", "text": text}
        )
        assert response.status_code == 302
        assert 'name="rating"' not in body(client.get(url("exchange", here, exchange.pk)))
    assert Review.objects.filter(exchange=exchange).count() == 2
    again = borrower.post(url("exchange_review", here, exchange.pk), {"rating": "1"})
    assert again.status_code == 400
    assert Review.objects.filter(exchange=exchange).count() == 2
    # The history tells every step; the owner's reputation counts the loan.
    events = list(ExchangeEvent.objects.filter(exchange=exchange).values_list("action", flat=True))
    assert events == [
        "request",
        "accept",
        "confirm_handover",
        "confirm_handover",
        "confirm_return",
        "confirm_return",
    ]
    completed = _nt(
        "en",
        "%(completed)s exchange completed",
        "%(completed)s exchanges completed",
        1,
        completed=1,
    )
    assert completed in body(borrower.get(url("listing", here, drill.pk, language="en")))
    mine = body(borrower.get(url("exchanges", here, state="completed")))
    assert "Perceuse du voisin" in mine


def test_the_whole_handover_can_be_confirmed_by_the_code_alone(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)
    response = client_for(owner).post(
        url("exchange_handover", here, exchange.pk), {"code": exchange.handover_code}
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.HANDED_OVER


def test_a_wrong_handover_code_is_refused_and_changes_nothing(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)
    events = ExchangeEvent.objects.count()
    response = client_for(owner).post(
        url("exchange_handover", here, exchange.pk), {"code": "guessed"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in body(response)
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.ACCEPTED
    assert exchange.owner_handed_over_at is None and exchange.requester_handed_over_at is None
    assert ExchangeEvent.objects.count() == events


def test_the_handover_address_without_a_code_leads_to_the_exchange(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)
    response = client_for(owner).get(url("exchange_handover", here, exchange.pk))
    assert response.status_code == 302
    assert response["Location"] == url("exchange", here, exchange.pk)


def test_a_gift_shows_its_code_to_the_person_who_receives_it(here, owner, reader):
    clothes = listing(
        owner,
        here,
        kind="give",
        category=category("children-clothing"),
        title="Habit de neige 4 ans",
        loan_max_days=None,
    )
    asked = services.exchange_request(actor=reader, listing=clothes)
    exchange = services.exchange_accept(actor=owner, exchange=asked)
    assert 'class="card-qr"' in body(client_for(reader).get(url("exchange", here, exchange.pk)))
    response = client_for(owner).post(
        url("exchange_handover", here, exchange.pk), {"code": exchange.handover_code}
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    clothes.refresh_from_db()
    assert exchange.state == ExchangeState.COMPLETED and clothes.status == "closed"


# --- Refusals: clear, as typed, nothing changed -------------------------------------------------


def test_an_unscreened_resident_cannot_offer_babysitting_through_the_page(here, owner):
    response = client_for(owner).post(
        url("listing_create", here),
        _form(
            kind="offer_service",
            category="babysitting",
            title="Gardienne le soir",
            condition="",
            loan_max_days="",
            place=_district_place(here),
        ),
    )
    assert response.status_code == 400
    html = body(response)
    assert (
        _t(
            "fr",
            "Only screened residents may offer care of children or of vulnerable people: residents whose background check the municipality recorded.",
        )
        in html
    )
    assert 'value="Gardienne le soir"' in html
    assert 'aria-describedby="id_category_error"' in html
    assert not Listing.objects.exists()


def test_a_screened_resident_offers_babysitting_with_the_badge(here, reader):
    sitter = screened(here, display_name="Inès Gardienne")
    response = client_for(sitter).post(
        url("listing_create", here),
        _form(
            kind="offer_service",
            category="babysitting",
            title="Gardienne le soir",
            condition="",
            loan_max_days="",
            place=_district_place(here),
        ),
    )
    assert response.status_code == 302
    found = body(client_for(reader).get(url("listings", here)))
    assert "Gardienne le soir" in found
    assert _t("fr", "Screened providers") in found


def test_bad_input_shows_the_form_again_as_typed_and_stores_nothing(here, owner):
    response = client_for(owner).post(
        url("listing_create", here),
        _form(
            title="",
            description="Une description que je ne veux pas retaper.",
            terms="barter",
            terms_text="",
            condition="",
            place=_district_place(here),
        ),
    )
    assert response.status_code == 400
    html = body(response)
    assert "Une description que je ne veux pas retaper." in html
    assert 'aria-describedby="id_title_error"' in html
    assert not Listing.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_its_fields(here, owner):
    response = client_for(owner).post(
        url("listing_create", here),
        _form(terms="barter", terms_text="", place=_district_place(here)),
    )
    assert response.status_code == 400
    html = body(response)
    assert 'id="id_terms_text_error"' in html
    assert 'value="Perceuse à percussion"' in html
    assert not Listing.objects.exists()


def test_my_position_is_required_when_i_choose_it(here, owner):
    response = client_for(owner).post(url("listing_create", here), _form(place="position"))
    assert response.status_code == 400
    assert 'id="id_place_error"' in body(response)
    assert not Listing.objects.exists()


def test_a_loan_request_with_bad_dates_keeps_the_message(here, reader, drill):
    start, _end = days(3, 5)
    response = client_for(reader).post(
        url("listing_request", here, drill.pk),
        {"starts_on": start.isoformat(), "due_on": "", "message": "Mon message à garder"},
    )
    assert response.status_code == 400
    assert "Mon message à garder" in body(response)
    response = client_for(reader).post(
        url("listing_request", here, drill.pk),
        {
            "starts_on": days(3, 0)[0].isoformat(),
            "due_on": days(40, 0)[0].isoformat(),
            "message": "Trop long",
        },
    )
    assert response.status_code == 400
    assert 'id="id_due_on_error"' in body(response)
    assert not Exchange.objects.exists()


@pytest.mark.parametrize(
    ("who", "step"),
    [
        ("owner", "return"),
        ("owner", "late"),
        ("reader", "accept"),
        ("owner", "handover"),
    ],
)
def test_a_step_the_state_does_not_allow_says_so_and_changes_nothing(
    here, owner, reader, drill, who, step
):
    exchange = _asked(drill, reader)
    events = ExchangeEvent.objects.count()
    actor = owner if who == "owner" else reader
    response = client_for(actor).post(
        url("exchange_step", here, exchange.pk, step), {"meeting_place": "Ici"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in body(response)
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.REQUESTED
    assert exchange.meeting_place == ""
    assert ExchangeEvent.objects.count() == events
    assert not LoanDay.objects.exists()


def test_accepting_twice_says_the_state_changed(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)
    response = client_for(owner).post(
        url("exchange_step", here, exchange.pk, "accept"), {"meeting_place": "Ailleurs"}
    )
    assert response.status_code == 400
    exchange.refresh_from_db()
    assert exchange.meeting_place == "Bibliothèque"


def test_an_unknown_step_does_not_exist(here, owner, reader, drill):
    exchange = _asked(drill, reader)
    response = client_for(owner).post(url("exchange_step", here, exchange.pk, "teleport"))
    assert response.status_code == 404


def test_htmx_steps_swap_the_panel(here, owner, reader, drill):
    exchange = _asked(drill, reader)
    response = client_for(owner).post(
        url("exchange_step", here, exchange.pk, "decline"), {"decline-note": "Désolé"}, **HTMX
    )
    assert response.status_code == 200
    html = body(response)
    assert html.lstrip().startswith('<div id="exchange-panel">') and "<html" not in html
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.DECLINED
    assert ExchangeEvent.objects.filter(exchange=exchange, note="Désolé").exists()


def test_either_side_cancels_before_the_handover(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)
    response = client_for(reader).post(url("exchange_step", here, exchange.pk, "cancel"))
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.state == ExchangeState.CANCELLED
    assert not LoanDay.objects.exists()


# --- Listings: edit and status ------------------------------------------------------------------


def test_the_owner_changes_a_listing_and_keeps_its_place(here, owner, reader):
    lat, lng = EAST_1_KM
    drill = listing(owner, here, at=EAST_1_KM)
    page = body(client_for(owner).get(url("listing_edit", here, drill.pk)))
    assert 'value="keep"' in page and 'name="kind"' not in page
    response = client_for(owner).post(
        url("listing_edit", here, drill.pk), _form(title="Perceuse révisée", place="keep")
    )
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.title == "Perceuse révisée" and drill.cell == geo.cell_at(lat, lng)


def test_only_the_owner_changes_a_listing(here, reader, drill):
    assert client_for(reader).get(url("listing_edit", here, drill.pk)).status_code == 403
    response = client_for(reader).post(
        url("listing_edit", here, drill.pk), _form(title="Volée", place="keep")
    )
    assert response.status_code == 403
    response = client_for(reader).post(url("listing_status", here, drill.pk), {"action": "close"})
    assert response.status_code == 403
    drill.refresh_from_db()
    assert drill.title == "Perceuse sans fil" and drill.status == "active"


def test_pause_reopen_and_close(here, owner, reader, drill):
    lender = client_for(owner)
    _asked(drill, reader)
    for action, status in (("pause", "paused"), ("reopen", "active"), ("close", "closed")):
        response = lender.post(url("listing_status", here, drill.pk), {"action": action})
        assert response.status_code == 302
        drill.refresh_from_db()
        assert drill.status == status
    assert Exchange.objects.get().state == ExchangeState.DECLINED  # closing answered it
    assert client_for(reader).get(url("listing", here, drill.pk)).status_code == 404
    assert client_for(owner).get(url("listing", here, drill.pk)).status_code == 200
    response = lender.post(url("listing_status", here, drill.pk), {"action": "explode"})
    assert response.status_code == 400


def test_the_listing_page_shows_reputation_days_taken_and_no_request_form_to_the_owner(
    here, owner, reader, drill
):
    exchange = _accepted(drill, owner, reader)
    start, end = exchange.starts_on, exchange.due_on
    page = body(client_for(reader).get(url("listing", here, drill.pk)))
    assert url("exchange", here, exchange.pk) in page  # "you have already asked"
    assert 'name="starts_on"' not in page
    own = body(client_for(owner).get(url("listing", here, drill.pk)))
    assert 'name="starts_on"' not in own and "Noé Voisin" in own
    other = body(client_for(neighbour(here)).get(url("listing", here, drill.pk)))
    assert 'name="starts_on"' in other
    with translation.override("fr"):
        from django.utils.formats import date_format

        assert date_format(start, "DATE_FORMAT") in other
        assert date_format(end, "DATE_FORMAT") in other


# --- Places: the position is never written back -------------------------------------------------


def _numbers_of(value: float) -> set[str]:
    """How a coordinate could appear in a page."""
    return {str(value), f"{value:.3f}", f"{value:.4f}", f"{value:.2f}".rstrip("0")}


def test_the_exact_position_never_appears_on_a_page(here, owner, reader):
    lat, lng = 45.46123, -73.45387
    response = client_for(owner).post(
        url("listing_create", here),
        _form(title="Escabeau", place="position", lat=str(lat), lng=str(lng)),
    )
    assert response.status_code == 302
    ladder = Listing.objects.get(title="Escabeau")
    cell = geo.cell_at(lat, lng)
    assert ladder.cell == cell
    secrets = _numbers_of(lat) | _numbers_of(lng) | {cell}
    for user in (reader, owner):
        for page in (
            url("listings", here),
            url("listings", here, km=5),
            url("listing", here, ladder.pk),
            url("listing_edit", here, ladder.pk),
        ):
            response = client_for(user).get(page)
            if response.status_code == 403:
                continue
            html = body(response)
            assert "Escabeau" in html
            leaked = [secret for secret in secrets if secret in html]
            assert leaked == [], (page, leaked)


def test_a_refused_form_does_not_write_the_coordinates_back(here, owner):
    lat, lng = 45.46123, -73.45387
    response = client_for(owner).post(
        url("listing_create", here), _form(title="", place="position", lat=lat, lng=lng)
    )
    assert response.status_code == 400
    html = body(response)
    assert str(lat) not in html and str(lng) not in html
    assert re.search(r'name="lat" value=""', html)
    # The position is kept as its cell, so that sending the corrected form loses nothing.
    assert f'value="{geo.cell_at(lat, lng)}"' in html


def test_a_shared_position_becomes_a_cell_in_the_search_links(here, owner, reader):
    for n in range(25):
        listing(neighbour(here), here, at=EAST_12_KM, title=f"Loin {n:02d}")
    lat, lng = EAST_12_KM
    response = client_for(reader).post(
        url("listings", here), {"km": "2", "kind": "lend", "lat": lat, "lng": lng}
    )
    assert response.status_code == 302
    location = response["Location"]
    cell = geo.cell_at(lat, lng)
    assert f"cell={cell}" in location and "km=2" in location and "kind=lend" in location
    assert str(lat) not in location and str(lng) not in location
    html = body(client_for(reader).get(location))
    assert "Loin 24" in html  # 12 km from home, found around the shared position
    assert f"cell={cell}" in html and "page=2" in html  # the next page keeps the position
    assert str(lat) not in html and str(lng) not in html
    # Without the position, they are too far from home.
    assert "Loin 24" not in body(client_for(reader).get(url("listings", here, km=2)))


def test_a_made_up_cell_is_ignored(here, reader, drill):
    html = body(client_for(reader).get(url("listings", here, cell="not-a-cell")))
    assert "Perceuse sans fil" in html and 'value="not-a-cell"' not in html
    assert _t("fr", "Distances are counted from the centre of your district.") in html


def test_bad_search_dates_say_so(here, reader, drill):
    response = client_for(reader).get(url("listings", here, available_from="2030-01-05"))
    assert response.status_code == 400
    assert 'id="id_available_until_error"' in body(response)


def test_the_search_swaps_only_its_results_with_htmx(here, reader, drill):
    response = client_for(reader).get(url("listings", here, q="perceuse"), **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="listing-results">') and "<html" not in html
    assert "Perceuse sans fil" in html


def test_the_distance_is_shown_in_whole_kilometres(here, owner, reader):
    listing(owner, here, at=CENTRE, title="Tout près")
    html = body(client_for(reader).get(url("listings", here, language="en")))
    assert _nt("en", "about %(km)s km", "about %(km)s km", 1, km=1) in html


# --- Queries: constant whatever the length of the lists -----------------------------------------


def _listings_of(municipality):
    numbers = iter(range(10_000))

    def add(n):
        titles = []
        for _ in range(n):
            title = f"Objet {next(numbers):04d}"
            listing(neighbour(municipality), municipality, title=title, photos=1)
            titles.append(title)
        return titles

    return add


def test_the_listings_page_runs_the_same_queries_for_few_or_many(here, reader):
    assert_constant_queries(client_for(reader), url("listings", here), _listings_of(here), many=20)


def test_the_search_partial_runs_the_same_queries(here, reader):
    assert_constant_queries(
        client_for(reader),
        url("listings", here, km=5, kind="lend"),
        _listings_of(here),
        many=20,
        **HTMX,
    )


def test_my_exchanges_run_the_same_queries_for_few_or_many(here, reader):
    numbers = iter(range(10_000))

    def add(n):
        titles = []
        for _ in range(n):
            title = f"Demande {next(numbers):04d}"
            wanted = listing(neighbour(here), here, title=title)
            _asked(wanted, reader)
            titles.append(title)
        return titles

    assert_constant_queries(client_for(reader), url("exchanges", here), add, many=20)


def test_the_requests_on_my_listing_run_the_same_queries(here, owner, drill):
    numbers = iter(range(10_000))

    def add(n):
        names = []
        for _ in range(n):
            name = f"Voisine {next(numbers):04d}"
            _asked(drill, neighbour(here, display_name=name))
            names.append(name)
        return names

    assert_constant_queries(client_for(owner), url("listing", here, drill.pk), add, many=20)


def test_the_history_of_an_exchange_runs_the_same_queries(here, owner, reader, drill):
    exchange = _accepted(drill, owner, reader)

    def add(n):
        for _ in range(n):
            ExchangeEvent.objects.create(
                exchange=exchange, actor=reader, action="confirm_handover", to_state="accepted"
            )
        return ["Noé Voisin"]

    assert_constant_queries(client_for(owner), url("exchange", here, exchange.pk), add)


def test_staff_of_the_municipality_take_part_like_any_member(here, drill):
    staff = with_role(here, Role.STAFF)
    assert client_for(staff).get(url("listings", here)).status_code == 200
