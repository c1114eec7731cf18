"""Offers pages: the citizens' list, offer and vouchers; the merchants' (and the city's)
validation, offers and settlement. HTML first; htmx swaps the validation result."""

import uuid
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.views.card import qr_svg
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error

from . import services_offers as offers
from .forms_offers import OfferForm, PeriodForm, ValidateForm
from .models import Account, Offer

PER_PAGE = 25


def _wallet_balance(program, user) -> int:
    """The citizen's balance without creating a wallet on a GET."""
    balance = (
        Account.objects.filter(program=program, kind=Account.Kind.WALLET, user=user)
        .values_list("balance", flat=True)
        .first()
    )
    return balance or 0


def _not_found(error: NotFound):
    raise Http404(str(error.message))


@login_required
@require_GET
def offer_list(request: AuthenticatedRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in Offer.Kind.values:
        kind = None
    try:
        merchant_id = int(request.GET.get("merchant") or 0) or None
    except ValueError:
        merchant_id = None
    page = Paginator(
        offers.offer_list(visible_to=request.user, merchant_id=merchant_id, kind=kind), PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rewards/offers/offer_list.html",
        {
            "offers": page,
            "page": page,
            "query": query.urlencode(),
            "merchants": offers.offer_merchants(visible_to=request.user),
            "kinds": Offer.Kind.choices,
            "kind": kind,
            "merchant_id": merchant_id,
        },
    )


def _detail_context(request: AuthenticatedRequest, offer: Offer, **extra) -> dict:
    return {
        "offer": offer,
        "balance": _wallet_balance(offer.program, request.user),
        "key": extra.pop("key", None) or uuid.uuid4().hex,
        **extra,
    }


@never_cache
@login_required
@require_GET
def offer_detail(request: AuthenticatedRequest, offer_id: int) -> HttpResponse:
    try:
        offer = offers.offer_get(visible_to=request.user, offer_id=offer_id)
    except NotFound as error:
        _not_found(error)
    return render(request, "rewards/offers/offer_detail.html", _detail_context(request, offer))


@login_required
@require_POST
def offer_redeem(request: AuthenticatedRequest, offer_id: int) -> HttpResponse:
    """Redeem with the key the offer page put in its form: a double submission (or a retry
    after a lost response) returns the same voucher instead of charging twice."""
    try:
        offer = offers.offer_get(visible_to=request.user, offer_id=offer_id)
    except NotFound as error:
        _not_found(error)
    key = request.POST.get("key", "")
    try:
        voucher = offers.offer_redeem(actor=request.user, offer=offer, key=key)
    except ApplicationError as error:
        context = _detail_context(request, offer, error=error.message)
        return render(
            request, "rewards/offers/offer_detail.html", context, status=error.status_code
        )
    return redirect("rewards_offers:voucher", voucher_id=voucher.pk)


@never_cache
@login_required
@require_GET
def voucher_list(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    vouchers = list(offers.voucher_list(user=request.user))
    for voucher in vouchers:
        voucher.usable = voucher.validated_at is None and voucher.expires_at > now  # type: ignore[attr-defined]
    return render(request, "rewards/offers/voucher_list.html", {"vouchers": vouchers})


@never_cache
@login_required
@require_GET
def voucher_detail(request: AuthenticatedRequest, voucher_id: int) -> HttpResponse:
    try:
        voucher = offers.voucher_get(user=request.user, voucher_id=voucher_id)
    except NotFound as error:
        _not_found(error)
    usable = voucher.validated_at is None and voucher.expires_at > timezone.now()
    context = {"voucher": voucher, "usable": usable}
    if usable:
        context["token"] = token = offers.voucher_token(voucher)
        context["qr"] = qr_svg(token)
    return render(request, "rewards/offers/voucher_detail.html", context)


def _is_seller(user) -> bool:
    return offers.managed_merchants(user).exists() or bool(offers.staffed_programs(user))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def voucher_validate(request: AuthenticatedRequest) -> HttpResponse:
    """Validate a voucher: the token is scanned (a QR scanner types it in) or pasted."""
    if not _is_seller(request.user):
        raise Http404
    context: dict = {}
    status = 200
    if request.method == "POST":
        form = ValidateForm(request.POST)
        if form.is_valid():
            try:
                voucher = offers.voucher_validate(
                    actor=request.user, token=form.cleaned_data["token"]
                )
            except ApplicationError as error:
                context.update(outcome="refused", message=error.message, code=error.code)
                status = error.status_code
            else:
                context.update(outcome="validated", voucher=voucher)
                form = ValidateForm()
        else:
            status = 400
    else:
        form = ValidateForm()
    context["form"] = form
    template = "rewards/offers/voucher_validate.html"
    if request.htmx:
        # htmx swaps only 2xx and 400 answers here (see base.html): a refusal is the 400 of
        # this form, its code is in the result's `data-code`.
        template += "#result"
        status = min(status, 400)
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_GET
def manage(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    own_merchants = list(offers.managed_merchants(user).order_by("name"))
    own_programs = offers.staffed_programs(user)
    everything = offers.managed_offers_of(
        actor=user, merchants=own_merchants, programs=own_programs
    )  # one query for every seller, in each seller's order
    merchants = [
        {"merchant": m, "offers": [o for o in everything if o.merchant_id == m.pk]}
        for m in own_merchants
    ]
    programs = [
        {
            "program": p,
            "offers": [o for o in everything if o.merchant_id is None and o.program_id == p.pk],
        }
        for p in own_programs
    ]
    if not merchants and not programs:
        raise Http404
    return render(
        request, "rewards/offers/manage.html", {"merchants": merchants, "programs": programs}
    )


def _offer_form_page(request, *, form, seller_name: str, offer=None, status=200):
    return render(
        request,
        "rewards/offers/offer_form.html",
        {"form": form, "seller_name": seller_name, "offer": offer},
        status=status,
    )


def _save_offer(request, *, form, seller_name, save, offer=None) -> HttpResponse:
    if form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ApplicationError as error:
            form_error(form, error)
        else:
            return redirect("rewards_offers:manage")
    return _offer_form_page(request, form=form, seller_name=seller_name, offer=offer, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def merchant_offer_new(request: AuthenticatedRequest, merchant_id: int) -> HttpResponse:
    try:
        merchant = offers.merchant_get_managed(actor=request.user, merchant_id=merchant_id)
    except NotFound as error:
        _not_found(error)
    if request.method == "GET":
        return _offer_form_page(request, form=OfferForm(), seller_name=merchant.name)
    return _save_offer(
        request,
        form=OfferForm(request.POST),
        seller_name=merchant.name,
        save=lambda data: offers.offer_create(actor=request.user, merchant=merchant, data=data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def municipal_offer_new(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    try:
        program = offers.program_get_staffed(actor=request.user, program_id=program_id)
    except NotFound as error:
        _not_found(error)
    if request.method == "GET":
        return _offer_form_page(request, form=OfferForm(municipal=True), seller_name=program.name)
    return _save_offer(
        request,
        form=OfferForm(request.POST, municipal=True),
        seller_name=program.name,
        save=lambda data: offers.offer_create(actor=request.user, program=program, data=data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedRequest, offer_id: int) -> HttpResponse:
    try:
        offer = offers.offer_get_managed(actor=request.user, offer_id=offer_id)
    except NotFound as error:
        _not_found(error)
    municipal = offer.merchant_id is None
    seller_name = offer.program.name if municipal else offer.merchant.name  # type: ignore[union-attr]
    if request.method == "GET":
        initial = {name: getattr(offer, name) for name in offers.OFFER_FIELDS}
        initial["valid_from"] = timezone.localtime(offer.valid_from)
        initial["valid_until"] = timezone.localtime(offer.valid_until)
        form = OfferForm(initial=initial, municipal=municipal)
        return _offer_form_page(request, form=form, seller_name=seller_name, offer=offer)
    return _save_offer(
        request,
        form=OfferForm(request.POST, municipal=municipal),
        seller_name=seller_name,
        offer=offer,
        save=lambda data: offers.offer_update(actor=request.user, offer=offer, data=data),
    )


@never_cache
@login_required
@require_GET
def settlement(request: AuthenticatedRequest, merchant_id: int) -> HttpResponse:
    """Points redeemed per month; `?format=csv` downloads the same report."""
    try:
        merchant = offers.merchant_get_for_settlement(actor=request.user, merchant_id=merchant_id)
    except NotFound as error:
        _not_found(error)
    today = timezone.localdate()
    default_end = today + timedelta(days=1)
    default_start = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    form = PeriodForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = default_start, default_end
        if not form.is_bound:
            form = PeriodForm(initial={"start": start, "end": end})
    report = offers.settlement_report(merchant=merchant, start=start, end=end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            offers.settlement_csv(report), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="settlement-{merchant.pk}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
        )
        return response
    return render(
        request,
        "rewards/offers/settlement.html",
        {
            "merchant": merchant,
            "form": form,
            "report": report,
            "csv_query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}&format=csv",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
