"""Every write of the sharing module: listings, the steps of an exchange, reviews, and the
problems either side reports to the municipality's staff.

Each step of an exchange is one service: it checks its permission, reads the exchange again
locked (`select_for_update`, which SQLite's immediate transactions give anyway), refuses a step
that the exchange's state does not allow with a clear error, and writes an `ExchangeEvent`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from milieu.community.permissions import blocked_either_way
from milieu.core import geo, pictures, ratelimit
from milieu.core.errors import ApplicationError, Conflict, NotFound
from milieu.core.permissions import require
from milieu.core.pictures import Upload
from milieu.core.ratelimit import Limit
from milieu.notifications.services import in_every_language
from milieu.rewards import services as rewards
from milieu.rewards.ledger import InsufficientPoints
from milieu.rewards.models import EarningRule

from .models import (
    MAX_LISTING_PHOTOS,
    OBJECT_KINDS,
    SERVICE_KINDS,
    Category,
    Condition,
    Exchange,
    ExchangeEvent,
    ExchangeProblem,
    ExchangeState,
    Listing,
    ListingKind,
    ListingPhoto,
    ListingStatus,
    LoanDay,
    ProblemReason,
    ProblemStatus,
    Review,
    Terms,
)
from .models import (
    MAX_POINTS_ASKED as MAX_POINTS,
)
from .permissions import may_provide

TOPIC = "exchanges"
LONGEST_LOAN_DAYS = 60
BOOKING_HORIZON_DAYS = 365
LIMITS = {
    "listing": [Limit(10, 3600), Limit(30, 86_400)],
    "request": [Limit(20, 3600), Limit(60, 86_400)],
}


class ScreeningRequired(ApplicationError):
    status_code = 403
    code = "screening_required"


def _fields_error(message: Any, fields: dict[str, Any]) -> ApplicationError:
    """A refusal that says which fields to correct, shaped as everywhere else
    (`{"field": [messages]}`, code `validation`), so the API and the forms render it alike."""
    return ApplicationError(
        message,
        code="validation",
        extra={"fields": {name: [str(text)] for name, text in fields.items()}},
    )


def _at_most(field: str, text: str, limit: int) -> str:
    """`text` stripped, or a field error when it is longer than `limit` characters."""
    text = (text or "").strip()
    if len(text) > limit:
        message = _("At most %(limit)s characters.") % {"limit": limit}
        raise _fields_error(message, {field: message})
    return text


def _screening_error(category: Category) -> ScreeningRequired:
    return ScreeningRequired(
        _(
            "Only people whose background check the municipality recorded may provide "
            "“%(category)s”."
        )
        % {"category": category.name}
    )


# --- Listings -------------------------------------------------------------------------------------

LISTING_FIELDS = (
    "kind",
    "category",
    "title",
    "description",
    "language",
    "condition",
    "terms",
    "terms_text",
    "points",
    "loan_max_days",
    "cell",
)


def _validate_listing(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = values.get("kind")
    category: Category | None = values.get("category")
    if kind not in ListingKind.values:
        errors["kind"] = _("Choose what you list.")
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give your listing a title.")
    elif len(title) > 120:
        errors["title"] = _("The title may have at most 120 characters.")
    values["title"] = title
    values["description"] = (values.get("description") or "").strip()
    if len(values["description"]) > 4000:
        errors["description"] = _("The description may have at most 4,000 characters.")
    if category is None:
        errors["category"] = _("Choose a category.")
    elif kind in OBJECT_KINDS and not category.for_objects:
        errors["category"] = _("This category is for services, not objects.")
    elif kind in SERVICE_KINDS and not category.for_services:
        errors["category"] = _("This category is for objects, not services.")
    if kind in OBJECT_KINDS:
        if values.get("condition") not in Condition.values:
            errors["condition"] = _("Say what condition the object is in.")
    else:
        values["condition"] = ""
    if values.get("terms") not in Terms.values:
        errors["terms"] = _("Say what you ask in exchange.")
    values["terms_text"] = (values.get("terms_text") or "").strip()
    if values.get("terms") == Terms.BARTER and not values["terms_text"]:
        errors["terms_text"] = _("Say in a few words what you would like in exchange.")
    if len(values["terms_text"]) > 200:
        errors["terms_text"] = _("At most %(limit)s characters.") % {"limit": 200}
    points = values.get("points")
    if values.get("terms") != Terms.POINTS:
        values["points"] = None
    elif not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= MAX_POINTS:
        errors["points"] = _("Ask from 1 to %(most)s points.") % {
            "most": number_format(MAX_POINTS, force_grouping=True)
        }
    if kind == ListingKind.LEND:
        days = values.get("loan_max_days") or 14
        if not 1 <= int(days) <= LONGEST_LOAN_DAYS:
            errors["loan_max_days"] = _("A loan lasts from 1 to %(days)s days.") % {
                "days": LONGEST_LOAN_DAYS
            }
        values["loan_max_days"] = int(days)
    else:
        values["loan_max_days"] = None
    if not geo.is_cell(values.get("cell") or ""):
        errors["cell"] = _("Choose where the listing is.")
    language = (values.get("language") or "fr")[:2]
    values["language"] = language if language in ("fr", "en", "es") else "fr"
    if errors:
        raise _fields_error(_("Please correct the fields shown."), errors)
    return values


def listing_create(
    *, actor, municipality, uploads: Sequence[Upload] = (), **fields: Any
) -> Listing:
    """A new listing of `actor` in `municipality`. `fields`: those of `LISTING_FIELDS`, with
    `cell` an H3 cell at `core.geo.RESOLUTION` (the page and the API make it from a district or
    a shared position; an address is never asked); `uploads`: up to four photos."""
    require(actor, "exchange.take_part", municipality)
    values = _validate_listing({name: fields.get(name) for name in LISTING_FIELDS})
    if values["kind"] != ListingKind.REQUEST_SERVICE and not may_provide(
        actor, values["category"], municipality
    ):
        raise _screening_error(values["category"])
    prepared = _prepare_photos(uploads, already=0)
    ratelimit.hit("exchange:listing", actor.pk, limits=LIMITS["listing"])
    cells = geo.cell_columns(values.pop("cell"))
    with _photos_kept_only_if_committed() as written, transaction.atomic():
        listing = Listing.objects.create(municipality=municipality, owner=actor, **values, **cells)
        written += _store_photos(listing, prepared, start=0)
    return listing


def listing_update(
    *,
    actor,
    listing: Listing,
    uploads: Sequence[Upload] = (),
    alt_texts: dict[int, str] | None = None,
    remove_photo_ids: Sequence[int] = (),
    **fields: Any,
) -> Listing:
    """Change a listing's details (its kind stays what it was) and its photos: describe them
    again (`alt_texts`, by photo id), remove some, add new ones (four in all)."""
    require(actor, "exchange.change_listing", listing)
    current = {name: getattr(listing, name) for name in LISTING_FIELDS}
    current["kind"] = listing.kind
    current.update({k: v for k, v in fields.items() if k in LISTING_FIELDS and k != "kind"})
    values = _validate_listing(current)
    if listing.owner_provides and not may_provide(actor, values["category"], listing.municipality):
        raise _screening_error(values["category"])
    cells = geo.cell_columns(values.pop("cell"))
    with _photos_kept_only_if_committed() as written, transaction.atomic():
        written += _change_photos(
            listing, uploads=uploads, alt_texts=alt_texts or {}, remove_ids=remove_photo_ids
        )
        for name, value in {**values, **cells}.items():
            setattr(listing, name, value)
        listing.updated_at = timezone.now()
        listing.save()
    return listing


# --- A listing's photos ---------------------------------------------------------------------------


def _prepare_photos(uploads: Sequence[Upload], *, already: int) -> list[pictures.Prepared]:
    """Every photo checked and re-encoded (`core.pictures`), before anything is written."""
    return pictures.prepare(
        uploads,
        limit=MAX_LISTING_PHOTOS,
        already=already,
        too_many=_("A listing has at most %(count)d photos.") % {"count": MAX_LISTING_PHOTOS},
    )


def _store_photos(
    listing: Listing, prepared: list[pictures.Prepared], *, start: int
) -> list[ListingPhoto]:
    return pictures.store(lambda _photo, _at: ListingPhoto(listing=listing), prepared, start=start)


def _photo_storage():
    return ListingPhoto._meta.get_field("image").storage


@contextmanager
def _photos_kept_only_if_committed() -> Iterator[list[ListingPhoto]]:
    """The photos written inside the block (added to the yielded list) lose their files when
    the block fails: a refused write leaves no file behind."""
    written: list[ListingPhoto] = []
    try:
        yield written
    except BaseException:
        pictures.delete_files(_photo_storage(), pictures.files_of(written))
        raise


def _change_photos(
    listing: Listing,
    *,
    uploads: Sequence[Upload],
    alt_texts: dict[int, str],
    remove_ids: Sequence[int],
) -> list[ListingPhoto]:
    """Inside a transaction: lock the listing (two additions at once cannot pass four photos),
    describe, remove and add; the files of removed photos go after the commit. Returns the
    photos added."""
    Listing.objects.select_for_update().filter(pk=listing.pk).first()
    current = list(ListingPhoto.objects.filter(listing=listing))
    known = {photo.pk for photo in current}
    if (set(alt_texts) | set(remove_ids)) - known:
        raise NotFound(_("This photo does not exist."))
    described = {
        photo_id: pictures.clean_alt(text, field=f"alt_existing_{photo_id}")
        for photo_id, text in alt_texts.items()
    }
    removing = [photo for photo in current if photo.pk in set(remove_ids)]
    prepared = _prepare_photos(uploads, already=len(current) - len(removing))
    for photo in current:
        if photo not in removing and described.get(photo.pk, photo.alt_text) != photo.alt_text:
            photo.alt_text = described[photo.pk]
            photo.save(update_fields=["alt_text"])
    if removing:
        names = pictures.files_of(removing)
        ListingPhoto.objects.filter(pk__in=[photo.pk for photo in removing]).delete()
        transaction.on_commit(lambda: pictures.delete_files(_photo_storage(), names))
    start = max((photo.position for photo in current), default=-1) + 1
    return _store_photos(listing, prepared, start=start)


def listing_photos_change(
    *,
    actor,
    listing: Listing,
    uploads: Sequence[Upload] = (),
    alt_texts: dict[int, str] | None = None,
    remove_ids: Sequence[int] = (),
) -> list[ListingPhoto]:
    """Add, describe or remove the photos of one's own listing (four at most); returns the
    photos added."""
    require(actor, "exchange.change_listing", listing)
    with _photos_kept_only_if_committed() as written, transaction.atomic():
        written += _change_photos(
            listing, uploads=uploads, alt_texts=alt_texts or {}, remove_ids=remove_ids
        )
        listing.updated_at = timezone.now()
        Listing.objects.filter(pk=listing.pk).update(updated_at=listing.updated_at)
    return written


def listing_set_status(*, actor, listing: Listing, status: str) -> Listing:
    """Pause, reopen or close a listing. Closing refuses the requests still waiting."""
    require(actor, "exchange.change_listing", listing)
    if status not in ListingStatus.values:
        raise _fields_error(_("Unknown status."), {"status": _("Unknown status.")})
    with transaction.atomic():
        listing.status = status
        listing.updated_at = timezone.now()
        listing.save(update_fields=["status", "updated_at"])
        if status == ListingStatus.CLOSED:
            for exchange in Exchange.objects.filter(
                listing=listing, state=ExchangeState.REQUESTED
            ).select_for_update():
                _move(exchange, actor, "decline", ExchangeState.DECLINED, _("Listing closed."))
    return listing


# --- The steps of an exchange ---------------------------------------------------------------------


def _locked(exchange: Exchange) -> Exchange:
    fresh = (
        Exchange.objects.select_for_update(of=("self",))
        .select_related("listing__category__parent", "municipality")
        .get(pk=exchange.pk)
    )
    return fresh


def _move(
    exchange: Exchange, actor, action: str, state: str | None = None, note: str = ""
) -> Exchange:
    before = exchange.state
    now = timezone.now()
    if state is not None:
        exchange.state = state
        if state in (ExchangeState.DECLINED, ExchangeState.CANCELLED, ExchangeState.COMPLETED):
            exchange.closed_at = now
    exchange.updated_at = now
    exchange.save()
    ExchangeEvent.objects.create(
        exchange=exchange,
        actor=actor,
        action=action,
        from_state=before,
        to_state=exchange.state,
        note=note[:1000],
        at=now,
    )
    return exchange


def _refuse(exchange: Exchange, allowed: set[str]) -> None:
    if exchange.state not in allowed:
        raise Conflict(
            _("This exchange is %(state)s: this step is no longer possible.")
            % {"state": exchange.get_state_display().lower()},
            code="wrong_state",
        )


def _tell(exchange: Exchange, recipient_id: int, step: str, title: Callable[[], str]) -> None:
    """Tell the other side of `exchange` about `step`, once the transaction commits, on the
    channels they chose for the `exchanges` topic, with a link to the exchange's page."""
    titles = in_every_language(title)

    def send() -> None:
        from milieu.accounts.models import User
        from milieu.notifications.services import notify

        user = User.objects.filter(pk=recipient_id, is_active=True).first()
        if user is None:
            return
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            url = reverse(
                "exchange:exchange",
                kwargs={
                    "municipality_slug": exchange.municipality.slug,
                    "exchange_id": exchange.pk,
                },
            )
        notify(
            user=user,
            topic=TOPIC,
            key=f"exchange:{exchange.pk}:{step}",
            title=titles,
            url=url,
            municipality=exchange.municipality,
        )

    transaction.on_commit(send)


