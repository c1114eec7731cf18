"""The sharing API: the category tree, a municipality's listings, my exchanges and their steps,
reviews, the problems either side reports to the municipality's staff and the staff's queue —
with the selectors, services, permissions and errors the pages use.

Places. A listing is on an H3 cell (`core.geo`), and no answer here carries a cell or a
coordinate: a reader sees a distance in whole kilometres, from the centre of their district or
from a position passed for one request (`near_lat`, `near_lng`), which is turned into a cell at
once and neither stored nor sent back. A listing is placed by a district of its municipality (its
centre), or by a position its owner shares once (`lat`, `lng`), turned into a cell and forgotten.

Who sees what. Listings: the members of their municipality (a listing names a neighbour), less
people who blocked each other; anything else is *not found*. An exchange: its two parties only,
with its meeting place, its timeline and the other side's reputation. A listing shows its
owner's reputation to those who may see the listing; there is no lookup of a person's reputation
by id.

The handover code is shown, while the exchange is accepted, only to the side that receives the
object or the service (`Exchange.receiver_id`: the requester, or the owner of a service
requested): it is what their phone shows as a QR code, and the other side, who scans it,
confirms the handover for both. A code known to both would let either side alone say that both
did (a lender could then flag as late a loan never handed over); its holder cannot use it.

Problems. Either side of an exchange reports one once it was accepted; the other side is not
told (the parties' timeline leaves out the problems' audit rows). The municipality's staff with
MFA list them (`status`, default `open`) and resolve or dismiss them with a note the reporter
reads; resolving reads the problem, which is logged as `personal_data_access`.

Lists are paged by an opaque `cursor`, newest first.
"""

import base64
import binascii
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from milieu.accounts.models import TrustLevel
from milieu.core import geo, pictures
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest
from milieu.core.pictures import Upload
from milieu.core.schemas import ErrorOut, PictureOut
from milieu.territory import selectors as territory_selectors

from . import selectors, services
from .models import (
    Category,
    Exchange,
    ExchangeProblem,
    ExchangeState,
    Listing,
    ListingPhoto,
    Review,
)
from .permissions import MODULE, required_trust
from .schemas import (
    PROBLEM_STATUS_PATTERN,
    STATE_PATTERN,
    CategoryOut,
    ExchangeAcceptIn,
    ExchangeDetailOut,
    ExchangeNoteIn,
    ExchangePageOut,
    ExchangeRequestIn,
    HandoverIn,
    ListingDetailOut,
    ListingIn,
    ListingPageOut,
    ListingPatch,
    ListingsQuery,
    ListingStatusIn,
    NearQuery,
    PhotoPatch,
    ProblemIn,
    ProblemOut,
    ProblemPageOut,
    ProblemResolveIn,
    ReviewIn,
    ReviewOut,
)

router = Router(tags=["exchange"], auth=django_auth)
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
MUNICIPAL = "/municipalities/{slug}/exchange"
PERSONAL = "/exchange"
TAKEN_DAYS_AHEAD = 90


# --- Edge validation ------------------------------------------------------------------------------


def _invalid(fields: dict[str, str]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."),
        code="validation",
        extra={"fields": {name: [message] for name, message in fields.items()}},
    )


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def _category(slug: str) -> Category:
    """The category of a slug (with its parent, for its requirement), or a field error."""
    found = next((c for c in selectors.category_list() if c.slug == slug), None)
    if found is None:
        raise _invalid({"category": _("Unknown category.")})
    return found


def _pair(lat: float | None, lng: float | None, names: tuple[str, str]) -> str | None:
    """The cell of a position given as two fields (then forgotten), none without one."""
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        missing = names[0] if lat is None else names[1]
        raise _invalid({missing: _("Give both the latitude and the longitude.")})
    try:
        return geo.cell_at(lat, lng)
    except ValueError:
        raise _invalid({names[0]: _("This position does not exist.")}) from None


def _origin(request: AuthenticatedRequest, municipality, lat, lng) -> str:
    """Where distances are measured from: a position given for this request, else the reader's
    district's centre (else the municipality's)."""
    return _pair(lat, lng, ("near_lat", "near_lng")) or selectors.home_cell(
        request.user, municipality
    )


