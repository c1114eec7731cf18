"""The citizen's residency-verification pages: the methods, the address claim, the letter code,
the proof of address, and the status of their verification. Everything works without JavaScript;
with htmx, the forms swap in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts import selectors, services
from milieu.accounts.forms_verification import ClaimAddressForm, DocumentForm, LetterCodeForm
from milieu.accounts.models import Verification
from milieu.accounts.verification import REGISTRY_LETTER, all_methods
from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, municipality_view


def _index(request: MilieuRequest) -> HttpResponse:
    return redirect("accounts_identity:index", municipality_slug=request.municipality.slug)


def _form_page(request: MilieuRequest, template: str, form, *, status: int = 200) -> HttpResponse:
    """The page, or only its form (`#form` partial) for an htmx request.

    htmx swaps only successful answers, so a refused form goes back to it as a 200.
    """
    if request.htmx:
        template += "#form"
        status = 200
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "form": form,
            "current": selectors.verification_current(
                user=request.user, municipality=request.municipality
            ),
        },
        status=status,
    )


def _done(request: MilieuRequest) -> HttpResponse:
    """After a successful POST: back to the status page (an htmx request follows HX-Redirect)."""
    response = _index(request)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
    return response


@require_GET
@municipality_view
def index(request: MilieuRequest) -> HttpResponse:
    """The methods a citizen can start, and the status of their own verification."""
    municipality = request.municipality
    current = selectors.verification_current(user=request.user, municipality=municipality)
    citizen_id = None
    if request.user.is_authenticated:
        citizen_id = selectors.citizen_id_active(user=request.user, municipality=municipality)
    return render(
        request,
        "accounts/identity/index.html",
        {
            "municipality": municipality,
            "methods": all_methods(),
            "current": current,
            "pending": current is not None and current.status == Verification.Status.PENDING,
            "citizen_id": citizen_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@municipality_view
def claim_address(request: AuthenticatedRequest) -> HttpResponse:
    template = "accounts/identity/claim_address.html"
    if request.method == "GET":
        return _form_page(request, template, ClaimAddressForm())
    form = ClaimAddressForm(request.POST)
    if form.is_valid():
        try:
            services.verification_claim_address(
                actor=request.user, municipality=request.municipality, **form.cleaned_data
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your address is in the registry. A letter with a code will be mailed to "
                    "you; enter the code here when it arrives."
                ),
            )
            return _done(request)
    return _form_page(request, template, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@municipality_view
def enter_code(request: AuthenticatedRequest) -> HttpResponse:
    template = "accounts/identity/enter_code.html"
    if request.method == "GET":
        return _form_page(request, template, LetterCodeForm())
    form = LetterCodeForm(request.POST)
    if form.is_valid():
        try:
            services.verification_enter_code(
                actor=request.user,
                municipality=request.municipality,
                code=form.cleaned_data["code"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Thank you: you are now a verified resident."))
            return _done(request)
    return _form_page(request, template, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@municipality_view
def submit_document(request: AuthenticatedRequest) -> HttpResponse:
    template = "accounts/identity/submit_document.html"
    if request.method == "GET":
        return _form_page(request, template, DocumentForm())
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.verification_submit_document(
                actor=request.user,
                municipality=request.municipality,
                file=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your proof of address was sent. Staff will review it; it is deleted as soon "
                    "as they decide."
                ),
            )
            return _done(request)
    return _form_page(request, template, form, status=400)


@login_required
@require_POST
@municipality_view
def withdraw(request: AuthenticatedRequest) -> HttpResponse:
    try:
        verification = services.verification_withdraw(
            actor=request.user, municipality=request.municipality
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if verification.method == REGISTRY_LETTER:
            messages.success(
                request, _("Your request was withdrawn; its letter code is cancelled.")
            )
        else:
            messages.success(request, _("Your request was withdrawn."))
    return _index(request)