def _check_slot(listing: Listing, starts_on: date | None, due_on: date | None) -> None:
    if not listing.is_loan:
        if starts_on or due_on:
            raise _fields_error(
                _("Only a loan has dates."), {"starts_on": _("Only a loan has dates.")}
            )
        return
    errors = {}
    today = timezone.localdate()
    if starts_on is None:
        errors["starts_on"] = _("Say from when you would borrow it.")
    if due_on is None:
        errors["due_on"] = _("Say until when you would borrow it.")
    if not errors and starts_on and due_on:
        if starts_on < today:
            errors["starts_on"] = _("The loan cannot start in the past.")
        elif starts_on > today + timedelta(days=BOOKING_HORIZON_DAYS):
            errors["starts_on"] = _("The loan must start within a year.")
        if due_on < starts_on:
            errors["due_on"] = _("The return comes after the start.")
        elif (due_on - starts_on).days + 1 > (listing.loan_max_days or LONGEST_LOAN_DAYS):
            errors["due_on"] = _("%(owner)s lends it for at most %(days)s days.") % {
                "owner": listing.owner.display_name or _("The owner"),
                "days": listing.loan_max_days,
            }
    if errors:
        raise _fields_error(_("Please correct the dates."), errors)


def exchange_request(
    *,
    actor,
    listing: Listing,
    message: str = "",
    starts_on: date | None = None,
    due_on: date | None = None,
) -> Exchange:
    """Ask for a listing (for a loan, for the days from `starts_on` to `due_on`)."""
    require(actor, "exchange.request_listing", listing)
    message = _at_most("message", message, 1000)
    _check_slot(listing, starts_on, due_on)
    if not listing.owner_provides and not may_provide(
        actor, listing.category, listing.municipality
    ):
        raise _screening_error(listing.category)
    if (
        listing.is_loan
        and LoanDay.objects.filter(listing=listing, day__gte=starts_on, day__lte=due_on).exists()
    ):
        raise Conflict(_("It is already lent on some of these days."), code="slot_taken")
    points = listing.points if listing.terms == Terms.POINTS else None
    if points and listing.owner_provides:
        _require_points(actor, listing.municipality, points)
    ratelimit.hit("exchange:request", actor.pk, limits=LIMITS["request"])
    try:
        with transaction.atomic():
            exchange = Exchange.objects.create(
                listing=listing,
                municipality=listing.municipality,
                owner=listing.owner,
                requester=actor,
                message=message,
                exclusive=listing.kind in (ListingKind.GIVE, ListingKind.SWAP),
                starts_on=starts_on,
                due_on=due_on,
                points=points,
            )
            _move(exchange, actor, "request", ExchangeState.REQUESTED, message)
    except IntegrityError:
        raise Conflict(
            _("You already asked for this listing: see your exchanges."), code="already_asked"
        ) from None
    title = listing.title
    _tell(
        exchange,
        listing.owner_id,
        "request",
        lambda: _("New request for “%(title)s”") % {"title": title},
    )
    return exchange


