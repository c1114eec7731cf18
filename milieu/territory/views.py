from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.models import TrustLevel
from milieu.accounts.selectors import membership_status, trust_level
from milieu.core import modules, pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    staff_view,
)

from . import selectors, services
from .forms import DistrictForm, ModulesForm, MunicipalitySettingsForm

SETTINGS_FIELDS = ("name", "brand_colour", "privacy_officer_name", "privacy_officer_email")


@require_GET
def region_detail(request: MilieuRequest, region_slug: str) -> HttpResponse:
    try:
        region, members, version = selectors.region_members(slug=region_slug)
    except NotFound as error:
        raise Http404(str(error)) from None
    # Kept rendered for everyone (`core.pagecache`) under the version of the region's members.
    return pagecache.render_page(
        request,
        "territory/region_detail.html",
        lambda: {
            "region": region,
            "members": members,
            "total_population": sum(m.population for m in members),
        },
        vary=(version,),
    )


@require_GET
@municipality_view
def municipality_home(request: MilieuRequest) -> HttpResponse:
    """Kept rendered per municipality, language and what the visitor may do here
    (`core.pagecache`): four facts about the person, no more, decide what the page shows."""
    municipality = request.municipality
    membership = membership_status(user=request.user, municipality=municipality)
    is_resident = trust_level(user=request.user, municipality=municipality) >= TrustLevel.RESIDENT
    can_manage = request.user.has_perm("territory.change_municipality", municipality)
    can_manage_roles = request.user.has_perm("accounts.manage_roles", municipality)
    return pagecache.render_page(
        request,
        "territory/municipality_home.html",
        lambda: {
            "municipality": municipality,
            "enabled_modules": modules.enabled_modules(municipality),
            "membership": membership,
            "is_resident": is_resident,
            "can_manage": can_manage,
            "can_manage_roles": can_manage_roles,
        },
        vary=(
            membership and membership["is_home"],
            membership is not None,
            is_resident,
            can_manage,
            can_manage_roles,
        ),
    )


@require_GET
@municipality_view
@modules.module_required("districts")
def district_list(request: MilieuRequest) -> HttpResponse:
    districts = selectors.district_list(municipality=request.municipality)
    return render(
        request,
        "territory/district_list.html",
        {"municipality": request.municipality, "districts": districts},
    )


@require_http_methods(["GET", "POST"])
@staff_view("territory.change_municipality")
def staff_settings(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    settings_form = MunicipalitySettingsForm(instance=municipality, prefix="settings")
    modules_form = ModulesForm(initial={"enabled": municipality.enabled_modules}, prefix="modules")
    if request.method == "POST" and "save_settings" in request.POST:
        # A bound copy of the instance: a refused form must not alter the page's municipality.
        settings_form = MunicipalitySettingsForm(
            request.POST,
            request.FILES,
            instance=selectors.municipality_get(slug=municipality.slug),
            prefix="settings",
        )
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                services.municipality_update_settings(
                    actor=request.user,
                    municipality=municipality,
                    logo=request.FILES.get("settings-logo"),
                    remove_logo=data["remove_logo"],
                    languages=data["languages"],
                    **{field: data[field] for field in SETTINGS_FIELDS},
                )
            except ApplicationError as error:
                form_error(settings_form, error)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("territory:staff_settings", municipality_slug=municipality.slug)
    elif request.method == "POST":
        modules_form = ModulesForm(request.POST, prefix="modules")
        if modules_form.is_valid():
            try:
                services.municipality_set_modules(
                    actor=request.user,
                    municipality=municipality,
                    enabled=modules_form.cleaned_data["enabled"],
                )
            except ApplicationError as error:
                form_error(modules_form, error)
            else:
                messages.success(request, _("The modules were saved."))
                return redirect("territory:staff_settings", municipality_slug=municipality.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "territory/staff_settings.html",
        {
            "municipality": municipality,
            "settings_form": settings_form,
            "modules_form": modules_form,
            "all_modules": modules.all_modules(),
        },
        status=status,
    )


def _districts_page(request, form, *, status=200):
    template = "territory/staff_districts.html"
    if request.htmx:
        template += "#district-panel"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "districts": request.municipality.districts.order_by("name"),
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view("territory.manage_districts")
def staff_districts(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "GET":
        return _districts_page(request, DistrictForm())
    form = DistrictForm(request.POST)
    if form.is_valid():
        try:
            services.district_create(
                actor=request.user, municipality=request.municipality, **form.cleaned_data
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The district was added."))
            if request.htmx:
                return _districts_page(request, DistrictForm())
            return redirect(
                "territory:staff_districts", municipality_slug=request.municipality.slug
            )
    return _districts_page(request, form, status=400)


def _district_or_404(request, district_id: int):
    try:
        return selectors.district_get(municipality=request.municipality, district_id=district_id)
    except NotFound as error:
        raise Http404(str(error)) from None


@require_http_methods(["GET", "POST"])
@staff_view("territory.manage_districts")
def staff_district_edit(request: AuthenticatedRequest, district_id: int) -> HttpResponse:
    district = _district_or_404(request, district_id)
    form = DistrictForm(instance=district)
    status = 200
    if request.method == "POST":
        form = DistrictForm(
            request.POST,
            instance=_district_or_404(request, district_id),
        )
        if form.is_valid():
            try:
                services.district_update(
                    actor=request.user,
                    municipality=request.municipality,
                    district=district,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The district was saved."))
                return redirect(
                    "territory:staff_districts", municipality_slug=request.municipality.slug
                )
        status = 400
    return render(
        request,
        "territory/staff_district_edit.html",
        {"municipality": request.municipality, "district": district, "form": form},
        status=status,
    )


@require_POST
@staff_view("territory.manage_districts")
def staff_district_delete(request: AuthenticatedRequest, district_id: int) -> HttpResponse:
    district = _district_or_404(request, district_id)
    services.district_delete(
        actor=request.user, municipality=request.municipality, district=district
    )
    messages.success(request, _("The district was deleted."))
    if request.htmx:
        return _districts_page(request, DistrictForm())
    return redirect("territory:staff_districts", municipality_slug=request.municipality.slug)
