"""Reads of the sharing module. Every read of a listing goes through `visible_to`: members of
the listing's municipality, minus people who blocked each other (`permissions.can_see_listing`).
A listing's place is its H3 cell; what a reader sees of it is a distance in whole kilometres from
their own cell (`core.geo.rounded_km`), never a point.

Problems reported on an exchange are read by the municipality's staff with MFA
(`exchange.moderate_exchanges`); each staff reading of one (page or API) is logged as
`personal_data_access` in the `milieu.audit` log, once per party (`log_access`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from milieu.accounts.models import Membership
from milieu.community.permissions import blocked_either_way
from milieu.core import geo
from milieu.core.errors import NotFound
from milieu.core.permissions import require
from milieu.core.pictures import thumbnail_size

from .models import (
    Category,
    Exchange,
    ExchangeProblem,
    Listing,
    ListingPhoto,
    ListingStatus,
    LoanDay,
    ProblemStatus,
    Review,
)
from .permissions import may_take_part

audit = logging.getLogger("milieu.audit")
PAGE_SIZE = 20
DISTANCES_KM = (1, 2, 5, 10, 25, 50)


def category_list() -> list[Category]:
    """The whole tree, parents before their children (a few dozen rows)."""
    return list(Category.objects.select_related("parent").order_by("position", "slug"))


def home_cell(user, municipality) -> str:
    """Where a reader is taken to be when they share no position: the centre of their district
    in `municipality` (else of the municipality), as a cell."""
    membership = (
        Membership.objects.filter(user=user, municipality=municipality)
        .select_related("district")
        .first()
        if user.is_authenticated
        else None
    )
    district = membership.district if membership else None
    if district is not None and district.latitude is not None and district.longitude is not None:
        return geo.cell_at(district.latitude, district.longitude)
    return geo.cell_at(municipality.latitude, municipality.longitude)


@dataclass(frozen=True)
class ListingFilters:
    kind: str = ""
    category: Category | None = None
    text: str = ""
    within_km: int | None = None
    origin: str = ""  # the reader's cell, for `within_km` and the distances shown
    available_from: date | None = None
    available_until: date | None = None


def listing_list(
    *, visible_to, municipality, filters: ListingFilters = ListingFilters()
) -> QuerySet[Listing]:
    """The active listings of `municipality` that `visible_to` may see, newest first."""
    if not may_take_part(visible_to, municipality):
        raise NotFound(_("This page does not exist."))
    listings = Listing.objects.filter(
        municipality=municipality, status=ListingStatus.ACTIVE
    ).select_related("category__parent", "owner")
    blocked = blocked_either_way(visible_to)
    if blocked:
        listings = listings.exclude(owner_id__in=sorted(blocked))
    if filters.kind:
        listings = listings.filter(kind=filters.kind)
    if filters.category is not None:
        listings = listings.filter(
            Q(category=filters.category) | Q(category__parent=filters.category)
        )
    if filters.text:
        for word in filters.text.split()[:8]:
            listings = listings.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if filters.within_km and filters.origin:
        listings = listings.filter(geo.within(filters.origin, filters.within_km))
    if filters.available_from and filters.available_until:
        taken = LoanDay.objects.filter(
            day__gte=filters.available_from, day__lte=filters.available_until
        ).values("listing_id")
        listings = listings.exclude(pk__in=taken)
    return listings.annotate(cover_id=_cover()).order_by("-created_at", "-pk")


def _cover() -> Subquery:
    """The id of a listing's first photo (or null), for the list-sized copy shown in a list:
    one subquery on the photos' index, not a query per row."""
    first = ListingPhoto.objects.filter(listing=OuterRef("pk")).order_by("position", "pk")
    return Subquery(first.values("pk")[:1])


def my_listing_list(*, owner, municipality) -> QuerySet[Listing]:
    """Every listing of `owner` in `municipality`, whatever its status (paused and closed ones
    too: the search shows active ones only), newest first."""
    if not may_take_part(owner, municipality):
        raise NotFound(_("This page does not exist."))
    return (
        Listing.objects.filter(municipality=municipality, owner=owner)
        .select_related("category__parent")
        .annotate(cover_id=_cover())
        .order_by("-created_at", "-pk")
    )


def listing_get(*, visible_to, municipality, listing_id: int) -> Listing:
    listing = (
        Listing.objects.select_related("category__parent", "owner", "municipality")
        .filter(pk=listing_id, municipality=municipality)
        .first()
    )
    if listing is None or not visible_to.has_perm("exchange.view_listing", listing):
        raise NotFound(_("This listing does not exist."))
    return listing