def exchange_accept(*, actor, exchange: Exchange, meeting_place: str = "") -> Exchange:
    """The owner accepts: for a loan its days become taken (a day taken by another accepted
    loan refuses this one); a gift or a swap goes to this person only. `meeting_place` is seen
    by the two parties only."""
    require(actor, "exchange.answer_exchange", exchange)
    meeting_place = _at_most("meeting_place", meeting_place, 300)
    try:
        with transaction.atomic():
            exchange = _locked(exchange)
            _refuse(exchange, {ExchangeState.REQUESTED})
            listing = exchange.listing
            if listing.status != ListingStatus.ACTIVE:
                raise Conflict(_("Reopen the listing first."), code="listing_not_active")
            provider = exchange.owner if listing.owner_provides else exchange.requester
            if not may_provide(provider, listing.category, exchange.municipality):
                raise _screening_error(listing.category)
            if exchange.points and not listing.owner_provides:
                _require_points(actor, exchange.municipality, exchange.points)
            if listing.is_loan and exchange.starts_on and exchange.due_on:
                first = exchange.starts_on
                days = (exchange.due_on - first).days + 1
                LoanDay.objects.bulk_create(
                    [
                        LoanDay(listing=listing, exchange=exchange, day=first + timedelta(days=n))
                        for n in range(days)
                    ]
                )
            exchange.meeting_place = meeting_place
            exchange.handover_code = secrets.token_urlsafe(12)
            _move(exchange, actor, "accept", ExchangeState.ACCEPTED)
    except IntegrityError:
        raise Conflict(
            _("Another request was accepted for this object meanwhile."), code="slot_taken"
        ) from None
    title = exchange.listing.title
    _tell(
        exchange,
        exchange.requester_id,
        "accept",
        lambda: _("Your request for “%(title)s” was accepted") % {"title": title},
    )
    return exchange


