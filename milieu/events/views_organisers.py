"""The organisers' events pages: write an event (in the name of the city, an organisation or a
merchant), publish or cancel it, my events, an event's registrations date by date, and check-in
at the door (a ticket typed or pasted, or the address its QR code gives).

Who may: the municipality's staff (with MFA: staff without it are sent to enrol first), the
members of a verified organisation that serves the town, a verified merchant's owner
(`permissions.py`). Organisers see the display names of the people registered, never an email.
A refusal shows the page again as typed, with the service's reason, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.permissions import has_mfa, holds_any_staff_role
from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest, form_error, municipality_view
from milieu.core.modules import module_required

from . import selectors, services
from .forms import CancelEventForm, EventForm, TicketForm, publisher_choices
from .models import DEFAULT_TIMEZONE, Event, Registration, RegistrationStatus
from .permissions import MODULE, is_city_staff, publishing_merchants, publishing_organisations
from .recurrence import zone
from .views import (
    event_or_404,
    event_page,
    event_url,
    occurrence_or_404,
    refused,
    safe_next,
    status_of,
)


def mfa_first(request: AuthenticatedRequest) -> HttpResponse | None:
    """Staff without a second factor enrol before any organiser's page (MFA is mandatory for
    them), like `core.http.staff_view`."""
    user = request.user
    if holds_any_staff_role(user) and not has_mfa(user):
        return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
    return None


def publisher_gate(request: AuthenticatedRequest) -> HttpResponse | None:
    """`None` when the reader may publish here; else the answer to give."""
    if request.user.has_perm("events.publish_in", request.municipality):
        return None
    return mfa_first(request) or refused(
        request,
        _("Only the municipality, its verified organisations and merchants publish events."),
    )


def manager_gate(request: AuthenticatedRequest, event: Event) -> HttpResponse | None:
    if request.user.has_perm("events.manage_event", event):
        return None
    return mfa_first(request) or refused(
        request, _("Only the event's organisers and the municipality's staff manage it.")
    )


def manage_url(event: Event, occurrence_id: int | None = None) -> str:
    url = reverse("events:event_manage", args=[event.municipality.slug, event.pk])
    return f"{url}?date={occurrence_id}" if occurrence_id else url


def _form_error(form: EventForm, error: ApplicationError) -> None:
    """A service's refusal on the form; its `organisation`/`merchant` fields are the form's
    `publisher`."""
    fields = error.extra.get("fields", {})
    for alias in ("organisation", "merchant"):
        if alias in fields:
            fields.setdefault("publisher", []).extend(fields.pop(alias))
    form_error(form, error)


def _publishers(request: AuthenticatedRequest, current: Event | None = None) -> list:
    user, municipality = request.user, request.municipality
    return publisher_choices(
        city=bool(is_city_staff(user, municipality)),
        organisations=publishing_organisations(user, municipality),
        merchants=publishing_merchants(user, municipality),
        current=current,
    )


def _form_page(
    request: AuthenticatedRequest, form: EventForm, *, event: Event | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "events/event_form.html",
        {"municipality": request.municipality, "form": form, "event": event},
        status=status,
    )


# --- Writing an event ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def event_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new event, saved as a draft: published when its organiser says so."""
    if gate := publisher_gate(request):
        return gate
    publishers = _publishers(request)
    if request.method == "GET":
        form = EventForm(
            initial={
                "publisher": publishers[0][0] if publishers else "",
                "time_zone": DEFAULT_TIMEZONE,
                "original_language": (translation.get_language() or "fr")[:2],
                "price": 0,
            },
            publishers=publishers,
        )
        return _form_page(request, form, event=None)
    form = EventForm(request.POST, publishers=publishers)
    if not form.is_valid():
        return _form_page(request, form, event=None, status=400)
    try:
        event = services.event_create(
            actor=request.user, municipality=request.municipality, values=form.values()
        )
    except ApplicationError as error:
        _form_error(form, error)
        return _form_page(request, form, event=None, status=status_of(error))
    messages.success(request, _("The event is saved as a draft. Publish it when it is ready."))
    return redirect(event_url(event))


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def event_edit(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    """Change an event; its dates follow its new schedule."""
    if gate := mfa_first(request):
        return gate
    event = event_or_404(request, event_id)
    if gate := manager_gate(request, event):
        return gate
    publishers = _publishers(request, current=event)
    if request.method == "GET":
        form = EventForm(initial=EventForm.initial_for(event), publishers=publishers)
        return _form_page(request, form, event=event)
    form = EventForm(request.POST, publishers=publishers)
    if not form.is_valid():
        return _form_page(request, form, event=event, status=400)
    values = form.values()
    if form.cleaned_data["publisher"] == EventForm.initial_for(event)["publisher"]:
        for name in ("publisher", "organisation", "merchant"):
            values.pop(name)
    try:
        services.event_update(actor=request.user, event=event, values=values)
    except ApplicationError as error:
        _form_error(form, error)
        return _form_page(request, form, event=event, status=status_of(error))
    messages.success(request, _("The event is saved."))
    return redirect(event_url(event))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def event_publish(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    if gate := mfa_first(request):
        return gate
    event = event_or_404(request, event_id)
    if gate := manager_gate(request, event):
        return gate
    try:
        services.event_publish(actor=request.user, event=event)
    except ApplicationError as error:
        return event_page(request, event, error=str(error.message), status=status_of(error))
    messages.success(request, _("The event is published: it appears in the agenda."))
    return redirect(event_url(event))


def _manage_page(
    request: AuthenticatedRequest,
    event: Event,
    *,
    cancel_form: CancelEventForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    # The dates still to come, and those that ended less than the door's margin ago.
    dates = selectors.event_occurrences(event, now=now - services.CHECK_IN_MARGIN)
    wanted = request.GET.get("date") or ""
    chosen = next((o for o in dates if str(o.pk) == wanted), dates[0] if dates else None)
    confirmed: list[Registration] = []
    waiting: list[Registration] = []
    if chosen is not None:
        for registration in selectors.occurrence_registrations(chosen):
            if registration.status == RegistrationStatus.CONFIRMED:
                confirmed.append(registration)
            else:
                waiting.append(registration)
        confirmed.sort(key=lambda r: (r.queued_at, r.pk))
        waiting.sort(key=lambda r: (r.queued_at, r.pk))
    door_open = chosen is not None and (
        chosen.starts_at - services.CHECK_IN_MARGIN
        <= now
        <= chosen.ends_at + services.CHECK_IN_MARGIN
    )
    return render(
        request,
        "events/event_manage.html",
        {
            "municipality": request.municipality,
            "event": event,
            "dates": dates,
            "chosen": chosen,
            "confirmed": confirmed,
            "waiting": waiting,
            "checked_in": sum(1 for r in confirmed if r.checked_in_at),
            "door_open": door_open,
            "cancel_form": cancel_form or CancelEventForm(),
            "error": error,
            "here": manage_url(event, chosen.pk if chosen else None),
        },
        status=status,
    )


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def event_cancel(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    """Cancel the whole event, with a reason told to the people registered."""
    if gate := mfa_first(request):
        return gate
    event = event_or_404(request, event_id)
    if gate := manager_gate(request, event):
        return gate
    form = CancelEventForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, event, cancel_form=form, status=400)
    try:
        services.event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        return _manage_page(
            request, event, cancel_form=form, error=str(error.message), status=status_of(error)
        )
    messages.success(request, _("The event is cancelled; the people registered are told."))
    return redirect(event_url(event))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def occurrence_cancel(request: AuthenticatedRequest, occurrence_id: int) -> HttpResponse:
    """Cancel one date of an event; the people registered for it are told."""
    if gate := mfa_first(request):
        return gate
    occurrence = occurrence_or_404(request, occurrence_id)
    event = occurrence.event
    if gate := manager_gate(request, event):
        return gate
    try:
        services.occurrence_cancel(actor=request.user, occurrence=occurrence)
    except ApplicationError as error:
        return _manage_page(request, event, error=str(error.message), status=status_of(error))
    messages.success(request, _("This date is cancelled; the people registered are told."))
    return redirect(manage_url(event))


# --- My events and their registrations ----------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def managed(request: AuthenticatedRequest) -> HttpResponse:
    """The events of this municipality I manage, drafts included, latest first."""
    if gate := publisher_gate(request):
        return gate
    return render(
        request,
        "events/managed.html",
        {
            "municipality": request.municipality,
            "events": selectors.managed_events(request.user, request.municipality),
        },
    )


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def event_manage(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    """An event's dates and, for the chosen one, who holds a place (in order, with check-in)
    and who waits (in order)."""
    if gate := mfa_first(request):
        return gate
    event = event_or_404(request, event_id)
    if gate := manager_gate(request, event):
        return gate
    return _manage_page(request, event)


# --- Check-in at the door -----------------------------------------------------------------------


def _check_in_message(result: services.CheckIn) -> str:
    registration = result.registration
    name = registration.user.display_name or _("A neighbour")
    if result.already:
        assert registration.checked_in_at is not None
        tz = zone(registration.occurrence.event.time_zone)
        moment = time_format(registration.checked_in_at.astimezone(tz).replace(tzinfo=None))
        return _("%(name)s was already checked in at %(time)s.") % {"name": name, "time": moment}
    if result.points:
        return ngettext(
            "%(name)s is checked in and earns %(points)s point.",
            "%(name)s is checked in and earns %(points)s points.",
            result.points,
        ) % {"name": name, "points": result.points}
    return _("%(name)s is checked in.") % {"name": name}


def _check_in_page(
    request: AuthenticatedRequest, form: TicketForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "events/check_in.html",
        {"municipality": request.municipality, "form": form, "error": error},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def check_in(request: AuthenticatedRequest) -> HttpResponse:
    """Check a person in from their ticket, typed or pasted (or typed by a scanner)."""
    if gate := publisher_gate(request):
        return gate
    if request.method == "GET":
        return _check_in_page(request, TicketForm())
    form = TicketForm(request.POST)
    if not form.is_valid():
        return _check_in_page(request, form, status=400)
    try:
        result = services.check_in(actor=request.user, ticket=form.cleaned_data["ticket"])
    except ApplicationError as error:
        return _check_in_page(request, form, error=str(error.message), status=status_of(error))
    messages.success(request, _check_in_message(result))
    return redirect("events:check_in", municipality_slug=request.municipality.slug)


def _ticket_registration(request: AuthenticatedRequest, ticket: str) -> Registration:
    """The registration of a ticket of this municipality's events, for its organisers and for
    its holder; nobody else learns that it exists."""
    found = None
    if 10 <= len(ticket) <= 40:
        found = (
            Registration.objects.select_related(
                "user",
                "occurrence",
                "occurrence__event",
                "occurrence__event__municipality",
                "occurrence__event__organisation",
                "occurrence__event__merchant",
            )
            .filter(ticket=ticket, occurrence__municipality=request.municipality)
            .first()
        )
    if found is None or not (
        found.user_id == request.user.pk
        or request.user.has_perm("events.manage_event", found.occurrence.event)
    ):
        raise Http404(_("This ticket is not valid."))
    return found


def _ticket_page(
    request: AuthenticatedRequest,
    registration: Registration,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    occurrence = registration.occurrence
    event = occurrence.event
    now = timezone.now()
    margin = services.CHECK_IN_MARGIN
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "registration": registration,
        "occurrence": occurrence,
        "event": event,
        "manages": request.user.has_perm("events.manage_event", event),
        "door_open": occurrence.starts_at - margin <= now <= occurrence.ends_at + margin,
        "error": error,
    }
    return render(request, "events/check_in_ticket.html", context, status=status)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def check_in_ticket(request: AuthenticatedRequest, ticket: str) -> HttpResponse:
    """The address a ticket's QR code gives: the organiser sees whose ticket it is, for which
    date, and checks the person in; its holder sees their ticket's state."""
    if gate := mfa_first(request):
        return gate
    registration = _ticket_registration(request, ticket)
    if request.method == "GET":
        return _ticket_page(request, registration)
    try:
        result = services.check_in(
            actor=request.user, ticket=ticket, event=registration.occurrence.event
        )
    except ApplicationError as error:
        return _ticket_page(
            request, registration, error=str(error.message), status=status_of(error)
        )
    messages.success(request, _check_in_message(result))
    fallback = reverse("events:check_in_ticket", args=[request.municipality.slug, ticket])
    return redirect(safe_next(request, fallback))
