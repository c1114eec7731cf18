"""The recognition pages.

Public, under `/<lang>/recognition/`: the badges with the towns holding them and the evidence
(`index`), one badge with all its holders (`badges/<id>/`), a town's badges, current and past
(`<town>/`). The platform operator sets the platform's criteria on `manage/`; a region's
consortium administrator sets the region's on `/<lang>/regions/<region>/recognition/` (whose list
is public). Every write is a POST answered by a redirect and a message; a refusal shows the form
again with the service's reason (400, or 403 without the permission) and changes nothing.
Evidence is written by `recognition_kinds.describe`, its figures through `core.smallnumbers`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import MilieuRequest, form_error, municipality_view, status_of
from milieu.territory import selectors as territory

from . import recognition_kinds, versions
from . import selectors_recognition as selectors
from . import services_recognition as services
from .forms_recognition import CriterionForm
from .models import Award, Criterion
from .permissions_recognition import may_set_criteria


def _page_number(request: MilieuRequest) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return max(1, min(page, 10_000))


def _with_evidence(awards: list[Award]) -> list[Award]:
    for award in awards:
        award.evidence_text = recognition_kinds.describe(award.evidence)  # type: ignore[attr-defined]
    return awards


def _with_rule(criteria: list[Criterion]) -> list[Criterion]:
    for criterion in criteria:
        criterion.rule = recognition_kinds.threshold_text(  # type: ignore[attr-defined]
            criterion.kind, criterion.threshold, criterion.params
        )
    return criteria


# --- Public pages -------------------------------------------------------------------------------


@require_GET
def recognition_index(request: MilieuRequest) -> HttpResponse:
    can_manage = bool(may_set_criteria(request.user, None))

    def context() -> dict:
        badges = _with_rule(selectors.badge_list())
        for badge in badges:
            _with_evidence(badge.top_holders)  # type: ignore[attr-defined]
        return {
            "badges": badges,
            "holders_shown": selectors.HOLDERS_SHOWN,
            "can_manage": can_manage,
        }

    # Public and the same for everyone until the next evaluation or criterion change: kept
    # rendered (`core.pagecache`) under the recognition version.
    return pagecache.render_page(
        request,
        "network/recognition_index.html",
        context,
        vary=(versions.recognition(), can_manage),
    )


@require_GET
def badge_detail(request: MilieuRequest, criterion_id: int) -> HttpResponse:
    try:
        badge = selectors.badge_get(criterion_id=criterion_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    page = _page_number(request)
    holders, more = selectors.holder_page(criterion=badge, page=page)
    _with_rule([badge])
    return render(
        request,
        "network/recognition_badge.html",
        {
            "badge": badge,
            "holders": _with_evidence(holders),
            "page": page,
            "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None,
        },
    )


@require_GET
@municipality_view
def municipality_badges(request: MilieuRequest) -> HttpResponse:
    municipality = request.municipality

    def context() -> dict:
        current, past = selectors.municipality_awards(municipality=municipality)
        for award in current + past:
            award.criterion.rule = recognition_kinds.threshold_text(  # type: ignore[attr-defined]
                award.criterion.kind, award.criterion.threshold, award.criterion.params
            )
        return {
            "municipality": municipality,
            "current": _with_evidence(current),
            "past": _with_evidence(past),
        }

    return pagecache.render_page(
        request,
        "network/recognition_municipality.html",
        context,
        vary=(municipality.pk, versions.recognition()),
    )


# --- Criteria (platform and regions) ------------------------------------------------------------


def _scope_urls(region) -> tuple[str, str]:
    if region is None:
        return reverse("recognition:manage"), "recognition:manage_edit"
    return reverse("region_recognition:criteria", args=[region.slug]), "region_recognition:edit"


def _refused(request: MilieuRequest, region, message: str) -> HttpResponse:
    return render(
        request,
        "network/recognition_refused.html",
        {"region": region, "error": message},
        status=403,
    )


def _refusal(region) -> str:
    if region is None:
        return _("Only the platform operator sets the platform's criteria.")
    return _("Only the region's consortium administrator sets the region's criteria.")


def _criteria_page(request: MilieuRequest, region, *, public: bool) -> HttpResponse:
    list_url, edit_name = _scope_urls(region)
    can_manage = bool(may_set_criteria(request.user, region))
    if not public or request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(list_url)
        if not can_manage:
            return _refused(request, region, _refusal(region))
    form = CriterionForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                services.criterion_create(
                    actor=request.user, region=region, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    _("The criterion was created; it is evaluated with the next daily run."),
                )
                return redirect(list_url)
        status = 400
    criteria = _with_rule(list(selectors.criterion_list(region=region, platform=region is None)))
    context: dict[str, Any] = {
        "region": region,
        "criteria": criteria,
        "form": form,
        "can_manage": can_manage,
        "edit_name": edit_name,
    }
    return render(request, "network/recognition_criteria.html", context, status=status)


def _edit_page(request: MilieuRequest, region, criterion_id: int) -> HttpResponse:
    list_url, edit_name = _scope_urls(region)
    try:
        criterion = selectors.criterion_get(
            criterion_id=criterion_id, region=region, platform=region is None
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    url = reverse(edit_name, args=[criterion.pk] if region is None else [region.slug, criterion.pk])
    if not request.user.is_authenticated:
        return redirect_to_login(url)
    if not may_set_criteria(request.user, region):
        return _refused(request, region, _refusal(region))
    form = CriterionForm(request.POST or None, initial=CriterionForm.initial_of(criterion))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.criterion_update(
                    actor=request.user, criterion=criterion, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The criterion was saved."))
                return redirect(list_url)
        status = status if status != 200 else 400
    return render(
        request,
        "network/recognition_criterion_form.html",
        {"region": region, "criterion": criterion, "form": form, "list_url": list_url},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def platform_criteria(request: MilieuRequest) -> HttpResponse:
    return _criteria_page(request, None, public=False)


@require_http_methods(["GET", "POST"])
def platform_criterion_edit(request: MilieuRequest, criterion_id: int) -> HttpResponse:
    return _edit_page(request, None, criterion_id)


def _region(region_slug: str):
    try:
        return territory.region_get(slug=region_slug)
    except NotFound as error:
        raise Http404(str(error)) from None


@require_http_methods(["GET", "POST"])
def region_criteria(request: MilieuRequest, region_slug: str) -> HttpResponse:
    return _criteria_page(request, _region(region_slug), public=True)


@require_http_methods(["GET", "POST"])
def region_criterion_edit(
    request: MilieuRequest, region_slug: str, criterion_id: int
) -> HttpResponse:
    return _edit_page(request, _region(region_slug), criterion_id)