def exchange_decline(*, actor, exchange: Exchange, note: str = "") -> Exchange:
    require(actor, "exchange.answer_exchange", exchange)
    with transaction.atomic():
        exchange = _locked(exchange)
        _refuse(exchange, {ExchangeState.REQUESTED})
        _move(exchange, actor, "decline", ExchangeState.DECLINED, (note or "").strip())
    title = exchange.listing.title
    _tell(
        exchange,
        exchange.requester_id,
        "decline",
        lambda: _("Your request for “%(title)s” was declined") % {"title": title},
    )
    return exchange


def exchange_cancel(*, actor, exchange: Exchange, note: str = "") -> Exchange:
    """Either side, before the handover: a loan's days are freed."""
    require(actor, "exchange.act_on_exchange", exchange)
    with transaction.atomic():
        exchange = _locked(exchange)
        _refuse(exchange, {ExchangeState.REQUESTED, ExchangeState.ACCEPTED})
        LoanDay.objects.filter(exchange=exchange).delete()
        _move(exchange, actor, "cancel", ExchangeState.CANCELLED, (note or "").strip())
    title = exchange.listing.title
    _tell(
        exchange,
        exchange.other_party_id(actor.pk),
        "cancel",
        lambda: _("The exchange of “%(title)s” was cancelled") % {"title": title},
    )
    return exchange