def listing_photos(listing: Listing) -> list[ListingPhoto]:
    """A listing's photos in their order (four at most), for a reader the caller has checked,
    each with the size of its list-sized copy (`thumb_width`, `thumb_height`)."""
    photos = list(ListingPhoto.objects.filter(listing=listing).order_by("position", "pk"))
    for photo in photos:
        photo.thumb_width, photo.thumb_height = thumbnail_size(  # type: ignore[attr-defined]
            photo.width, photo.height
        )
    return photos


def taken_days(*, listing: Listing, start: date, end: date) -> list[date]:
    """The days of [start, end] on which the object is promised to an accepted loan."""
    return list(
        LoanDay.objects.filter(listing=listing, day__gte=start, day__lte=end)
        .order_by("day")
        .values_list("day", flat=True)
    )


def exchange_list(*, visible_to, state: str = "") -> QuerySet[Exchange]:
    """The exchanges `visible_to` takes part in, as owner or requester, latest first."""
    exchanges = Exchange.objects.filter(
        Q(owner_id=visible_to.pk) | Q(requester_id=visible_to.pk)
    ).select_related("listing__category", "municipality", "owner", "requester")
    if state:
        exchanges = exchanges.filter(state=state)
    return exchanges.order_by("-updated_at", "-pk")


def exchange_get(*, visible_to, exchange_id: int) -> Exchange:
    exchange = (
        Exchange.objects.select_related(
            "listing__category__parent", "municipality", "owner", "requester"
        )
        .filter(pk=exchange_id)
        .first()
    )
    if exchange is None or not visible_to.has_perm("exchange.view_exchange", exchange):
        raise NotFound(_("This exchange does not exist."))
    return exchange


@dataclass(frozen=True)
class Reputation:
    reviews: int
    average: float | None
    completed: int


def reputation(*, user) -> Reputation:
    """What a profile shows of a person's exchanges: their reviews' count and mean, and how
    many exchanges they completed."""
    reviews = Review.objects.filter(subject=user).aggregate(count=Count("pk"), mean=Avg("rating"))
    completed = Exchange.objects.filter(
        Q(owner=user) | Q(requester=user), state="completed"
    ).count()
    mean = reviews["mean"]
    return Reputation(
        reviews=reviews["count"],
        average=round(float(mean), 1) if mean is not None else None,
        completed=completed,
    )


# --- Problems reported to the staff ---------------------------------------------------------------


def my_problem_list(*, visible_to, exchange: Exchange) -> list[ExchangeProblem]:
    """The problems `visible_to` reported on `exchange`, newest first, with the staff's notes
    (never the other side's reports)."""
    if not visible_to.is_authenticated:
        return []
    return list(ExchangeProblem.objects.filter(exchange=exchange, reporter=visible_to))


def problem_list(
    *, visible_to, municipality, status: str = ProblemStatus.OPEN
) -> QuerySet[ExchangeProblem]:
    """The staff's queue: the problems of `municipality` in `status` (all of them when empty),
    newest first, with what the queue shows of each (constant queries)."""
    require(visible_to, "exchange.moderate_exchanges", municipality)
    problems = ExchangeProblem.objects.filter(municipality=municipality)
    if status:
        problems = problems.filter(status=status)
    return problems.select_related(
        "exchange__listing", "exchange__owner", "exchange__requester", "reporter"
    ).order_by("-created_at", "-pk")


def log_access(actor, problem: ExchangeProblem, what: str = "exchange_problem") -> None:
    """A staff member read a problem: the personal data of both sides of its exchange."""
    for subject in (problem.exchange.owner_id, problem.exchange.requester_id):
        if subject != actor.pk:
            audit.info(
                "personal_data_access",
                extra={
                    "actor": actor.pk,
                    "subject": subject,
                    "what": what,
                    "exchange_problem": problem.pk,
                },
            )


def problem_get(*, visible_to, municipality, problem_id: int) -> ExchangeProblem:
    """One problem of `municipality` for its staff; the reading is logged (`log_access`)."""
    require(visible_to, "exchange.moderate_exchanges", municipality)
    problem = (
        ExchangeProblem.objects.select_related(
            "exchange__listing__category",
            "exchange__municipality",
            "exchange__owner",
            "exchange__requester",
            "municipality",
            "reporter",
            "resolved_by",
        )
        .filter(pk=problem_id, municipality=municipality)
        .first()
    )
    if problem is None:
        raise NotFound(_("This problem does not exist."))
    log_access(visible_to, problem)
    return problem