def _place(municipality, district: str | None, lat, lng) -> str | None:
    """The cell of a listing placed by a district of `municipality` or a shared position."""
    if district and (lat is not None or lng is not None):
        raise _invalid({"district": _("Give a district or a position, not both.")})
    if not district:
        return _pair(lat, lng, ("lat", "lng"))
    try:
        found = territory_selectors.district_list(municipality=municipality).filter(slug=district)
        place = found.first()
    except NotFound:
        place = None
    if place is None:
        raise _invalid({"district": _("Unknown district.")})
    if place.latitude is not None and place.longitude is not None:
        return geo.cell_at(place.latitude, place.longitude)
    return geo.cell_at(municipality.latitude, municipality.longitude)


def _language(value: str | None) -> str:
    return (value or get_language() or "fr").split("-")[0]


# --- Cursors --------------------------------------------------------------------------------------


def _encode(moment: datetime, pk: int) -> str:
    raw = f"{moment.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.rsplit("|", 1)
        at = datetime.fromisoformat(moment)
        return (at if at.tzinfo else at.replace(tzinfo=UTC)), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApplicationError(
            _("This page does not exist; start from the first page."),
            code="validation",
            extra={"fields": {"cursor": [_("Invalid cursor.")]}},
        ) from None


def _page(
    queryset: QuerySet, field: str, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `queryset` (ordered by `-field`, `-pk`) after `cursor`, by keyset: one query
    whatever the page, one row more than the page to know whether another follows."""
    if cursor:
        moment, pk = _decode(cursor)
        queryset = queryset.filter(
            Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
        )
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    more = len(rows) > limit
    return items, _encode(getattr(items[-1], field), items[-1].pk) if more else None


# --- Shapes ---------------------------------------------------------------------------------------


def _person(user) -> dict:
    return {"display_name": user.display_name if user is not None else ""}


def _category_ref(category: Category) -> dict:
    return {"slug": category.slug, "name": category.name}


def _screening(category: Category) -> bool:
    return required_trust(category) >= TrustLevel.SCREENED


def _listing(request: AuthenticatedRequest, listing: Listing, origin: str) -> dict:
    return {
        "id": listing.pk,
        "municipality": listing.municipality.slug,
        "kind": listing.kind,
        "category": _category_ref(listing.category),
        "title": listing.title,
        "description": listing.description,
        "language": listing.language,
        "condition": listing.condition,
        "terms": listing.terms,
        "terms_text": listing.terms_text,
        "points": listing.points,
        "loan_max_days": listing.loan_max_days,
        "status": listing.status,
        "created_at": listing.created_at,
        "owner": _person(listing.owner),
        "is_mine": listing.owner_id == request.user.pk,
        "distance_km": geo.rounded_km(origin, listing.cell),
        "requires_screening": _screening(listing.category),
        "photos": [_photo(request, listing, photo) for photo in listing.photos.all()],
    }


def _photo(request: AuthenticatedRequest, listing: Listing, photo: ListingPhoto) -> dict:
    url = reverse(
        "exchange:listing_photo",
        kwargs={
            "municipality_slug": listing.municipality.slug,
            "listing_id": listing.pk,
            "photo_id": photo.pk,
        },
    )
    return pictures.as_dict(photo, request.build_absolute_uri(url))


def _listing_detail(request: AuthenticatedRequest, listing: Listing, origin: str) -> dict:
    reputation = selectors.reputation(user=listing.owner)
    today = timezone.localdate()
    taken = (
        selectors.taken_days(
            listing=listing, start=today, end=today + timedelta(days=TAKEN_DAYS_AHEAD - 1)
        )
        if listing.is_loan
        else []
    )
    return {
        **_listing(request, listing, origin),
        "owner_reputation": asdict(reputation),
        "taken_days": taken,
    }


def _role(exchange: Exchange, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return "owner" if user_id == exchange.owner_id else "requester"


def _exchange(request: AuthenticatedRequest, exchange: Exchange) -> dict:
    listing = exchange.listing
    return {
        "id": exchange.pk,
        "state": exchange.state,
        "listing": {
            "id": listing.pk,
            "municipality": exchange.municipality.slug,
            "kind": listing.kind,
            "title": listing.title,
            "category": _category_ref(listing.category),
        },
        "my_role": _role(exchange, request.user.pk),
        "owner": _person(exchange.owner),
        "requester": _person(exchange.requester),
        "message": exchange.message,
        "starts_on": exchange.starts_on,
        "due_on": exchange.due_on,
        "points": exchange.points,
        "created_at": exchange.created_at,
        "updated_at": exchange.updated_at,
        "closed_at": exchange.closed_at,
    }


def _review(exchange: Exchange, review: Review | None) -> dict | None:
    if review is None:
        return None
    return {
        "by": _role(exchange, review.author_id) or "",
        "rating": review.rating,
        "text": review.text,
        "created_at": review.created_at,
    }


def _exchange_detail(request: AuthenticatedRequest, exchange: Exchange) -> dict:
    me = request.user.pk
    reviews = list(exchange.reviews.all())
    mine = next((r for r in reviews if r.author_id == me), None)
    theirs = next((r for r in reviews if r.author_id != me), None)
    other = exchange.requester if me == exchange.owner_id else exchange.owner
    code_shown = me == exchange.receiver_id and exchange.state == ExchangeState.ACCEPTED
    return {
        **_exchange(request, exchange),
        "meeting_place": exchange.meeting_place,
        "handover_code": exchange.handover_code if code_shown else None,
        "owner_handed_over_at": exchange.owner_handed_over_at,
        "requester_handed_over_at": exchange.requester_handed_over_at,
        "owner_returned_at": exchange.owner_returned_at,
        "requester_returned_at": exchange.requester_returned_at,
        "late_flagged_at": exchange.late_flagged_at,
        "events": [
            {
                "action": event.action,
                "by": _role(exchange, event.actor_id),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "note": event.note,
                "at": event.at,
            }
            for event in exchange.events.exclude(action__in=services.PROBLEM_ACTIONS)
        ],
        "my_problems": [
            {
                "id": problem.pk,
                "reason": problem.reason,
                "details": problem.details,
                "status": problem.status,
                "created_at": problem.created_at,
                "resolved_at": problem.resolved_at,
                "staff_note": problem.staff_note,
            }
            for problem in selectors.my_problem_list(visible_to=request.user, exchange=exchange)
        ],
        "other_reputation": asdict(selectors.reputation(user=other)),
        "my_review": _review(exchange, mine),
        "their_review": _review(exchange, theirs) if mine is not None else None,
    }


def _listing_by_id(request: AuthenticatedRequest, municipality, listing_id: int) -> Listing:
    return selectors.listing_get(
        visible_to=request.user, municipality=municipality, listing_id=listing_id
    )


def _exchange_by_id(request: AuthenticatedRequest, exchange_id: int) -> Exchange:
    return selectors.exchange_get(visible_to=request.user, exchange_id=exchange_id)


# --- Categories -----------------------------------------------------------------------------------


@router.get(f"{PERSONAL}/categories", response={200: list[CategoryOut]}, auth=None)
def category_list(request):
    """The category tree, parents before their children, named in the request's language
    (open to everyone: it names no one)."""
    return [
        {
            "slug": category.slug,
            "name": category.name,
            "parent": category.parent.slug if category.parent is not None else None,
            "for_objects": category.for_objects,
            "for_services": category.for_services,
            "requires_screening": _screening(category),
        }
        for category in selectors.category_list()
    ]


# --- Listings -------------------------------------------------------------------------------------


@router.get(f"{MUNICIPAL}/listings", response={200: ListingPageOut, **ERRORS})
def listing_list(request: AuthenticatedRequest, slug: str, query: Query[ListingsQuery]):
    """The municipality's active listings that I may see, newest first (its members). Filters:
    `kind`, `category`, words (`q`), `within_km` of me, free from `available_from` to
    `available_until`. Distances are from my district, or from `near_lat`/`near_lng`."""
    municipality = _municipality(slug)
    start, end = query.available_from, query.available_until
    if (start is None) != (end is None):
        missing = "available_until" if end is None else "available_from"
        raise _invalid({missing: _("Give both days of the period.")})
    if start is not None and end is not None and end < start:
        raise _invalid({"available_until": _("The end comes after the start.")})
    filters = selectors.ListingFilters(
        kind=query.kind or "",
        category=_category(query.category) if query.category else None,
        text=(query.q or "").strip(),
        within_km=query.within_km,
        origin=_origin(request, municipality, query.near_lat, query.near_lng),
        available_from=query.available_from,
        available_until=query.available_until,
    )
    listings = selectors.listing_list(
        visible_to=request.user, municipality=municipality, filters=filters
    )
    items, next_cursor = _page(listings, "created_at", query.cursor, query.limit)
    prefetch_related_objects(items, "photos")
    for listing in items:
        listing.municipality = municipality
    return {
        "items": [_listing(request, listing, filters.origin) for listing in items],
        "next_cursor": next_cursor,
    }


@router.post(f"{MUNICIPAL}/listings", response={201: ListingDetailOut, **ERRORS})
def listing_create(request: AuthenticatedRequest, slug: str, payload: ListingIn):
    """List an object to lend, give or swap, or a service offered or requested (the
    municipality's members). 403 `screening_required`: offering care of children or vulnerable
    people needs a background check recorded by the municipality. 429 `rate_limited`."""
    municipality = _municipality(slug)
    cell = _place(municipality, payload.district, payload.lat, payload.lng)
    home = selectors.home_cell(request.user, municipality)
    listing = services.listing_create(
        actor=request.user,
        municipality=municipality,
        kind=payload.kind,
        category=_category(payload.category),
        title=payload.title,
        description=payload.description,
        language=_language(payload.language),
        condition=payload.condition,
        terms=payload.terms,
        terms_text=payload.terms_text,
        points=payload.points,
        loan_max_days=payload.loan_max_days,
        cell=cell or home,
    )
    shown = _listing_by_id(request, municipality, listing.pk)
    return Status(201, _listing_detail(request, shown, home))


@router.get(f"{MUNICIPAL}/listings/{{listing_id}}", response={200: ListingDetailOut, **ERRORS})
def listing_get(request: AuthenticatedRequest, slug: str, listing_id: int, near: Query[NearQuery]):
    """A listing, with its owner's reputation and, for a loan, the days it is already
    promised. Mine also when paused or closed."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    origin = _origin(request, municipality, near.near_lat, near.near_lng)
    return _listing_detail(request, listing, origin)


@router.patch(f"{MUNICIPAL}/listings/{{listing_id}}", response={200: ListingDetailOut, **ERRORS})
def listing_update(
    request: AuthenticatedRequest, slug: str, listing_id: int, payload: ListingPatch
):
    """Change my listing; only the fields given change (its kind stays what it was)."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    given = payload.dict(exclude_unset=True)
    place = {name: given.pop(name, None) for name in ("district", "lat", "lng")}
    fields = {name: value for name, value in given.items() if value is not None}
    if "category" in fields:
        fields["category"] = _category(fields["category"])
    if "language" in fields:
        fields["language"] = _language(fields["language"])
    cell = _place(municipality, place["district"], place["lat"], place["lng"])
    if cell is not None:
        fields["cell"] = cell
    services.listing_update(actor=request.user, listing=listing, **fields)
    shown = _listing_by_id(request, municipality, listing_id)
    return _listing_detail(request, shown, selectors.home_cell(request.user, municipality))


@router.post(f"{MUNICIPAL}/listings/{{listing_id}}/photos", response={201: PictureOut, **ERRORS})
def listing_photo_add(
    request: AuthenticatedRequest,
    slug: str,
    listing_id: int,
    file: File[UploadedFile],
    alt_text: Form[str] = "",
):
    """Add a photo to my listing (multipart: `file`, a JPEG, PNG, WebP or GIF of at most
    10 MB, and `alt_text`, what it shows). Four photos at most; the photo is re-encoded and
    loses its EXIF and GPS data, so it cannot tell where it was taken."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    upload = Upload(file=file, alt_text=alt_text, field="file", alt_field="alt_text")
    (photo,) = services.listing_photos_change(actor=request.user, listing=listing, uploads=[upload])
    return Status(201, _photo(request, listing, photo))


@router.patch(
    f"{MUNICIPAL}/listings/{{listing_id}}/photos/{{photo_id}}",
    response={200: PictureOut, **ERRORS},
)
def listing_photo_describe(
    request: AuthenticatedRequest, slug: str, listing_id: int, photo_id: int, payload: PhotoPatch
):
    """Describe a photo of my listing again."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    services.listing_photos_change(
        actor=request.user, listing=listing, alt_texts={photo_id: payload.alt_text}
    )
    photo = next(p for p in selectors.listing_photos(listing) if p.pk == photo_id)
    return _photo(request, listing, photo)


@router.delete(
    f"{MUNICIPAL}/listings/{{listing_id}}/photos/{{photo_id}}", response={204: None, **ERRORS}
)
def listing_photo_remove(request: AuthenticatedRequest, slug: str, listing_id: int, photo_id: int):
    """Remove a photo of my listing."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    services.listing_photos_change(actor=request.user, listing=listing, remove_ids=[photo_id])
    return Status(204, None)


@router.post(
    f"{MUNICIPAL}/listings/{{listing_id}}/status", response={200: ListingDetailOut, **ERRORS}
)
def listing_set_status(
    request: AuthenticatedRequest, slug: str, listing_id: int, payload: ListingStatusIn
):
    """Pause, reopen or close my listing; closing it declines the requests still waiting."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    services.listing_set_status(actor=request.user, listing=listing, status=payload.status)
    shown = _listing_by_id(request, municipality, listing_id)
    return _listing_detail(request, shown, selectors.home_cell(request.user, municipality))


@router.post(
    f"{MUNICIPAL}/listings/{{listing_id}}/requests", response={201: ExchangeDetailOut, **ERRORS}
)
def exchange_request(
    request: AuthenticatedRequest, slug: str, listing_id: int, payload: ExchangeRequestIn
):
    """Ask for a listing: for a loan, from `starts_on` to `due_on`. 403 `screening_required`
    (answering a request for care needs a background check); 409 `slot_taken` (already lent on
    some of these days), `already_asked`; 429 `rate_limited`."""
    municipality = _municipality(slug)
    listing = _listing_by_id(request, municipality, listing_id)
    exchange = services.exchange_request(
        actor=request.user,
        listing=listing,
        message=payload.message,
        starts_on=payload.starts_on,
        due_on=payload.due_on,
    )
    return Status(201, _exchange_detail(request, _exchange_by_id(request, exchange.pk)))


# --- My exchanges ---------------------------------------------------------------------------------


@router.get(f"{PERSONAL}/exchanges", response={200: ExchangePageOut, **ERRORS})
def exchange_list(
    request: AuthenticatedRequest,
    state: str | None = Query(None, pattern=STATE_PATTERN),
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """The exchanges I take part in, as owner or requester, latest change first."""
    exchanges = selectors.exchange_list(visible_to=request.user, state=state or "")
    items, next_cursor = _page(exchanges, "updated_at", cursor, limit)
    return {"items": [_exchange(request, e) for e in items], "next_cursor": next_cursor}


@router.get(f"{PERSONAL}/exchanges/{{exchange_id}}", response={200: ExchangeDetailOut, **ERRORS})
def exchange_get(request: AuthenticatedRequest, exchange_id: int):
    """One of my exchanges, with its timeline (its two parties only)."""
    return _exchange_detail(request, _exchange_by_id(request, exchange_id))


def _step(request: AuthenticatedRequest, exchange_id: int, service, **values) -> dict:
    service(actor=request.user, exchange=_exchange_by_id(request, exchange_id), **values)
    return _exchange_detail(request, _exchange_by_id(request, exchange_id))


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/accept", response={200: ExchangeDetailOut, **ERRORS}
)
def exchange_accept(
    request: AuthenticatedRequest, exchange_id: int, payload: ExchangeAcceptIn | None = None
):
    """The owner accepts a request: a loan's days become taken, a gift or a swap goes to this
    person only. 409 `wrong_state`, `slot_taken`, `listing_not_active`; 403
    `screening_required` if the provider's background check lapsed."""
    return _step(
        request,
        exchange_id,
        services.exchange_accept,
        meeting_place=payload.meeting_place if payload else "",
    )


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/decline", response={200: ExchangeDetailOut, **ERRORS}
)
def exchange_decline(
    request: AuthenticatedRequest, exchange_id: int, payload: ExchangeNoteIn | None = None
):
    """The owner declines a request. 409 `wrong_state`."""
    return _step(
        request, exchange_id, services.exchange_decline, note=payload.note if payload else ""
    )


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/cancel", response={200: ExchangeDetailOut, **ERRORS}
)
def exchange_cancel(
    request: AuthenticatedRequest, exchange_id: int, payload: ExchangeNoteIn | None = None
):
    """Either side, before the handover; a loan's days are freed. 409 `wrong_state`."""
    return _step(
        request, exchange_id, services.exchange_cancel, note=payload.note if payload else ""
    )


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/handover", response={200: ExchangeDetailOut, **ERRORS}
)
def exchange_handover(
    request: AuthenticatedRequest, exchange_id: int, payload: HandoverIn | None = None
):
    """I say the object changed hands (or the service took place); once both sides have, a loan
    runs until its return and anything else is completed. The requester may send the owner's
    `code` to confirm it for both. 400 `wrong_code`, `own_code`; 409 `wrong_state`."""
    return _step(
        request,
        exchange_id,
        services.exchange_confirm_handover,
        code=payload.code if payload else "",
    )


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/return", response={200: ExchangeDetailOut, **ERRORS}
)
def exchange_return(request: AuthenticatedRequest, exchange_id: int):
    """I say a loan came back; once both sides have, it is completed. 409 `wrong_state`."""
    return _step(request, exchange_id, services.exchange_confirm_return)


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/late", response={200: ExchangeDetailOut, **ERRORS}
)
def exchange_late(
    request: AuthenticatedRequest, exchange_id: int, payload: ExchangeNoteIn | None = None
):
    """The owner says a loan was not returned after its last day. 409 `wrong_state`,
    `not_late`."""
    return _step(
        request, exchange_id, services.exchange_flag_late, note=payload.note if payload else ""
    )