def exchange_confirm_handover(*, actor, exchange: Exchange, code: str = "") -> Exchange:
    """One side says the object changed hands (or the service took place). Both must say it;
    `code`, read by the provider from the QR code the receiving side shows
    (`Exchange.receiver_id`), says it for both; its holder cannot send it, for a code either side
    could send alone would prove nothing. A loan then runs until its return; anything else is
    completed (a gift's listing closes)."""
    require(actor, "exchange.act_on_exchange", exchange)
    with transaction.atomic():
        exchange = _locked(exchange)
        _refuse(exchange, {ExchangeState.ACCEPTED})
        now = timezone.now()
        if code and actor.pk == exchange.receiver_id:
            raise ApplicationError(
                _("This code is for the other side to scan; confirm your own side without it."),
                code="own_code",
            )
        if code:
            if not secrets.compare_digest(code, exchange.handover_code):
                raise ApplicationError(
                    _("This code is not the one of this exchange."), code="wrong_code"
                )
            exchange.owner_handed_over_at = exchange.owner_handed_over_at or now
            exchange.requester_handed_over_at = exchange.requester_handed_over_at or now
        elif actor.pk == exchange.owner_id:
            exchange.owner_handed_over_at = exchange.owner_handed_over_at or now
        else:
            exchange.requester_handed_over_at = exchange.requester_handed_over_at or now
        both = exchange.owner_handed_over_at and exchange.requester_handed_over_at
        if both and exchange.points:
            _pay_points(exchange)
        if not both:
            _move(exchange, actor, "confirm_handover")
        elif exchange.listing.is_loan:
            _move(exchange, actor, "confirm_handover", ExchangeState.HANDED_OVER)
        else:
            _move(exchange, actor, "confirm_handover", ExchangeState.COMPLETED)
            _award_completion(exchange)
            if exchange.listing.kind in (ListingKind.GIVE, ListingKind.SWAP):
                _close_taken(exchange, actor)
    if exchange.state != ExchangeState.ACCEPTED:
        title = exchange.listing.title
        _tell(
            exchange,
            exchange.other_party_id(actor.pk),
            "handover",
            lambda: _("Handover of “%(title)s” confirmed by both of you") % {"title": title},
        )
    return exchange


