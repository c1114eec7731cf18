"""The sharing pages of a municipality (/<lang>/<municipality_slug>/sharing/): the listings and
their search, a listing, its form, my exchanges and an exchange's page with its steps.

Every page is for members who may take part (`exchange.take_part`: listings name neighbours);
others get a 404, visitors are sent to log in. Every page works without JavaScript; htmx swaps
the results of the search and the panel of an exchange when it is on. A refusal of a service
shows the same page again, as typed, with the reason (status 400, which htmx swaps too).

Places: a reader is where their district's centre is, or where their browser says once they
press "Use my position". The coordinates are posted, turned into a neighbourhood-sized cell
(`forms.position_cell`) and forgotten: the search passes the cell on in its links, never the
coordinates, and a page shows another person's place only as "about N km".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.models import TrustLevel
from milieu.accounts.selectors.profile import membership_get
from milieu.accounts.views.card import qr_svg
from milieu.core import geo, pictures
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, municipality_view
from milieu.core.modules import module_required

from . import selectors, services
from .forms import (
    AcceptForm,
    ExchangeFilterForm,
    ListingFilterForm,
    ListingForm,
    NoteForm,
    ProblemForm,
    RequestForm,
    ReviewForm,
    position_cell,
    without_position,
)
from .models import (
    ACTIVE_STATES,
    Exchange,
    ExchangeState,
    Listing,
    ListingStatus,
    ProblemStatus,
)
from .permissions import MODULE, required_trust

TAKEN_DAYS_AHEAD = 60
REQUESTS_SHOWN = 50


def _member_or_404(request: AuthenticatedRequest) -> None:
    if not request.user.has_perm("exchange.take_part", request.municipality):
        raise Http404(_("This page does not exist."))


def _screened(listing: Listing) -> bool:
    return required_trust(listing.category) >= TrustLevel.SCREENED


def _origin(request: AuthenticatedRequest, shared: str = "") -> str:
    """Where the reader is taken to be: the cell they shared, else their district's centre."""
    return shared or selectors.home_cell(request.user, request.municipality)