@router.post(f"{PERSONAL}/exchanges/{{exchange_id}}/review", response={201: ReviewOut, **ERRORS})
def review_create(request: AuthenticatedRequest, exchange_id: int, payload: ReviewIn):
    """Review the other side of a completed exchange, once. 409 `not_completed`,
    `already_reviewed`, `blocked`."""
    exchange = _exchange_by_id(request, exchange_id)
    review = services.review_create(
        actor=request.user, exchange=exchange, rating=payload.rating, text=payload.text
    )
    return Status(201, _review(exchange, review))


# --- Problems reported to the municipality's staff ------------------------------------------------


def _problem(problem: ExchangeProblem) -> dict:
    exchange = problem.exchange
    listing = exchange.listing
    return {
        "id": problem.pk,
        "exchange_id": exchange.pk,
        "exchange_state": exchange.state,
        "listing": {"id": listing.pk, "kind": listing.kind, "title": listing.title},
        "owner": _person(exchange.owner),
        "requester": _person(exchange.requester),
        "reported_by": _role(exchange, problem.reporter_id),
        "reason": problem.reason,
        "details": problem.details,
        "status": problem.status,
        "created_at": problem.created_at,
        "resolved_at": problem.resolved_at,
        "staff_note": problem.staff_note,
    }


@router.post(
    f"{PERSONAL}/exchanges/{{exchange_id}}/problems", response={201: ExchangeDetailOut, **ERRORS}
)
def exchange_report_problem(request: AuthenticatedRequest, exchange_id: int, payload: ProblemIn):
    """Either side reports a problem to the municipality's staff, once the exchange was
    accepted; the other side is not told. 409 `wrong_state`, `already_reported` (one open
    report per person and exchange)."""
    services.exchange_report_problem(
        actor=request.user,
        exchange=_exchange_by_id(request, exchange_id),
        reason=payload.reason,
        details=payload.details,
    )
    return Status(201, _exchange_detail(request, _exchange_by_id(request, exchange_id)))


