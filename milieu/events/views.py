"""The public events pages and a person's own: the agendas of a city (`events:agenda`) and of a
region (`events_region:agenda`), an event's page with its dates, registering and cancelling, my
registrations with their tickets, and my private calendar feed's address.

The agendas and event pages are open to visitors without an account and name no person. Every
page works without JavaScript; htmx swaps the agenda's results when a filter changes (and adds
the next page of results in place), and a date's row after registering or cancelling. Every write
is a POST answered by a redirect and a message, or, under htmx, by the changed row; a refusal
shows the page again with the service's reason (status 400, 403 for a permission the reader
lacks) and changes nothing.

The organisers' pages are in `views_organisers.py`, the attractions' in `views_attractions.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, municipality_view, status_of
from milieu.core.modules import module_required

from . import selectors, services
from .forms import POSITION, AgendaFilterForm, position_cell
from .jsonld import event_json_ld
from .models import (
    DEFAULT_TIMEZONE,
    CalendarToken,
    Event,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from .permissions import MODULE

# --- Shared helpers -----------------------------------------------------------------------------

MY_TICKETS_WITH_QR = 5  # the coming confirmed dates whose QR code my registrations page draws


def safe_next(request: MilieuRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def refused(request: MilieuRequest, message: str, *, status: int = 403) -> HttpResponse:
    """A page that says why the reader cannot do this here."""
    return render(
        request,
        "events/refused.html",
        {"municipality": getattr(request, "municipality", None), "error": message},
        status=status,
    )


def event_url(event: Event) -> str:
    return reverse("events:event", args=[event.municipality.slug, event.pk])


def event_or_404(request: MilieuRequest, event_id: int) -> Event:
    try:
        return selectors.event_get(
            visible_to=request.user, event_id=event_id, municipality=request.municipality
        )
    except NotFound:
        raise Http404(_("This event does not exist.")) from None


def occurrence_or_404(request: MilieuRequest, occurrence_id: int) -> Occurrence:
    try:
        occurrence = selectors.occurrence_get(visible_to=request.user, occurrence_id=occurrence_id)
    except NotFound:
        raise Http404(_("This date does not exist.")) from None
    if occurrence.municipality_id != request.municipality.pk:
        raise Http404(_("This date does not exist."))
    return occurrence


def waiting_positions(registrations: list[Registration]) -> dict[int, int]:
    """Each waiting registration's place in its date's queue (1 is next), in one query."""
    waiting = [r.pk for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    if not waiting:
        return {}
    ahead = (
        Registration.objects.filter(
            occurrence=OuterRef("occurrence"), status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lte=OuterRef("pk"))
        )
        .values("occurrence")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return dict(
        Registration.objects.filter(pk__in=waiting)
        .annotate(position=Subquery(ahead))
        .values_list("pk", "position")
    )


@dataclass
class DateRow:
    """One date of an event as its page shows it to this reader."""

    occurrence: Occurrence
    registration: Registration | None = None
    position: int | None = None  # on the waiting list
    may_register: bool = False
    notice: str = ""  # what the reader just did (htmx answers)
    error: str = ""  # why it was refused (htmx answers)


def date_rows(user, event: Event, occurrences: list[Occurrence]) -> list[DateRow]:
    mine = selectors.registration_states(user, [o.pk for o in occurrences])
    positions = waiting_positions(list(mine.values()))
    rows = []
    for occurrence in occurrences:
        occurrence.event = event
        registration = mine.get(occurrence.pk)
        rows.append(
            DateRow(
                occurrence=occurrence,
                registration=registration,
                position=positions.get(registration.pk) if registration else None,
                may_register=registration is None
                and event.registration_required
                and user.has_perm("events.register", occurrence),
            )
        )
    return rows


# --- The agendas (public) -----------------------------------------------------------------------


DATES_SHOWN = 10  # an event page's dates, before "All the coming dates"


@dataclass
class AgendaRow:
    occurrence: Occurrence
    km: int | None
    registration: Registration | None


def _agenda(
    request: MilieuRequest, *, municipalities: list, region=None, municipality=None
) -> HttpResponse:
    """The agenda of `municipalities` with its filters. A POST carries a position the reader
    shared (`lat`, `lng`) with the filters: it is answered by a redirect to the same search with
    the position's cell (the coordinates are not kept, nor put in any address)."""
    form_options: dict[str, Any] = {
        "municipalities": municipalities,
        "region": region is not None,
        "time_zone": DEFAULT_TIMEZONE,
    }
    if request.method == "POST":
        filters = AgendaFilterForm(request.POST, **form_options)
        filters.is_valid()
        pairs = [(k, v) for k, v in filters.query() if k not in ("near", "cell")]
        cell = position_cell(request.POST)
        if cell:
            pairs += [("near", POSITION), ("cell", cell)]
        return redirect(f"{request.path}?{urlencode(pairs)}" if pairs else request.path)
    filters = AgendaFilterForm(request.GET, **form_options)
    valid = filters.is_valid()
    cursor = request.GET.get("cursor") or None
    rows: list[AgendaRow] = []
    next_cursor = None
    error = ""
    days = None
    if valid:
        wanted = filters.filters()
        days = filters.days()
        try:
            found, next_cursor = selectors.agenda(
                municipalities=filters.chosen_municipalities(), filters=wanted, cursor=cursor
            )
        except ApplicationError as refusal:
            found, error = [], str(refusal.message)
        km = selectors.distances(found, wanted.near)
        mine = selectors.registration_states(request.user, [o.pk for o in found])
        rows = [AgendaRow(o, km.get(o.pk), mine.get(o.pk)) for o in found]
    query = urlencode(filters.query()) if valid else ""
    if region is not None:
        here = reverse("events_region:agenda", args=[region.slug])
        feed = reverse("events_region:feed", args=[region.slug])
    else:
        here = reverse("events:agenda", args=[municipality.slug])
        feed = reverse("events:feed", args=[municipality.slug])
    template = "events/agenda.html"
    if request.htmx:
        template += "#agenda-page" if cursor else "#agenda-results"
    context = {
        "municipality": municipality,
        "region": region,
        "filters": filters,
        "rows": rows,
        "next_cursor": next_cursor,
        "cursor": cursor,
        "query": query,
        "filtered": bool(query),
        "days": days,
        "error": error,
        "agenda_url": here,
        "feed_url": feed,
        "shared_position": filters.cleaned_data.get("cell") if valid else "",
        "nav_publishes_known": True,
        "nav_publishes": bool(
            municipality is not None
            and request.user.is_authenticated
            and request.user.has_perm("events.publish_in", municipality)
        ),
    }
    if valid and not error:
        # Kept rendered for everyone shown the same dates (`core.pagecache`): the key has the
        # path with its query; what each row shows (counts, the event's last change, the
        # reader's own registration) and the cities' settings vary it.
        response = pagecache.render_page(
            request,
            template,
            context,
            vary=(
                tuple(
                    (
                        row.occurrence.pk,
                        row.occurrence.confirmed_count,
                        row.occurrence.waiting_count,
                        row.occurrence.event.updated_at,
                        row.registration.status if row.registration else "",
                    )
                    for row in rows
                ),
                next_cursor,
                context["nav_publishes"],
                tuple((m.pk, m.updated_at, tuple(m.enabled_modules or ())) for m in municipalities),
            ),
        )
    else:
        response = render(request, template, context, status=400)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
