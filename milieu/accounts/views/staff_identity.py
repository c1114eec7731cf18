"""The staff pages of residency verification: the civic registry, the letters to print, the
proofs of address to review, the counter (and assisted accounts), and the decisions log."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts import selectors, services
from milieu.accounts.forms_verification import (
    AssistedAccountForm,
    AssistedAccountUpdateForm,
    CounterForm,
    DecisionFilterForm,
    DecisionForm,
    RegistryImportForm,
    RevokeForm,
)
from milieu.accounts.models import Verification
from milieu.accounts.services.verification import (
    DOCUMENT_KINDS,
    RegistryImportReport,
    is_placeholder_email,
)
from milieu.accounts.verification import DOCUMENT, all_methods
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

logger = logging.getLogger("milieu.audit")

DECIDE = "accounts.decide_verification"
MANAGE_REGISTRY = "accounts.manage_civic_registry"
PER_PAGE = 25
REPORT_ERRORS_SHOWN = 200


def _to(name: str, request: AuthenticatedRequest, **kwargs) -> HttpResponse:
    return redirect(
        f"accounts_staff_identity:{name}", municipality_slug=request.municipality.slug, **kwargs
    )


def _page(request: AuthenticatedRequest, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _verification_or_404(request: AuthenticatedRequest, verification_id: int) -> Verification:
    try:
        return selectors.verification_get(
            visible_to=request.user,
            municipality=request.municipality,
            verification_id=verification_id,
        )
    except NotFound as error:
        raise Http404(str(error)) from None


@require_GET
@staff_view(DECIDE)
def index(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    return render(
        request,
        "accounts/staff_identity/index.html",
        {
            "municipality": municipality,
            "counts": selectors.verification_counts(
                visible_to=request.user, municipality=municipality
            ),
            "registry": selectors.civic_registry_summary(
                visible_to=request.user, municipality=municipality
            ),
        },
    )


# --- Civic registry -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE_REGISTRY)
def registry(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    form = RegistryImportForm()
    report: RegistryImportReport | None = None
    status = 200
    if request.method == "POST":
        form = RegistryImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.civic_registry_import(
                    actor=request.user,
                    municipality=municipality,
                    file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ApplicationError as error:
                report = error.extra.get("report")
                if report is None:
                    form_error(form, error)
                else:
                    form.add_error(None, str(error.message))
                status = 400
            else:
                if report.imported:
                    messages.success(
                        request,
                        _("The registry was imported: %(created)d new, %(updated)d updated.")
                        % {"created": report.created, "updated": report.updated},
                    )
                    form = RegistryImportForm()
        else:
            status = 400
    template = "accounts/staff_identity/registry.html"
    if request.htmx:
        template += "#registry-panel"
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "form": form,
            "report": report,
            "report_errors": report.errors[:REPORT_ERRORS_SHOWN] if report else [],
            "hidden_errors": max(0, len(report.errors) - REPORT_ERRORS_SHOWN) if report else 0,
            "summary": selectors.civic_registry_summary(
                visible_to=request.user, municipality=municipality
            ),
        },
        status=status,
    )


# --- Letters ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_view(DECIDE)
def letters(request: AuthenticatedRequest) -> HttpResponse:
    """GET: what is to print and what awaits its code. POST: print (or reprint) a batch.

    The batch is answered directly (never redirected, never cached): its codes exist nowhere
    else, and printing again draws new ones.
    """
    municipality = request.municipality
    if request.method == "POST":
        reprint = request.POST.getlist("reprint")
        ids = (
            [int(pk) for pk in reprint if pk.isdigit()] if "reprint_batch" in request.POST else None
        )
        if ids == []:
            messages.error(request, _("Choose the letters to print again."))
            return _to("letters", request)
        batch = services.letters_print_batch(
            actor=request.user, municipality=municipality, verification_ids=ids
        )
        if not batch:
            messages.info(request, _("There is no letter to print."))
            return _to("letters", request)
        response = render(
            request,
            "accounts/staff_identity/letters_print.html",
            {
                "municipality": municipality,
                "letters": batch,
                "site": request.build_absolute_uri("/").rstrip("/"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "accounts/staff_identity/letters.html",
        {
            "municipality": municipality,
            "to_print": selectors.letters_to_print(
                visible_to=request.user, municipality=municipality
            ).count(),
            "awaiting": _page(
                request,
                selectors.letters_awaiting_code(visible_to=request.user, municipality=municipality),
            ),
        },
    )


# --- Proofs of address --------------------------------------------------------------------------


@require_GET
@staff_view(DECIDE)
def documents(request: AuthenticatedRequest) -> HttpResponse:
    queue = selectors.document_queue(visible_to=request.user, municipality=request.municipality)
    return render(
        request,
        "accounts/staff_identity/documents.html",
        {"municipality": request.municipality, "page": _page(request, queue)},
    )


@require_http_methods(["GET", "POST"])
@staff_view(DECIDE)
def document(request: AuthenticatedRequest, verification_id: int) -> HttpResponse:
    verification = _verification_or_404(request, verification_id)
    if verification.method != DOCUMENT:
        raise Http404
    form = DecisionForm()
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                services.verification_decide_document(
                    actor=request.user,
                    verification=verification,
                    approve=approve,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    _("The proof of address was approved; the file is deleted.")
                    if approve
                    else _("The proof of address was refused; the file is deleted."),
                )
                return _to("documents", request)
        status = 400
    return render(
        request,
        "accounts/staff_identity/document.html",
        {"municipality": request.municipality, "verification": verification, "form": form},
        status=status,
    )


@require_GET
@staff_view(DECIDE)
def document_file(request: AuthenticatedRequest, verification_id: int) -> FileResponse:
    """The proof of address itself, for staff only, never cached, shown in a sandbox."""
    verification = _verification_or_404(request, verification_id)
    if (
        verification.method != DOCUMENT
        or verification.status != Verification.Status.PENDING
        or not verification.document
    ):
        raise Http404
    kind = (verification.document.name or "").rsplit(".", 1)[-1]
    try:
        handle = verification.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    logger.info(  # personal data seen by staff: logged (who, what, when)
        "personal_data_access",
        extra={
            "actor": request.user.pk,
            "subject": verification.user_id,
            "what": "proof_of_address",
            "verification": verification.pk,
        },
    )
    response = FileResponse(handle, content_type=DOCUMENT_KINDS.get(kind, "application/pdf"))
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = f'inline; filename="proof-{verification.pk}.{kind}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


# --- Counter and assisted accounts --------------------------------------------------------------


def _counter_page(request: AuthenticatedRequest, counter_form, assisted_form, *, status=200):
    municipality = request.municipality
    accounts = selectors.assisted_account_list(visible_to=request.user, municipality=municipality)
    page = _page(request, accounts)
    for account in page:
        account.has_email = not is_placeholder_email(account.email)
    return render(
        request,
        "accounts/staff_identity/counter.html",
        {
            "municipality": municipality,
            "counter_form": counter_form,
            "assisted_form": assisted_form,
            "page": page,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(DECIDE)
def counter(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    language = (municipality.languages or [request.LANGUAGE_CODE])[0]
    counter_form = CounterForm(prefix="counter")
    assisted_form = AssistedAccountForm(prefix="assisted", initial={"preferred_language": language})
    if request.method == "GET":
        return _counter_page(request, counter_form, assisted_form)
    if "verify" in request.POST:
        counter_form = CounterForm(request.POST, prefix="counter")
        if counter_form.is_valid():
            try:
                user = selectors.user_for_counter(
                    visible_to=request.user,
                    municipality=municipality,
                    email=counter_form.cleaned_data["email"],
                )
                services.verification_at_counter(
                    actor=request.user,
                    municipality=municipality,
                    user=user,
                    note=counter_form.cleaned_data["note"],
                )
            except ApplicationError as error:
                form_error(counter_form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is now a verified resident.")
                    % {"name": user.display_name or user.email},
                )
                return _to("counter", request)
    else:
        assisted_form = AssistedAccountForm(request.POST, prefix="assisted")
        if assisted_form.is_valid():
            try:
                user = services.assisted_account_create(
                    actor=request.user, municipality=municipality, **assisted_form.cleaned_data
                )
            except ApplicationError as error:
                form_error(assisted_form, error)
            else:
                messages.success(
                    request,
                    _("The account of %(name)s was created and verified.")
                    % {"name": user.display_name},
                )
                return _to("counter", request)
    return _counter_page(request, counter_form, assisted_form, status=400)


@require_http_methods(["GET", "POST"])
@staff_view(DECIDE)
def assisted_account(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    try:
        user = selectors.assisted_account_get(
            visible_to=request.user, municipality=request.municipality, user_id=user_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    email = "" if is_placeholder_email(user.email) else user.email
    form = AssistedAccountUpdateForm(initial={"display_name": user.display_name, "email": email})
    status = 200
    if request.method == "POST":
        form = AssistedAccountUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.assisted_account_update(
                    actor=request.user,
                    municipality=request.municipality,
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    email=form.cleaned_data["email"],
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The account was saved."))
                return _to("counter", request)
        status = 400
    return render(
        request,
        "accounts/staff_identity/assisted_account.html",
        {
            "municipality": request.municipality,
            "account": user,
            "has_email": bool(email),
            "form": form,
        },
        status=status,
    )


# --- Decisions log ------------------------------------------------------------------------------


@require_GET
@staff_view(DECIDE)
def decisions(request: AuthenticatedRequest) -> HttpResponse:
    filters = DecisionFilterForm(request.GET)
    method = status = None
    if filters.is_valid():
        method = filters.cleaned_data["method"] or None
        status = filters.cleaned_data["status"] or None
    log = selectors.decision_log(
        visible_to=request.user, municipality=request.municipality, method=method, status=status
    )
    page = _page(request, log)
    names = {m.key: m.name for m in all_methods()}
    for verification in page:
        verification.method_name = names.get(verification.method, verification.method)
    query = request.GET.copy()
    query.pop("page", None)
    template = "accounts/staff_identity/decisions.html"
    if request.htmx:
        template += "#decision-table"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "revoke_form": RevokeForm(),
        },
    )


@require_POST
@staff_view(DECIDE)
def verification_revoke(request: AuthenticatedRequest, verification_id: int) -> HttpResponse:
    verification = _verification_or_404(request, verification_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the verification is revoked."))
        return _to("decisions", request)
    try:
        services.verification_revoke(
            actor=request.user, verification=verification, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The verification was revoked, with the citizen id it issued."))
    return _to("decisions", request)
