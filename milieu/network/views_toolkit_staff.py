"""The coaching queue of a municipality's staff, under `/<lang>/<municipality>/staff/coaching/`:
residents' requests for free help, newest first; a request with the resident's course progress
(each view of it is logged, `selectors_toolkit.log_access`), scheduled or marked done with a
note."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view, status_of

from . import selectors_toolkit as selectors
from . import services_toolkit as services
from .forms_toolkit import CoachingUpdateForm
from .models import CoachingStatus

PERM = "network.handle_coaching"


@require_GET
@staff_view(PERM)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    status = request.GET.get("status") or None
    items, more = selectors.coaching_queue(
        municipality=request.municipality, status=status, page=page
    )
    return render(
        request,
        "network/toolkit_staff_queue.html",
        {
            "municipality": request.municipality,
            "items": items,
            "status": status if status in CoachingStatus.values else "",
            "statuses": CoachingStatus.choices,
            "page": page,
            "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
def detail(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    try:
        coaching = selectors.coaching_get(municipality=request.municipality, request_id=request_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    form = CoachingUpdateForm(
        request.POST or None,
        initial={
            "status": coaching.status,
            "scheduled_for": coaching.scheduled_for,
            "note": coaching.note,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.coaching_request_update(
                    actor=request.user, coaching=coaching, **form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The request was updated."))
                return redirect(
                    reverse("toolkit_staff:detail", args=[request.municipality.slug, coaching.pk])
                )
        else:
            status = 400
    courses = selectors.learning_of(user=coaching.user)
    selectors.log_access(request.user, [coaching.user_id], "coaching_progress")
    return render(
        request,
        "network/toolkit_staff_detail.html",
        {
            "municipality": request.municipality,
            "coaching": coaching,
            "courses": courses,
            "form": form,
        },
        status=status,
    )