def agenda(request: MilieuRequest) -> HttpResponse:
    """A city's agenda: its published dates, soonest first, with filters."""
    return _agenda(
        request, municipalities=[request.municipality], municipality=request.municipality
    )


@require_http_methods(["GET", "POST"])
def region_agenda(request: MilieuRequest, region_slug: str) -> HttpResponse:
    """The consortium's agenda: the dates of every member city with the module on."""
    region, members = region_or_404(region_slug)
    return _agenda(request, municipalities=members, region=region)


def region_or_404(region_slug: str) -> tuple[Any, list]:
    """The region and its members with the module on (from the territory's cache); a region
    none of whose members has the module has no agenda."""
    from milieu.territory.selectors import region_members

    try:
        region, members, _version = region_members(slug=region_slug)
    except NotFound:
        raise Http404(_("This region does not exist.")) from None
    members = selectors.agenda_municipalities(members)
    if not members:
        raise Http404(_("No municipality of this region has an agenda."))
    return region, members


# --- An event -----------------------------------------------------------------------------------


def event_page(
    request: MilieuRequest,
    event: Event,
    *,
    error: str = "",
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    # The next few dates, and all of them (up to 60) on request: a weekly event's page stays
    # light on an old phone.
    every = request.GET.get("dates") == "all"
    occurrences = selectors.event_occurrences(event, limit=60 if every else DATES_SHOWN + 1)
    more_dates = not every and len(occurrences) > DATES_SHOWN
    occurrences = occurrences[:DATES_SHOWN] if more_dates else occurrences
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "event": event,
        "rows": date_rows(request.user, event, occurrences),
        "more_dates": more_dates,
        "manages": request.user.has_perm("events.manage_event", event),
        "error": error,
        "json_ld": event_json_ld(
            event, occurrences=occurrences, url=request.build_absolute_uri(event_url(event))
        ),
        "feed_url": reverse("events:feed", args=[request.municipality.slug]),
        "category_feed_url": reverse(
            "events:feed_category", args=[request.municipality.slug, event.category]
        ),
        **(extra or {}),
    }
    return render(request, "events/event_detail.html", context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
def event_detail(request: MilieuRequest, event_id: int) -> HttpResponse:
    """An event: what, when (each coming date, with registration), where, for whom, by whom."""
    return event_page(request, event_or_404(request, event_id))


# --- Registering and cancelling -----------------------------------------------------------------


def _date_row_answer(
    request: AuthenticatedRequest,
    occurrence: Occurrence,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """An htmx answer: the date's row as it is now, with what happened."""
    occurrence = occurrence_or_404(request, occurrence.pk)
    event = occurrence.event
    row = date_rows(request.user, event, [occurrence])[0]
    row.notice, row.error = notice, error
    return render(
        request,
        "events/event_detail.html#date-row",
        {"municipality": request.municipality, "event": event, "row": row},
        status=status,
    )


def _refusal(
    request: AuthenticatedRequest, occurrence: Occurrence, error: ApplicationError
) -> HttpResponse:
    if request.htmx:
        # 400 whatever the reason, so that htmx swaps the row with the reason in it.
        return _date_row_answer(request, occurrence, error=str(error.message), status=400)
    return event_page(
        request,
        event_or_404(request, occurrence.event_id),
        error=str(error.message),
        status=status_of(error),
    )


def registration_notice(registration: Registration, occurrence: Occurrence) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        position = waiting_positions([registration]).get(registration.pk, 1)
        return _(
            "Every place is taken: you are number %(position)s on the waiting list. If a place "
            "frees up, it is yours and you are told."
        ) % {"position": position}
    if occurrence.capacity is not None and occurrence.places_left == 0:
        return _("You have the last place. Your ticket is in your registrations.")
    return _("You are registered. Your ticket is in your registrations.")


@require_POST
@municipality_view
@module_required(MODULE)
def register(request: AuthenticatedRequest, occurrence_id: int) -> HttpResponse:
    """Take a place at a date, or a place on its waiting list when none is left."""
    occurrence = occurrence_or_404(request, occurrence_id)
    if not request.user.is_authenticated:
        return redirect_to_login(event_url(occurrence.event))
    try:
        registration = services.registration_create(actor=request.user, occurrence=occurrence)
    except ApplicationError as error:
        return _refusal(request, occurrence, error)
    occurrence.refresh_from_db(fields=["confirmed_count", "waiting_count", "capacity"])
    notice = registration_notice(registration, occurrence)
    if request.htmx:
        return _date_row_answer(request, occurrence, notice=notice)
    messages.success(request, notice)
    return redirect(safe_next(request, event_url(occurrence.event)))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def registration_cancel(request: AuthenticatedRequest, registration_id: int) -> HttpResponse:
    """Give up my place (the first person waiting takes it) or leave the waiting list; an
    organiser may cancel a registration too."""
    try:
        registration = selectors.registration_get(
            visible_to=request.user, registration_id=registration_id
        )
    except NotFound:
        raise Http404(_("This registration does not exist.")) from None
    occurrence = registration.occurrence
    if occurrence.municipality_id != request.municipality.pk:
        raise Http404(_("This registration does not exist."))
    was = registration.status
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ApplicationError as error:
        return _refusal(request, occurrence, error)
    if registration.user_id != request.user.pk:
        notice = _("The registration is cancelled; the person is no longer expected.")
    elif was == RegistrationStatus.WAITLISTED:
        notice = _("You left the waiting list.")
    else:
        notice = _("Your registration is cancelled. Thank you for freeing your place.")
    if request.htmx:
        return _date_row_answer(request, occurrence, notice=notice)
    messages.success(request, notice)
    return redirect(safe_next(request, event_url(occurrence.event)))


# --- My registrations and my calendar -----------------------------------------------------------


@dataclass
class MyRow:
    registration: Registration
    position: int | None = None
    qr: str = ""


def _check_in_url(request: MilieuRequest, registration: Registration) -> str:
    return request.build_absolute_uri(
        reverse(
            "events:check_in_ticket",
            args=[registration.occurrence.event.municipality.slug, registration.ticket],
        )
    )


def ticket_qr(request: MilieuRequest, registration: Registration) -> str:
    from milieu.accounts.views.card import qr_svg

    return str(qr_svg(_check_in_url(request, registration)))


@require_GET
@login_required
def my_registrations(request: AuthenticatedRequest) -> HttpResponse:
    """My coming dates (with my tickets and my place on the waiting lists) and my past ones,
    and the address of my private calendar feed."""
    upcoming = selectors.my_registrations(request.user)
    past = selectors.my_registrations(request.user, upcoming=False, limit=50)
    positions = waiting_positions(upcoming)
    rows, drawn = [], 0
    for registration in upcoming:
        row = MyRow(registration=registration, position=positions.get(registration.pk))
        if registration.status == RegistrationStatus.CONFIRMED and drawn < MY_TICKETS_WITH_QR:
            row.qr = ticket_qr(request, registration)
            drawn += 1
        rows.append(row)
    # The private feed's address, once the person asked for one (a GET writes nothing).
    feed_url = ""
    if CalendarToken.objects.filter(user=request.user).exists():
        token = services.calendar_token(actor=request.user)
        feed_url = request.build_absolute_uri(reverse("events_me:feed", args=[token]))
    return render(
        request,
        "events/my_registrations.html",
        {"rows": rows, "past": past, "feed_url": feed_url},
    )


@require_GET
@login_required
def ticket(request: AuthenticatedRequest, registration_id: int) -> HttpResponse:
    """One of my tickets, its QR code large, to show at the door."""
    try:
        registration = selectors.registration_get(
            visible_to=request.user, registration_id=registration_id
        )
    except NotFound:
        raise Http404(_("This ticket does not exist.")) from None
    if registration.user_id != request.user.pk or registration.status == "cancelled":
        raise Http404(_("This ticket does not exist."))
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return render(
        request,
        "events/ticket.html",
        {
            "registration": registration,
            "event": registration.occurrence.event,
            "qr": ticket_qr(request, registration) if confirmed else "",
            "position": waiting_positions([registration]).get(registration.pk),
        },
    )


@require_POST
@login_required
def calendar_rotate(request: AuthenticatedRequest) -> HttpResponse:
    """My private feed's first address, or a new one: calendars subscribed with the old one
    stop receiving it."""
    had = CalendarToken.objects.filter(user=request.user).exists()
    services.calendar_token_rotate(actor=request.user)
    messages.success(
        request,
        _("Your calendar has a new address. Subscribe again with it; the old one no longer works.")
        if had
        else _("Here is the address of your calendar: copy it into your calendar application."),
    )
    return redirect("events_me:registrations")