@router.get(f"{MUNICIPAL}/problems", response={200: ProblemPageOut, **ERRORS})
def problem_list(
    request: AuthenticatedRequest,
    slug: str,
    status: str = Query("open", pattern=PROBLEM_STATUS_PATTERN),
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """The problems reported in the municipality, newest first (its staff with MFA): `open`
    ones unless `status` says `resolved`, `dismissed` or `all`."""
    problems = selectors.problem_list(
        visible_to=request.user,
        municipality=territory_selectors.municipality_get(slug=slug),
        status="" if status == "all" else status,
    )
    items, next_cursor = _page(problems, "created_at", cursor, limit)
    return {"items": [_problem(problem) for problem in items], "next_cursor": next_cursor}


@router.post(f"{MUNICIPAL}/problems/{{problem_id}}/resolve", response={200: ProblemOut, **ERRORS})
def problem_resolve(
    request: AuthenticatedRequest, slug: str, problem_id: int, payload: ProblemResolveIn
):
    """Resolve or dismiss an open problem with a note to the person who reported it, who is
    told (the municipality's staff with MFA). 409 `already_closed`."""
    problem = selectors.problem_get(
        visible_to=request.user,
        municipality=territory_selectors.municipality_get(slug=slug),
        problem_id=problem_id,
    )
    services.exchange_problem_resolve(
        actor=request.user, problem=problem, status=payload.status, note=payload.note
    )
    problem.refresh_from_db(fields=["status", "staff_note", "resolved_at"])
    return _problem(problem)
