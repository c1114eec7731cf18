"""The citizen's own identity page, and the staff page of background checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from milieu.accounts import selectors, services
from milieu.accounts.forms_trust import BackgroundCheckForm
from milieu.accounts.models import BackgroundCheck, CitizenId, User
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view
from milieu.territory.selectors import municipality_get


@login_required
@require_http_methods(["GET"])
def my_identity(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    memberships = list(selectors.membership_list(user=user))
    consents = {c.municipality_id for c in selectors.residency_consent_list(user=user)}
    trust = selectors.trust_levels(user=user, municipalities=[m.municipality for m in memberships])
    rows = [
        {
            "membership": m,
            "trust": trust[m.municipality_id],
            "shared": m.municipality_id in consents,
        }
        for m in memberships
    ]
    return render(
        request,
        "accounts/my_identity.html",
        {
            "rows": rows,
            "citizen_ids": selectors.citizen_id_list(user=user),
            "authorizations": selectors.oidc_authorizations(user=user),
            "now": timezone.now(),
        },
    )


def _own_citizen_id(request: AuthenticatedRequest, citizen_id_pk: int) -> CitizenId:
    try:
        return selectors.citizen_id_get(user=request.user, citizen_id_pk=citizen_id_pk)
    except NotFound as error:
        raise Http404(str(error)) from None


@login_required
@require_POST
def citizen_id_confirm(request: AuthenticatedRequest, citizen_id_pk: int) -> HttpResponse:
    try:
        citizen_id = services.citizen_id_confirm(
            actor=request.user, citizen_id=_own_citizen_id(request, citizen_id_pk)
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Thank you. Your citizen id is valid until %(date)s.")
            % {"date": citizen_id.expires_at.date().isoformat()},
        )
    return redirect("accounts:identity")


@login_required
@require_POST
def citizen_id_surrender(request: AuthenticatedRequest, citizen_id_pk: int) -> HttpResponse:
    citizen_id = services.citizen_id_surrender(
        actor=request.user, citizen_id=_own_citizen_id(request, citizen_id_pk)
    )
    messages.success(
        request,
        _("Your citizen id of %(name)s was withdrawn. Verify your new address to get a new one.")
        % {"name": citizen_id.municipality.name},
    )
    return redirect("accounts:identity")


@login_required
@require_POST
def residency_share(request: AuthenticatedRequest, municipality_slug: str) -> HttpResponse:
    try:
        municipality = municipality_get(slug=municipality_slug)
        if request.POST.get("share") == "1":
            services.residency_share_grant(actor=request.user, municipality=municipality)
        else:
            services.residency_share_withdraw(actor=request.user, municipality=municipality)
    except NotFound as error:
        raise Http404(str(error)) from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your choice was saved."))
    return redirect("accounts:identity")


@login_required
@require_POST
def authorization_revoke(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """Stop a service that signed in with Milieu from receiving anything more about me."""
    try:
        services.oidc_authorization_revoke(actor=request.user, application_id=application_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    messages.success(request, _("The service no longer has access to your account."))
    return redirect("accounts:identity")


@require_http_methods(["GET", "POST"])
@staff_view("accounts.record_background_check")
def staff_background_checks(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    form = BackgroundCheckForm()
    status = 200
    if request.method == "POST":
        form = BackgroundCheckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            person = User.objects.filter(email__iexact=data["email"]).first()
            try:
                if person is None:
                    raise ApplicationError(
                        _("No account uses this email address."),
                        code="validation",
                        extra={"fields": {"email": [_("No account with this address.")]}},
                    )
                services.background_check_record(
                    actor=request.user,
                    municipality=municipality,
                    user=person,
                    kind=data["kind"],
                    checked_on=data["checked_on"],
                    expires_on=data["expires_on"],
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The background check was recorded."))
                return redirect("staff_checks:list", municipality_slug=municipality.slug)
        status = 400
    page = Paginator(selectors.background_check_list(municipality=municipality), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/staff_background_checks.html",
        {"municipality": municipality, "form": form, "page": page},
        status=status,
    )


@require_POST
@staff_view("accounts.record_background_check")
def staff_background_check_revoke(request: AuthenticatedRequest, check_pk: int) -> HttpResponse:
    check = BackgroundCheck.objects.filter(pk=check_pk, municipality=request.municipality).first()
    if check is None:
        raise Http404
    try:
        services.background_check_revoke(
            actor=request.user, municipality=request.municipality, check=check
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The background check was withdrawn."))
    return redirect("staff_checks:list", municipality_slug=request.municipality.slug)
