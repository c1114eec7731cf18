"""The municipality's staff and the organisations registered there (namespace
`volunteering_staff`, under /<lang>/<municipality_slug>/staff/volunteering/, MFA required): the
queue, with the decision that verifies or suspends each one.

Staff pages do not require the volunteering module to be on. The queue shows who registered each
organisation (name and email): every showing is logged as `personal_data_access`
(`selectors.log_access`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, staff_view

from . import selectors
from .forms import OrganisationQueueForm, OrganisationStatusForm
from .models import OrganisationStatus
from .services import organisations as services

PERM = "volunteering.moderate_organisations"


def _queue_page(
    request: AuthenticatedRequest,
    *,
    data=None,
    failed: tuple[int, OrganisationStatusForm] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    data = data if data is not None else request.GET
    data = data if "status" in data else {"status": OrganisationStatus.PENDING}
    filters = OrganisationQueueForm(data)
    chosen = filters.cleaned_data["status"] if filters.is_valid() else OrganisationStatus.PENDING
    found = selectors.organisation_queue(
        visible_to=request.user, municipality=request.municipality, status=chosen
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    selectors.log_access(request.user, shown)
    forms = {
        organisation.pk: OrganisationStatusForm(auto_id=f"id_org{organisation.pk}_%s")
        for organisation in shown
    }
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    template = "volunteering/staff/organisation_list.html"
    if request.htmx:
        template += "#organisation-queue"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "filters": filters,
            "page": page,
            "rows": [(organisation, forms[organisation.pk]) for organisation in shown],
            "query": urlencode({"status": chosen}),
            "error": error,
        },
        status=status,
    )


@require_GET
@staff_view(PERM)
def organisations(request: AuthenticatedRequest) -> HttpResponse:
    """The organisations registered in the municipality: those awaiting verification unless
    `status` says otherwise (empty: all), the longest waiting first."""
    return _queue_page(request)


@require_POST
@staff_view(PERM)
def organisation_status(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """Verify or suspend an organisation; its managers are told."""
    try:
        found = selectors.organisation_for_staff(
            visible_to=request.user,
            municipality=request.municipality,
            organisation_id=organisation_id,
        )
    except NotFound:
        raise Http404(_("This organisation does not exist.")) from None
    form = OrganisationStatusForm(request.POST, auto_id=f"id_org{found.pk}_%s")
    back = {"status": request.POST.get("queue", OrganisationStatus.PENDING)}
    if not form.is_valid():
        return _queue_page(request, data=back, failed=(found.pk, form), status=400)
    try:
        services.organisation_set_status(
            actor=request.user,
            organisation=found,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        return _queue_page(request, data=back, error=str(error.message), status=400)
    if form.cleaned_data["status"] == OrganisationStatus.VERIFIED:
        done = _("%(name)s is verified: it can recruit volunteers.") % {"name": found.name}
    else:
        done = _("%(name)s is suspended.") % {"name": found.name}
    messages.success(request, done)
    queue = reverse(
        "volunteering_staff:organisations", kwargs={"municipality_slug": request.municipality.slug}
    )
    return redirect(f"{queue}?{urlencode(back)}")