# --- Reward points --------------------------------------------------------------------------------


def _require_points(payer, municipality, points: int) -> None:
    """Refuse early, to the one who would pay, when their wallet has fewer points than asked."""
    program = rewards.program_for(municipality)
    balance = rewards.points_balance(program=program, user=payer)
    if balance < points:
        raise InsufficientPoints(
            _("This asks for %(points)s points and you have %(balance)s.")
            % {"points": points, "balance": balance}
        )


def _pay_points(exchange: Exchange) -> None:
    """The points agreed go from the receiving side's wallet to the provider's, once, when both
    confirm the handover; without them the handover is not confirmed."""
    receiver = exchange.requester if exchange.listing.owner_provides else exchange.owner
    provider = exchange.owner if exchange.listing.owner_provides else exchange.requester
    try:
        rewards.points_transfer(
            program=rewards.program_for(exchange.municipality),
            payer=receiver,
            payee=provider,
            points=exchange.points or 0,
            key=f"exchange:{exchange.pk}:points",
            memo=f"exchange={exchange.pk}",
        )
    except InsufficientPoints:
        raise InsufficientPoints(
            _(
                "The %(points)s points agreed are no longer in the receiving side's wallet: "
                "the handover cannot be confirmed until they are."
            )
            % {"points": exchange.points}
        ) from None


def _award_completion(exchange: Exchange) -> None:
    """The provider earns the points of the program's "completed exchange" rule, once per
    exchange; a program without the rule, or a cap reached, earns nothing and stops nothing."""
    provider = exchange.owner if exchange.listing.owner_provides else exchange.requester
    with suppress(ApplicationError):
        rewards.points_award(
            program=rewards.program_for(exchange.municipality),
            user=provider,
            action=EarningRule.Action.EXCHANGE_COMPLETED,
            key=f"exchange:{exchange.pk}:completed",
        )


def _close_taken(exchange: Exchange, actor) -> None:
    listing = exchange.listing
    listing.status = ListingStatus.CLOSED
    listing.updated_at = timezone.now()
    listing.save(update_fields=["status", "updated_at"])
    for other in Exchange.objects.filter(
        listing=listing, state=ExchangeState.REQUESTED
    ).select_for_update():
        _move(other, actor, "decline", ExchangeState.DECLINED, _("Given to someone else."))


