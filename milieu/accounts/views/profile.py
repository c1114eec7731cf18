from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from milieu.accounts import selectors, services
from milieu.accounts.forms import ProfileForm, RoleGrantForm
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    staff_view,
)


@require_POST
def set_language(request: MilieuRequest) -> HttpResponse:
    """Switch the language of the pages; a logged-in person's choice is remembered."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(actor=request.user, language=language)
    return django_set_language(request)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    home = selectors.home_membership(user=user)
    initial = {
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "profile_visibility": user.profile_visibility,
        "home_municipality": home.municipality if home else None,
        "home_district": home.district if home else None,
    }
    form = ProfileForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.profile_update(
                    actor=user,
                    display_name=data["display_name"],
                    preferred_language=data["preferred_language"],
                    profile_visibility=data["profile_visibility"],
                )
                if data["home_municipality"] is not None:
                    services.home_set(
                        actor=user,
                        municipality=data["home_municipality"],
                        district=data["home_district"],
                    )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("core:after_login")
        status = 400
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": selectors.membership_list(user=user),
            "roles": selectors.user_roles(user=user),
        },
        status=status,
    )


@login_required
@require_POST
@municipality_view
def membership_join(request: AuthenticatedRequest) -> HttpResponse:
    services.membership_join(actor=request.user, municipality=request.municipality)
    messages.success(
        request,
        _("%(name)s was added to your municipalities.") % {"name": request.municipality.name},
    )
    return redirect("territory:municipality_home", municipality_slug=request.municipality.slug)


@login_required
@require_POST
@municipality_view
def membership_leave(request: AuthenticatedRequest) -> HttpResponse:
    try:
        services.membership_leave(actor=request.user, municipality=request.municipality)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s was removed from your municipalities.")
            % {"name": request.municipality.name},
        )
    return redirect("territory:municipality_home", municipality_slug=request.municipality.slug)


@require_http_methods(["GET", "POST"])
@staff_view("accounts.manage_roles")
def staff_roles(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    form = RoleGrantForm()
    status = 200
    if request.method == "POST":
        form = RoleGrantForm(request.POST)
        if form.is_valid():
            try:
                services.role_grant(
                    actor=request.user,
                    municipality=municipality,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The role was granted."))
                return redirect("territory:staff_roles", municipality_slug=municipality.slug)
        status = 400
    roles = selectors.role_list(visible_to=request.user, municipality=municipality)
    return render(
        request,
        "accounts/staff_roles.html",
        {"municipality": municipality, "roles": roles, "form": form},
        status=status,
    )


@require_POST
@staff_view("accounts.manage_roles")
def staff_role_revoke(request: AuthenticatedRequest, assignment_id: int) -> HttpResponse:
    municipality = request.municipality
    try:
        assignment = selectors.role_get(
            visible_to=request.user, municipality=municipality, assignment_id=assignment_id
        )
        services.role_revoke(actor=request.user, municipality=municipality, assignment=assignment)
    except NotFound as error:
        raise Http404(str(error)) from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("territory:staff_roles", municipality_slug=municipality.slug)