# --- The listings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    listing: Listing
    km: int
    screened: bool


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def listings(request: AuthenticatedRequest) -> HttpResponse:
    """Browse and search. A POST carries a position the reader shared (`lat`, `lng`) with the
    filters: it is answered by a redirect to the same search with the position's cell."""
    _member_or_404(request)
    municipality = request.municipality
    categories = selectors.category_list()
    if request.method == "POST":
        filters = ListingFilterForm(request.POST, categories=categories)
        filters.is_valid()
        query = filters.query(cell=position_cell(request.POST))
        return redirect(f"{request.path}?{urlencode(query)}" if query else request.path)
    filters = ListingFilterForm(request.GET, categories=categories)
    valid = filters.is_valid()
    data = filters.cleaned_data
    shared = data.get("cell") or ""
    origin = _origin(request, shared)
    found = selectors.listing_list(
        visible_to=request.user,
        municipality=municipality,
        filters=selectors.ListingFilters(
            kind=data.get("kind") or "",
            category=data.get("category"),
            text=data.get("q") or "",
            within_km=data.get("km"),
            origin=origin,
            available_from=data.get("available_from"),
            available_until=data.get("available_until"),
        ),
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query(cell=shared)
    context = {
        "municipality": municipality,
        "filters": filters,
        "page": page,
        "rows": [
            Row(listing=item, km=geo.rounded_km(origin, item.cell), screened=_screened(item))
            for item in page
        ],
        "query": urlencode(query),
        "shared": shared,
        "detail_query": urlencode({"cell": shared}) if shared else "",
        "forget_query": urlencode({k: v for k, v in query.items() if k != "cell"}),
        "position_fields": [(k, v) for k, v in query.items() if k != "cell"],
        "filtered": bool(query),
    }
    template = "exchange/listing_list.html"
    if request.htmx:
        template += "#listing-results"
    return render(request, template, context, status=200 if valid else 400)


def _districts(municipality) -> list:
    return list(municipality.districts.order_by("name"))


def _listing_form_page(
    request: AuthenticatedRequest,
    form: ListingForm,
    *,
    listing: Listing | None,
    status: int = 200,
    screening: bool = False,
) -> HttpResponse:
    return render(
        request,
        "exchange/listing_form.html",
        {
            "municipality": request.municipality,
            "form": form,
            "listing": listing,
            "screening": screening,
            # A refused form cannot give back the files it was sent: say to choose them again.
            "pictures_lost": status >= 400 and form.had_files(),
        },
        status=status,
    )


def _listing_refused(form: ListingForm, error: ApplicationError) -> bool:
    """Put a service's refusal on the listing form; True when it is the screening rule (said
    next to the category, and explained above the form)."""
    if isinstance(error, services.ScreeningRequired):
        form.add_error("category", str(error.message))
        return True
    form_error(form, error)
    return False


def _listing_form(
    request: AuthenticatedRequest, *, listing: Listing | None, data=None, files=None, initial=None
) -> ListingForm:
    return ListingForm(
        data,
        files,
        initial=initial,
        municipality=request.municipality,
        categories=selectors.category_list(),
        districts=_districts(request.municipality),
        with_kind=listing is None,
        listing=listing,
        photos=selectors.listing_photos(listing) if listing is not None else (),
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def listing_create(request: AuthenticatedRequest) -> HttpResponse:
    _member_or_404(request)
    municipality = request.municipality
    if request.method == "GET":
        membership = membership_get(user=request.user, municipality=municipality)
        home = f"district-{membership.district_id}" if membership and membership.district_id else ""
        form = _listing_form(request, listing=None, initial={"place": home, "kind": "lend"})
        return _listing_form_page(request, form, listing=None)
    form = _listing_form(
        request, listing=None, data=without_position(request.POST), files=request.FILES
    )
    if not form.is_valid():
        return _listing_form_page(request, form, listing=None, status=400)
    try:
        created = services.listing_create(
            actor=request.user,
            municipality=municipality,
            language=(get_language() or "fr")[:2],
            uploads=form.uploads(),
            **form.listing_fields(),
        )
    except ApplicationError as error:
        screening = _listing_refused(form, error)
        return _listing_form_page(request, form, listing=None, status=400, screening=screening)
    messages.success(request, _("Your listing is published."))
    return redirect("exchange:listing", municipality_slug=municipality.slug, listing_id=created.pk)


def _listing_or_404(request: AuthenticatedRequest, listing_id: int) -> Listing:
    try:
        return selectors.listing_get(
            visible_to=request.user, municipality=request.municipality, listing_id=listing_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None


def _own_listing_or_403(request: AuthenticatedRequest, listing_id: int) -> Listing:
    found = _listing_or_404(request, listing_id)
    if not request.user.has_perm("exchange.change_listing", found):
        raise DjangoPermissionDenied
    return found


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def listing_edit(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    found = _own_listing_or_403(request, listing_id)
    if request.method == "GET":
        initial = {
            name: getattr(found, name)
            for name in (
                "title",
                "description",
                "condition",
                "terms",
                "terms_text",
                "points",
                "loan_max_days",
            )
        }
        initial |= {"category": found.category.slug, "place": "keep"}
        form = _listing_form(request, listing=found, initial=initial)
        return _listing_form_page(request, form, listing=found)
    form = _listing_form(
        request, listing=found, data=without_position(request.POST), files=request.FILES
    )
    if not form.is_valid():
        return _listing_form_page(request, form, listing=found, status=400)
    try:
        services.listing_update(
            actor=request.user,
            listing=found,
            **form.listing_fields(),
            **form.photo_fields(),
        )
    except ApplicationError as error:
        screening = _listing_refused(form, error)  # (the service changed nothing)
        return _listing_form_page(request, form, listing=found, status=400, screening=screening)
    messages.success(request, _("Your listing is saved."))
    return redirect(
        "exchange:listing", municipality_slug=request.municipality.slug, listing_id=found.pk
    )


STATUSES = {
    "pause": (ListingStatus.PAUSED, lambda: _("Your listing is paused: nobody sees it.")),
    "reopen": (ListingStatus.ACTIVE, lambda: _("Your listing is visible again.")),
    "close": (ListingStatus.CLOSED, lambda: _("Your listing is closed.")),
}


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def listing_status(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    found = _own_listing_or_403(request, listing_id)
    action = request.POST.get("action", "")
    if action not in STATUSES:
        return _listing_page(request, found, error=_("Unknown status."), status=400)
    status, done = STATUSES[action]
    try:
        services.listing_set_status(actor=request.user, listing=found, status=status)
    except ApplicationError as error:
        return _listing_page(request, found, error=str(error.message), status=400)
    messages.success(request, done())
    return redirect(
        "exchange:listing", municipality_slug=request.municipality.slug, listing_id=found.pk
    )


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def listing_photo(request: AuthenticatedRequest, listing_id: int, photo_id: int) -> FileResponse:
    """A photo of a listing, for those who may see the listing (`?size=small`: the list-sized
    copy)."""
    found = _listing_or_404(request, listing_id)
    photo = next((p for p in selectors.listing_photos(found) if p.pk == photo_id), None)
    if photo is None:
        raise Http404
    return pictures.serve(photo, small=request.GET.get("size") == "small")


def _day_ranges(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges."""
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _listing_page(
    request: AuthenticatedRequest,
    listing: Listing,
    *,
    form: RequestForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    shared = request.GET.get("cell", "")
    shared = shared if geo.is_cell(shared) else ""
    today = timezone.localdate()
    is_owner = listing.owner_id == user.pk
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "listing": listing,
        "is_owner": is_owner,
        "km": None if is_owner else geo.rounded_km(_origin(request, shared), listing.cell),
        "screened": _screened(listing),
        "reputation": selectors.reputation(user=listing.owner),
        "photos": selectors.listing_photos(listing),
        "error": error,
    }
    if listing.is_loan:
        context["taken"] = _day_ranges(
            selectors.taken_days(
                listing=listing, start=today, end=today + timedelta(days=TAKEN_DAYS_AHEAD)
            )
        )
        context["taken_until"] = today + timedelta(days=TAKEN_DAYS_AHEAD)
    if is_owner:
        context["requests"] = list(
            selectors.exchange_list(visible_to=user)
            .filter(listing=listing)
            .order_by("-created_at", "-pk")[:REQUESTS_SHOWN]
        )
    else:
        context["mine"] = (
            selectors.exchange_list(visible_to=user)
            .filter(listing=listing, requester=user, state__in=ACTIVE_STATES)
            .first()
        )
        if user.has_perm("exchange.request_listing", listing):
            context["form"] = form or RequestForm(loan=listing.is_loan)
    return render(request, "exchange/listing_detail.html", context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def listing(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    return _listing_page(request, _listing_or_404(request, listing_id))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def listing_request(request: AuthenticatedRequest, listing_id: int) -> HttpResponse:
    found = _listing_or_404(request, listing_id)
    form = RequestForm(request.POST, loan=found.is_loan)
    if not form.is_valid():
        return _listing_page(request, found, form=form, status=400)
    try:
        asked = services.exchange_request(actor=request.user, listing=found, **form.cleaned_data)
    except ApplicationError as error:
        form_error(form, error)
        return _listing_page(request, found, form=form, status=400)
    messages.success(request, _("Your request is sent. You will be told of the answer here."))
    return redirect(
        "exchange:exchange", municipality_slug=request.municipality.slug, exchange_id=asked.pk
    )


# --- My exchanges -------------------------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def exchanges(request: AuthenticatedRequest) -> HttpResponse:
    _member_or_404(request)
    filters = ExchangeFilterForm(request.GET)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    found = selectors.exchange_list(visible_to=request.user, state=state).filter(
        municipality=request.municipality
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/exchange_list.html",
        {
            "municipality": request.municipality,
            "filters": filters,
            "page": page,
            "exchanges": list(page),
            "query": urlencode({"state": state}) if state else "",
        },
    )


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def my_listings(request: AuthenticatedRequest) -> HttpResponse:
    """What I list here, in every status: where a paused or closed listing is found again."""
    _member_or_404(request)
    found = selectors.my_listing_list(owner=request.user, municipality=request.municipality)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/my_listings.html",
        {"municipality": request.municipality, "page": page, "listings": list(page), "query": ""},
    )


def _exchange_or_404(request: AuthenticatedRequest, exchange_id: int) -> Exchange:
    try:
        found = selectors.exchange_get(visible_to=request.user, exchange_id=exchange_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    if found.municipality_id != request.municipality.pk:  # another municipality's address
        raise Http404(_("This exchange does not exist."))
    return found


def allowed_steps(exchange: Exchange, user) -> list[str]:
    """The steps this reader may take now (the services check again)."""
    owner = user.pk == exchange.owner_id
    state = exchange.state
    steps: list[str] = []
    if state == ExchangeState.REQUESTED:
        steps += ["accept", "decline"] if owner else []
        steps.append("cancel")
    elif state == ExchangeState.ACCEPTED:
        mine = exchange.owner_handed_over_at if owner else exchange.requester_handed_over_at
        if mine is None:
            steps.append("handover")
        steps.append("cancel")
    elif state == ExchangeState.HANDED_OVER:
        mine = exchange.owner_returned_at if owner else exchange.requester_returned_at
        if mine is None:
            steps.append("return")
        if (
            owner
            and exchange.late_flagged_at is None
            and exchange.due_on is not None
            and exchange.due_on < timezone.localdate()
        ):
            steps.append("late")
    return steps


EVENTS = {
    "request": lambda name: _("%(name)s asked.") % {"name": name},
    "accept": lambda name: _("%(name)s accepted.") % {"name": name},
    "decline": lambda name: _("%(name)s declined.") % {"name": name},
    "cancel": lambda name: _("%(name)s cancelled.") % {"name": name},
    "confirm_handover": lambda name: _("%(name)s confirmed the handover.") % {"name": name},
    "confirm_return": lambda name: _("%(name)s confirmed the return.") % {"name": name},
    "flag_late": lambda name: _("%(name)s said the loan is late.") % {"name": name},
    "report_problem": lambda name: _("%(name)s reported a problem.") % {"name": name},
    "resolve_problem": lambda name: _("%(name)s closed a problem.") % {"name": name},
}


def timeline(exchange: Exchange, *, with_problems: bool = False) -> list[tuple[Any, str]]:
    """The exchange's steps with their text; the parties' timeline leaves out the audit rows of
    the problems reported to the staff (the other side is not told of a report)."""
    events = exchange.events.select_related("actor")
    if not with_problems:
        events = events.exclude(action__in=services.PROBLEM_ACTIONS)
    return [(event, _event_text(event)) for event in events]


def _event_text(event) -> str:
    name = (event.actor.display_name if event.actor else "") or _("A neighbour")
    say = EVENTS.get(event.action)
    return say(name) if say else f"{name}: {event.action}"


def _handover_url(request: AuthenticatedRequest, exchange: Exchange) -> str:
    path = reverse(
        "exchange:exchange_handover",
        kwargs={"municipality_slug": request.municipality.slug, "exchange_id": exchange.pk},
    )
    return request.build_absolute_uri(f"{path}?{urlencode({'code': exchange.handover_code})}")


def _exchange_page(
    request: AuthenticatedRequest,
    exchange: Exchange,
    *,
    forms: dict[str, Any] | None = None,
    error: str = "",
    done: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    owner = user.pk == exchange.owner_id
    steps = allowed_steps(exchange, user)
    reviews = list(exchange.reviews.select_related("author"))
    reviewed = any(review.author_id == user.pk for review in reviews)
    forms = forms or {}
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "exchange": exchange,
        "listing": exchange.listing,
        "is_owner": owner,
        "other": exchange.requester if owner else exchange.owner,
        "events": timeline(exchange),
        "steps": steps,
        "accept_form": forms.get("accept") or AcceptForm(),
        "note_forms": {
            step: forms.get(step) or NoteForm(prefix=step)
            for step in ("decline", "cancel", "late")
            if step in steps
        },
        "reviews": reviews,
        "review_form": (
            forms.get("review") or ReviewForm()
            if exchange.state == ExchangeState.COMPLETED and not reviewed
            else None
        ),
        "error": error,
        "done": done,
    }
    problems = selectors.my_problem_list(visible_to=user, exchange=exchange)
    context["problems"] = problems
    if exchange.was_accepted and not any(p.status == ProblemStatus.OPEN for p in problems):
        context["problem_form"] = forms.get("problem") or ProblemForm()
    if exchange.state == ExchangeState.ACCEPTED and user.pk == exchange.receiver_id:
        context["handover_url"] = url = _handover_url(request, exchange)
        context["qr"] = qr_svg(url)
    template = "exchange/exchange_detail.html"
    if request.htmx:
        template += "#exchange-panel"
    return render(request, template, context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def exchange(request: AuthenticatedRequest, exchange_id: int) -> HttpResponse:
    return _exchange_page(request, _exchange_or_404(request, exchange_id))


STEP_DONE = {
    "accept": lambda: _("You accepted. Meet, then both confirm the handover."),
    "decline": lambda: _("You declined the request."),
    "cancel": lambda: _("The exchange is cancelled."),
    "handover": lambda: _("Your confirmation of the handover is recorded."),
    "return": lambda: _("Your confirmation of the return is recorded."),
    "late": lambda: _("The loan is marked as late; the borrower sees it."),
    "review": lambda: _("Thank you for your review."),
    "problem": lambda: _(
        "Your report is sent to the municipality's staff. Their answer will appear here."
    ),
}


def _after_step(
    request: AuthenticatedRequest, exchange_id: int, step: str, *, handover_page: bool = False
) -> HttpResponse:
    done = STEP_DONE[step]()
    if request.htmx and not handover_page:
        return _exchange_page(request, _exchange_or_404(request, exchange_id), done=done)
    messages.success(request, done)
    return redirect(
        "exchange:exchange", municipality_slug=request.municipality.slug, exchange_id=exchange_id
    )


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def exchange_step(request: AuthenticatedRequest, exchange_id: int, step: str) -> HttpResponse:
    """Accept (with a meeting place), decline, cancel, confirm the handover, confirm the return,
    say a loan is late. A refusal (a step its state no longer allows…) shows the page again
    with the reason; nothing changed."""
    if step not in STEP_DONE or step in ("review", "problem"):
        raise Http404
    found = _exchange_or_404(request, exchange_id)
    user = request.user
    form: AcceptForm | NoteForm | None = None
    try:
        if step == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                return _exchange_page(request, found, forms={step: form}, status=400)
            services.exchange_accept(actor=user, exchange=found, **form.cleaned_data)
        elif step in ("decline", "cancel", "late"):
            form = NoteForm(request.POST, prefix=step)
            if not form.is_valid():
                return _exchange_page(request, found, forms={step: form}, status=400)
            service = {
                "decline": services.exchange_decline,
                "cancel": services.exchange_cancel,
                "late": services.exchange_flag_late,
            }[step]
            service(actor=user, exchange=found, note=form.cleaned_data["note"])
        elif step == "handover":
            services.exchange_confirm_handover(actor=user, exchange=found)
        else:
            services.exchange_confirm_return(actor=user, exchange=found)
    except ApplicationError as error:
        if form is not None and error.extra.get("fields"):
            form_error(form, error)
            return _exchange_page(request, found, forms={step: form}, status=400)
        return _exchange_page(
            request, _exchange_or_404(request, exchange_id), error=str(error.message), status=400
        )
    return _after_step(request, exchange_id, step)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def exchange_handover(request: AuthenticatedRequest, exchange_id: int) -> HttpResponse:
    """The address of the QR code the receiving side shows: the other side, having scanned it,
    confirms the handover for both with one button. A POST without a code is the `handover`
    step of either side (`exchange_step` has the same address)."""
    found = _exchange_or_404(request, exchange_id)
    code = (request.POST.get("code") or request.GET.get("code") or "")[:64]
    if request.method == "POST" and not code:
        try:
            services.exchange_confirm_handover(actor=request.user, exchange=found)
        except ApplicationError as error:
            return _exchange_page(request, found, error=str(error.message), status=400)
        return _after_step(request, exchange_id, "handover")
    if request.method == "GET" and not code:
        return redirect(
            "exchange:exchange",
            municipality_slug=request.municipality.slug,
            exchange_id=exchange_id,
        )
    refusal = ""
    if request.method == "POST":
        try:
            services.exchange_confirm_handover(actor=request.user, exchange=found, code=code)
        except ApplicationError as refused:
            refusal = str(refused.message)
        else:
            return _after_step(request, exchange_id, "handover", handover_page=True)
    return render(
        request,
        "exchange/exchange_handover.html",
        {
            "municipality": request.municipality,
            "exchange": found,
            "listing": found.listing,
            "other": found.requester if request.user.pk == found.owner_id else found.owner,
            "code": code,
            "possible": found.state == ExchangeState.ACCEPTED,
            "error": refusal,
        },
        status=400 if refusal else 200,
    )


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def exchange_review(request: AuthenticatedRequest, exchange_id: int) -> HttpResponse:
    found = _exchange_or_404(request, exchange_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _exchange_page(request, found, forms={"review": form}, status=400)
    try:
        services.review_create(actor=request.user, exchange=found, **form.cleaned_data)
    except ApplicationError as error:
        if error.extra.get("fields"):
            form_error(form, error)
            return _exchange_page(request, found, forms={"review": form}, status=400)
        return _exchange_page(request, found, error=str(error.message), status=400)
    return _after_step(request, exchange_id, "review")


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def exchange_problem(request: AuthenticatedRequest, exchange_id: int) -> HttpResponse:
    """Either side reports a problem to the municipality's staff, once the exchange was
    accepted; a refusal (not accepted yet, one report already open) shows the page again."""
    found = _exchange_or_404(request, exchange_id)
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _exchange_page(request, found, forms={"problem": form}, status=400)
    try:
        services.exchange_report_problem(actor=request.user, exchange=found, **form.cleaned_data)
    except ApplicationError as error:
        if error.extra.get("fields"):
            form_error(form, error)
            return _exchange_page(request, found, forms={"problem": form}, status=400)
        return _exchange_page(request, found, error=str(error.message), status=400)
    return _after_step(request, exchange_id, "problem")