def exchange_confirm_return(*, actor, exchange: Exchange) -> Exchange:
    """One side of a loan says the object came back; when both have, the loan is completed
    and the days after today are free again."""
    require(actor, "exchange.act_on_exchange", exchange)
    with transaction.atomic():
        exchange = _locked(exchange)
        _refuse(exchange, {ExchangeState.HANDED_OVER})
        now = timezone.now()
        if actor.pk == exchange.owner_id:
            exchange.owner_returned_at = exchange.owner_returned_at or now
        else:
            exchange.requester_returned_at = exchange.requester_returned_at or now
        both = exchange.owner_returned_at and exchange.requester_returned_at
        if both:
            LoanDay.objects.filter(exchange=exchange, day__gt=timezone.localdate()).delete()
            _move(exchange, actor, "confirm_return", ExchangeState.COMPLETED)
            _award_completion(exchange)
        else:
            _move(exchange, actor, "confirm_return")
    title = exchange.listing.title
    if exchange.state == ExchangeState.COMPLETED:
        _tell(
            exchange,
            exchange.other_party_id(actor.pk),
            "returned",
            lambda: (
                _("The loan of “%(title)s” is completed: you can leave a review") % {"title": title}
            ),
        )
    else:
        _tell(
            exchange,
            exchange.other_party_id(actor.pk),
            f"return-by-{actor.pk}",
            lambda: (
                _("“%(title)s” is back, says the other side: confirm it too") % {"title": title}
            ),
        )
    return exchange


def exchange_flag_late(*, actor, exchange: Exchange, note: str = "") -> Exchange:
    """The owner says a loan was not returned on time (after its last day)."""
    require(actor, "exchange.answer_exchange", exchange)
    with transaction.atomic():
        exchange = _locked(exchange)
        _refuse(exchange, {ExchangeState.HANDED_OVER})
        if exchange.due_on is None or exchange.due_on >= timezone.localdate():
            raise Conflict(_("The loan is not late yet."), code="not_late")
        exchange.late_flagged_at = timezone.now()
        _move(exchange, actor, "flag_late", note=(note or "").strip())
    title = exchange.listing.title
    _tell(
        exchange,
        exchange.requester_id,
        f"late-{timezone.localdate().isoformat()}",
        lambda: _("“%(title)s” was due back: please return it") % {"title": title},
    )
    return exchange


def loan_reminders_send(*, today: date | None = None) -> int:
    """Remind each borrower whose loan is due back tomorrow (handed over, not yet returned),
    once per loan and day (`Exchange.reminded_on`): running it twice a day sends nothing twice.
    Returns how many were reminded."""
    today = today or timezone.localdate()
    due = Exchange.objects.filter(
        state=ExchangeState.HANDED_OVER,
        due_on=today + timedelta(days=1),
    ).exclude(reminded_on=today)
    reminded = 0
    for exchange in due.select_related("listing", "municipality"):
        with transaction.atomic():
            claimed = Exchange.objects.filter(pk=exchange.pk, state=ExchangeState.HANDED_OVER)
            if not claimed.exclude(reminded_on=today).update(reminded_on=today):
                continue  # another run reminded it meanwhile

            def reminder(title: str = exchange.listing.title) -> str:
                return _("“%(title)s” is due back tomorrow") % {"title": title}

            _tell(
                exchange,
                exchange.requester_id,
                f"due-{exchange.due_on.isoformat() if exchange.due_on else ''}",
                reminder,
            )
        reminded += 1
    return reminded


# --- Reviews --------------------------------------------------------------------------------------


def review_create(*, actor, exchange: Exchange, rating: int, text: str = "") -> Review:
    """One review per side of a completed exchange, about the other side."""
    require(actor, "exchange.act_on_exchange", exchange)
    errors = {}
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = _("Give a rating from 1 to 5.")
    text = (text or "").strip()
    if len(text) > 1000:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": 1000}
    if errors:
        raise _fields_error(_("Please correct the fields shown."), errors)
    if exchange.state != ExchangeState.COMPLETED:
        raise Conflict(_("You can review once the exchange is completed."), code="not_completed")
    subject_id = exchange.other_party_id(actor.pk)
    if subject_id in blocked_either_way(actor):
        raise Conflict(_("You cannot review this person."), code="blocked")
    try:
        with transaction.atomic():
            return Review.objects.create(
                exchange=exchange, author=actor, subject_id=subject_id, rating=rating, text=text
            )
    except IntegrityError:
        raise Conflict(_("You already reviewed this exchange."), code="already_reviewed") from None


