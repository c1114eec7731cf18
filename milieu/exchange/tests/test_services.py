"""The sharing module's writes: listings, the steps of an exchange, reviews."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.db import connection, connections
from django.utils import timezone

from milieu.accounts.tests.factories import UserFactory
from milieu.community.models import Block
from milieu.community.permissions import forget_blocks
from milieu.core import geo
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.exchange import selectors, services
from milieu.exchange.models import Exchange, ExchangeEvent, Listing, LoanDay, Review

from .factories import EAST_1_KM, category, days, listing, neighbour, screened, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_off(settings, still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def _loan(**fields):
    municipality = town()
    owner, borrower = neighbour(municipality), neighbour(municipality)
    drill = listing(owner, municipality, **fields)
    return municipality, owner, borrower, drill


# --- Listings -----------------------------------------------------------------------------------


def test_a_listing_keeps_its_cell_and_never_a_point():
    municipality = town()
    owner = neighbour(municipality)
    drill = listing(owner, municipality, at=EAST_1_KM)
    assert drill.cell == geo.cell_at(*EAST_1_KM)
    assert drill.cell_r5 == geo.cell_columns(drill.cell)["cell_r5"]
    columns = {field.name for field in Listing._meta.get_fields()}
    assert not columns & {"latitude", "longitude", "address", "point", "location"}


def test_a_listing_with_bad_fields_says_which_and_stores_nothing():
    municipality = town()
    owner = neighbour(municipality)
    with pytest.raises(ApplicationError) as refused:
        listing(owner, municipality, title=" ", condition="", terms="barter", cell="nowhere")
    assert set(refused.value.extra["fields"]) == {"title", "condition", "terms_text", "cell"}
    assert all(len(messages) == 1 for messages in refused.value.extra["fields"].values())
    # Shaped as every app's field errors (the API's `ErrorOut`, `core.http.form_error`).
    assert refused.value.code == "validation"
    assert [type(message) for message in refused.value.extra["fields"]["title"]] == [str]
    assert not Listing.objects.exists()


def test_a_service_category_is_refused_for_an_object():
    municipality = town()
    with pytest.raises(ApplicationError) as refused:
        listing(neighbour(municipality), municipality, category=category("lessons"))
    assert "category" in refused.value.extra["fields"]


@pytest.mark.parametrize("slug", ["babysitting", "elder-respite", "tutoring-minors"])
def test_an_unscreened_person_cannot_offer_care(slug):
    municipality = town()
    unscreened = neighbour(municipality)
    with pytest.raises(services.ScreeningRequired):
        listing(
            unscreened, municipality, kind="offer_service", category=category(slug), condition=""
        )
    assert not Listing.objects.exists()
    offered = listing(
        screened(municipality), municipality, kind="offer_service", category=category(slug)
    )
    assert offered.condition == "" and offered.loan_max_days is None


def test_an_unscreened_person_may_ask_for_babysitting_but_not_answer_such_a_request():
    municipality = town()
    parent, unscreened, sitter = (
        neighbour(municipality),
        neighbour(municipality),
        screened(municipality),
    )
    wanted = listing(parent, municipality, kind="request_service", category=category("babysitting"))
    with pytest.raises(services.ScreeningRequired):
        services.exchange_request(actor=unscreened, listing=wanted)
    assert not Exchange.objects.exists()
    answer = services.exchange_request(actor=sitter, listing=wanted, message="Disponible samedi")
    services.exchange_accept(actor=parent, exchange=answer)
    assert Exchange.objects.get().state == "accepted"


def test_a_screening_that_lapsed_before_acceptance_stops_the_exchange():
    municipality = town()
    sitter, parent = screened(municipality), neighbour(municipality)
    offer = listing(sitter, municipality, kind="offer_service", category=category("babysitting"))
    asked = services.exchange_request(actor=parent, listing=offer)
    from milieu.accounts.access import access_forget
    from milieu.accounts.models import BackgroundCheck

    BackgroundCheck.objects.filter(user=sitter).update(revoked_at=timezone.now())
    BackgroundCheck.objects.filter(user=sitter).delete()
    access_forget(sitter.pk)
    sitter.__dict__.pop("_milieu_trust", None)
    with pytest.raises(services.ScreeningRequired):
        services.exchange_accept(actor=sitter, exchange=asked)
    assert Exchange.objects.get().state == "requested"


def test_only_the_owner_changes_a_listing():
    _municipality, owner, other, drill = _loan()
    with pytest.raises(PermissionDenied):
        services.listing_update(actor=other, listing=drill, title="Mine now")
    drill.refresh_from_db()
    assert drill.title == "Perceuse sans fil"
    services.listing_update(actor=owner, listing=drill, title="Perceuse 18 V")
    drill.refresh_from_db()
    assert drill.title == "Perceuse 18 V"


# --- A loan from request to return --------------------------------------------------------------


def test_a_loan_runs_from_request_to_return_with_an_audit_row_per_step():
    _municipality, owner, borrower, drill = _loan()
    start, end = days(1, 3)
    asked = services.exchange_request(
        actor=borrower, listing=drill, starts_on=start, due_on=end, message="Pour une étagère"
    )
    services.exchange_accept(actor=owner, exchange=asked, meeting_place="Devant le 12, rue X")
    assert LoanDay.objects.filter(listing=drill).count() == 3
    services.exchange_confirm_handover(actor=owner, exchange=asked)
    assert Exchange.objects.get().state == "accepted"  # the other side has not said it yet
    services.exchange_confirm_handover(actor=borrower, exchange=asked)
    assert Exchange.objects.get().state == "handed_over"
    services.exchange_confirm_return(actor=borrower, exchange=asked)
    services.exchange_confirm_return(actor=owner, exchange=asked)
    done = Exchange.objects.get()
    assert done.state == "completed" and done.closed_at is not None
    assert list(
        ExchangeEvent.objects.filter(exchange=done).values_list(
            "action", "from_state", "to_state", "actor"
        )
    ) == [
        ("request", "requested", "requested", borrower.pk),
        ("accept", "requested", "accepted", owner.pk),
        ("confirm_handover", "accepted", "accepted", owner.pk),
        ("confirm_handover", "accepted", "handed_over", borrower.pk),
        ("confirm_return", "handed_over", "handed_over", borrower.pk),
        ("confirm_return", "handed_over", "completed", owner.pk),
    ]
    # The days after today are free again once the object is back.
    assert not LoanDay.objects.filter(day__gt=timezone.localdate()).exists()


def test_the_code_shown_by_one_side_confirms_the_handover_for_both():
    _municipality, owner, borrower, drill = _loan()
    start, end = days(0, 1)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    accepted = services.exchange_accept(actor=owner, exchange=asked)
    # The borrower receives the drill: they show the code, the owner scans it.
    assert Exchange.objects.get().receiver_id == borrower.pk
    with pytest.raises(ApplicationError):
        services.exchange_confirm_handover(actor=owner, exchange=asked, code="guess")
    assert Exchange.objects.get().owner_handed_over_at is None
    services.exchange_confirm_handover(actor=owner, exchange=asked, code=accepted.handover_code)
    assert Exchange.objects.get().state == "handed_over"


def test_the_side_that_shows_the_code_cannot_confirm_both_sides_with_it():
    _municipality, owner, borrower, drill = _loan()
    start, end = days(0, 1)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    accepted = services.exchange_accept(actor=owner, exchange=asked)
    events = ExchangeEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.exchange_confirm_handover(
            actor=borrower, exchange=asked, code=accepted.handover_code
        )
    assert refused.value.code == "own_code"
    unchanged = Exchange.objects.get()
    assert unchanged.owner_handed_over_at is None and unchanged.requester_handed_over_at is None
    assert ExchangeEvent.objects.count() == events


@pytest.mark.parametrize(
    "step",
    [
        lambda owner, borrower, e: services.exchange_confirm_return(actor=owner, exchange=e),
        lambda owner, borrower, e: services.exchange_confirm_handover(actor=owner, exchange=e),
        lambda owner, borrower, e: services.review_create(actor=owner, exchange=e, rating=5),
        lambda owner, borrower, e: services.exchange_flag_late(actor=owner, exchange=e),
    ],
    ids=["return", "handover", "review", "late"],
)
def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(step):
    _municipality, owner, borrower, drill = _loan()
    start, end = days(1, 2)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    events = ExchangeEvent.objects.count()
    with pytest.raises(Conflict):
        step(owner, borrower, asked)
    assert Exchange.objects.get().state == "requested"
    assert ExchangeEvent.objects.count() == events
    assert not Review.objects.exists()


def test_only_the_owner_accepts_and_a_stranger_sees_nothing():
    municipality, _owner, borrower, drill = _loan()
    stranger = neighbour(municipality)
    start, end = days(1, 2)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    for actor in (borrower, stranger):
        with pytest.raises(PermissionDenied):
            services.exchange_accept(actor=actor, exchange=asked)
    with pytest.raises(NotFound):
        selectors.exchange_get(visible_to=stranger, exchange_id=asked.pk)
    assert Exchange.objects.get().state == "requested"
    assert not LoanDay.objects.exists()


def test_a_loan_needs_dates_within_the_owners_longest_loan():
    _municipality, _owner, borrower, drill = _loan(loan_max_days=3)
    for start, end, field in [
        (None, None, "starts_on"),
        (*days(-2, 1), "starts_on"),
        (*days(1, 10), "due_on"),
        (*days(5, 4), "due_on"),
    ]:
        with pytest.raises(ApplicationError) as refused:
            services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
        assert field in refused.value.extra["fields"]
    assert not Exchange.objects.exists()


def test_two_overlapping_loans_cannot_both_be_accepted():
    municipality, owner, first, drill = _loan()
    second = neighbour(municipality)
    one = services.exchange_request(
        actor=first, listing=drill, starts_on=days(1, 3)[0], due_on=days(1, 3)[1]
    )
    two = services.exchange_request(
        actor=second, listing=drill, starts_on=days(3, 5)[0], due_on=days(3, 5)[1]
    )
    services.exchange_accept(actor=owner, exchange=one)
    with pytest.raises(Conflict) as refused:
        services.exchange_accept(actor=owner, exchange=two)
    assert refused.value.code == "slot_taken"
    assert Exchange.objects.get(pk=two.pk).state == "requested"
    assert set(LoanDay.objects.values_list("exchange_id", flat=True)) == {one.pk}
    # Once the first is cancelled, its days are free for the second.
    services.exchange_cancel(actor=first, exchange=one)
    services.exchange_accept(actor=owner, exchange=two)
    assert Exchange.objects.get(pk=two.pk).state == "accepted"


def test_a_request_for_days_already_lent_is_refused_at_once():
    municipality, owner, first, drill = _loan()
    start, end = days(1, 3)
    one = services.exchange_request(actor=first, listing=drill, starts_on=start, due_on=end)
    services.exchange_accept(actor=owner, exchange=one)
    with pytest.raises(Conflict):
        services.exchange_request(
            actor=neighbour(municipality), listing=drill, starts_on=end, due_on=end
        )
    assert Exchange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_of_the_same_days_let_one_through():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers are PostgreSQL's; SQLite serialises them (IMMEDIATE), and "
            "test_two_overlapping_loans_cannot_both_be_accepted covers the constraint there. "
            "The PostgreSQL leg of CI runs this test."
        )
    municipality, owner, first, drill = _loan()
    second = neighbour(municipality)
    start, end = days(1, 3)
    asked = [
        services.exchange_request(actor=person, listing=drill, starts_on=start, due_on=end)
        for person in (first, second)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(exchange) -> None:
        barrier.wait()
        try:
            services.exchange_accept(actor=owner, exchange=exchange)
            outcomes.append("accepted")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(e,)) for e in asked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "refused"]
    assert Exchange.objects.filter(state="accepted").count() == 1
    assert LoanDay.objects.count() == 3


def test_a_late_loan_can_be_flagged_by_its_owner_only_after_its_last_day():
    _municipality, owner, borrower, drill = _loan()
    start, end = days(0, 0)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    services.exchange_accept(actor=owner, exchange=asked)
    services.exchange_confirm_handover(actor=owner, exchange=asked)
    services.exchange_confirm_handover(actor=borrower, exchange=asked)
    with pytest.raises(Conflict):
        services.exchange_flag_late(actor=owner, exchange=asked)
    Exchange.objects.filter(pk=asked.pk).update(
        starts_on=start - timedelta(days=2), due_on=start - timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.exchange_flag_late(actor=borrower, exchange=asked)
    services.exchange_flag_late(actor=owner, exchange=asked)
    assert Exchange.objects.get().late_flagged_at is not None


# --- Gifts and swaps ----------------------------------------------------------------------------


def test_a_gift_goes_to_one_person_and_its_listing_closes():
    municipality = town()
    giver = neighbour(municipality)
    coat = listing(
        giver,
        municipality,
        kind="give",
        category=category("children-clothing"),
        title="Manteau 4 ans",
        loan_max_days=None,
    )
    takers = [neighbour(municipality) for _ in range(3)]
    asked = [services.exchange_request(actor=person, listing=coat) for person in takers]
    services.exchange_accept(actor=giver, exchange=asked[0])
    with pytest.raises(Conflict):
        services.exchange_accept(actor=giver, exchange=asked[1])
    services.exchange_confirm_handover(actor=giver, exchange=asked[0])
    services.exchange_confirm_handover(actor=takers[0], exchange=asked[0])
    assert Exchange.objects.get(pk=asked[0].pk).state == "completed"
    assert Listing.objects.get().status == "closed"
    assert set(Exchange.objects.exclude(pk=asked[0].pk).values_list("state", flat=True)) == {
        "declined"
    }


def test_asking_twice_for_the_same_listing_is_answered_by_the_first_request():
    municipality = town()
    coat = listing(
        neighbour(municipality),
        municipality,
        kind="give",
        category=category("clothing"),
        loan_max_days=None,
    )
    taker = neighbour(municipality)
    services.exchange_request(actor=taker, listing=coat)
    with pytest.raises(Conflict):
        services.exchange_request(actor=taker, listing=coat)
    assert Exchange.objects.count() == 1


def test_nobody_asks_for_their_own_listing_or_a_blocked_persons():
    municipality, owner, borrower, drill = _loan()
    start, end = days(1, 1)
    with pytest.raises(PermissionDenied):
        services.exchange_request(actor=owner, listing=drill, starts_on=start, due_on=end)
    Block.objects.create(blocker=owner, blocked=borrower)
    forget_blocks(owner)
    forget_blocks(borrower)
    with pytest.raises(PermissionDenied):
        services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    with pytest.raises(NotFound):
        selectors.listing_get(visible_to=borrower, municipality=municipality, listing_id=drill.pk)
    assert not Exchange.objects.exists()


def test_people_of_another_municipality_do_not_see_or_ask():
    _municipality, _owner, _borrower, drill = _loan()
    elsewhere = town()
    outsider = neighbour(elsewhere)
    with pytest.raises(PermissionDenied):
        services.exchange_request(
            actor=outsider, listing=drill, starts_on=days(1, 1)[0], due_on=days(1, 1)[1]
        )
    with pytest.raises(NotFound):
        selectors.listing_get(
            visible_to=outsider, municipality=drill.municipality, listing_id=drill.pk
        )


# --- Reviews ------------------------------------------------------------------------------------


def _completed():
    municipality, owner, borrower, drill = _loan()
    start, end = days(0, 1)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    services.exchange_accept(actor=owner, exchange=asked)
    for step in (services.exchange_confirm_handover, services.exchange_confirm_return):
        step(actor=owner, exchange=asked)
        step(actor=borrower, exchange=asked)
    return municipality, owner, borrower, Exchange.objects.get(pk=asked.pk)


def test_each_side_reviews_the_other_once_after_completion():
    _municipality, owner, borrower, done = _completed()
    services.review_create(actor=borrower, exchange=done, rating=5, text="Très gentil")
    services.review_create(actor=owner, exchange=done, rating=4)
    with pytest.raises(Conflict):
        services.review_create(actor=owner, exchange=done, rating=1)
    assert sorted(Review.objects.values_list("author", "subject", "rating")) == sorted(
        [(borrower.pk, owner.pk, 5), (owner.pk, borrower.pk, 4)]
    )
    assert selectors.reputation(user=owner) == selectors.Reputation(
        reviews=1, average=5.0, completed=1
    )


def test_no_review_without_a_completed_exchange_or_by_a_stranger():
    _municipality, _owner, borrower, drill = _loan()
    start, end = days(1, 1)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    with pytest.raises(Conflict):
        services.review_create(actor=borrower, exchange=asked, rating=5)
    _m, _o, _b, done = _completed()
    with pytest.raises(PermissionDenied):
        services.review_create(actor=UserFactory(), exchange=done, rating=1)
    with pytest.raises(ApplicationError) as refused:
        services.review_create(actor=_b, exchange=done, rating=9)
    assert "rating" in refused.value.extra["fields"]
    assert not Review.objects.exists()


# --- Notifications ------------------------------------------------------------------------------


def test_each_side_hears_of_the_other_sides_steps_in_their_own_language(
    django_capture_on_commit_callbacks,
):
    from milieu.notifications.models import Notification

    municipality, owner, borrower, drill = _loan()
    type(owner).objects.filter(pk=owner.pk).update(preferred_language="en")
    start, end = days(1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.exchange_request(
            actor=borrower, listing=drill, starts_on=start, due_on=end
        )
    told = Notification.objects.get(user=owner)
    assert told.topic == "exchanges"
    assert told.title == "New request for “Perceuse sans fil”"
    assert told.url == f"/en/{municipality.slug}/sharing/exchanges/{asked.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        services.exchange_accept(actor=owner, exchange=asked)
    heard = Notification.objects.get(user=borrower)
    assert heard.title.startswith("Votre demande")  # French, the site's default
    assert heard.url == f"/fr/{municipality.slug}/sharing/exchanges/{asked.pk}/"
    assert not Notification.objects.filter(user=owner).exclude(pk=told.pk).exists()


def test_a_borrower_is_reminded_the_day_before_the_return_once(
    django_capture_on_commit_callbacks,
):
    from django.core.management import call_command

    from milieu.notifications.models import Notification

    _municipality, owner, borrower, drill = _loan()
    start, end = days(0, 1)
    asked = services.exchange_request(actor=borrower, listing=drill, starts_on=start, due_on=end)
    services.exchange_accept(actor=owner, exchange=asked)
    assert services.loan_reminders_send() == 0  # not handed over yet
    services.exchange_confirm_handover(actor=owner, exchange=asked)
    services.exchange_confirm_handover(actor=borrower, exchange=asked)
    assert services.loan_reminders_send(today=start - timedelta(days=1)) == 0  # not due then
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("send_loan_reminders", stdout=out)
        assert out.getvalue().strip() == "1 loan(s) reminded."
        assert services.loan_reminders_send() == 0  # once a day
    reminder = Notification.objects.get(user=borrower)
    assert reminder.title == "«\xa0Perceuse sans fil\xa0» doit être rendu demain"
    assert Exchange.objects.get().reminded_on == timezone.localdate()