# --- Problems reported to the municipality's staff --------------------------------------------

PROBLEM_ACTIONS = frozenset({"report_problem", "resolve_problem"})


def _problem_event(exchange: Exchange, actor, action: str, note: str = "") -> None:
    """The audit row of a problem's step: the exchange's state and its `updated_at` stay as they
    were (the other side's list of exchanges must not move because of a report)."""
    ExchangeEvent.objects.create(
        exchange=exchange,
        actor=actor,
        action=action,
        from_state=exchange.state,
        to_state=exchange.state,
        note=note,
    )


def exchange_report_problem(
    *, actor, exchange: Exchange, reason: str, details: str = ""
) -> ExchangeProblem:
    """Either side reports a problem with `exchange` to its municipality's staff (a no-show, an
    object not returned or damaged, unsafe behaviour…), once the owner accepted it
    (`Exchange.was_accepted`): accepted, handed over, completed, or cancelled after the
    acceptance — a no-show often ends in a cancellation, a damage shows after completion. Before
    an acceptance (requested, or declined or cancelled while requested) nobody met nor promised
    anything: 409 `wrong_state`. One open problem per reporter and exchange (a database
    constraint): 409 `already_reported` until the staff close the first. The other side is not
    told, and the parties' timeline leaves the problem's audit rows out: the staff decide."""
    require(actor, "exchange.report_problem", exchange)
    errors: dict[str, str] = {}
    if reason not in ProblemReason.values:
        errors["reason"] = _("Say what happened.")
    details = (details or "").strip()
    if len(details) > 1000:
        errors["details"] = _("At most %(limit)s characters.") % {"limit": 1000}
    if errors:
        raise _fields_error(_("Please correct the fields shown."), errors)
    try:
        with transaction.atomic():
            exchange = _locked(exchange)
            if not exchange.was_accepted:
                raise Conflict(
                    _("You can report a problem once the request is accepted."),
                    code="wrong_state",
                )
            problem = ExchangeProblem.objects.create(
                exchange=exchange,
                municipality=exchange.municipality,
                reporter=actor,
                reason=reason,
                details=details,
            )
            _problem_event(exchange, actor, "report_problem", f"#{problem.pk} {reason}")
    except IntegrityError:
        raise Conflict(
            _("You already reported a problem with this exchange; the municipality is on it."),
            code="already_reported",
        ) from None
    return problem


def exchange_problem_resolve(
    *, actor, problem: ExchangeProblem, status: str, note: str = ""
) -> ExchangeProblem:
    """The municipality's staff (with MFA) close an open problem as `resolved` or `dismissed`,
    with a note that the reporter reads on the exchange's page; the reporter is told."""
    require(actor, "exchange.moderate_exchanges", problem.municipality)
    errors: dict[str, str] = {}
    if status not in (ProblemStatus.RESOLVED, ProblemStatus.DISMISSED):
        errors["status"] = _("Choose resolved or dismissed.")
    note = (note or "").strip()
    if len(note) > 1000:
        errors["note"] = _("At most %(limit)s characters.") % {"limit": 1000}
    if errors:
        raise _fields_error(_("Please correct the fields shown."), errors)
    with transaction.atomic():
        problem = (
            ExchangeProblem.objects.select_for_update(of=("self",))
            .select_related("exchange__listing", "exchange__municipality")
            .get(pk=problem.pk)
        )
        if problem.status != ProblemStatus.OPEN:
            raise Conflict(_("This problem is already closed."), code="already_closed")
        problem.status = status
        problem.staff_note = note
        problem.resolved_at = timezone.now()
        problem.resolved_by = actor
        problem.save(update_fields=["status", "staff_note", "resolved_at", "resolved_by"])
        _problem_event(problem.exchange, actor, "resolve_problem", f"#{problem.pk} {status}")
    if problem.reporter_id is not None:
        title = problem.exchange.listing.title
        _tell(
            problem.exchange,
            problem.reporter_id,
            f"problem-{problem.pk}",
            lambda: _("The municipality answered your report about “%(title)s”") % {"title": title},
        )
    return problem
