"""Citizen and merchant pages: my points, the till."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest, form_error

from . import selectors, services
from .forms import MerchantRegisterForm, PurchaseForm

PER_PAGE = 25


@login_required
@require_GET
def my_points(request: AuthenticatedRequest) -> HttpResponse:
    history = Paginator(selectors.wallet_history(visible_to=request.user), PER_PAGE)
    page = history.get_page(request.GET.get("page"))
    template = "rewards/wallet_detail.html"
    if request.htmx:
        template += "#history"
    return render(
        request,
        template,
        {"wallets": list(selectors.wallet_list(visible_to=request.user)), "page": page},
    )


def _till_page(request, form, merchants, *, award=None, status=200):
    template = "rewards/till.html"
    if request.htmx:
        template += "#till-panel"
    return render(
        request, template, {"form": form, "merchants": merchants, "award": award}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def till(request: AuthenticatedRequest) -> HttpResponse:
    merchants = list(selectors.merchants_owned(visible_to=request.user))
    if not merchants:
        raise PermissionDenied
    fresh = PurchaseForm(merchants=merchants, initial={"key": uuid.uuid4().hex})
    if request.method == "GET":
        return _till_page(request, fresh, merchants)
    form = PurchaseForm(request.POST, merchants=merchants)
    if form.is_valid():
        merchant = next(m for m in merchants if m.pk == form.cleaned_data["merchant"])
        try:
            award = services.purchase_award(
                actor=request.user,
                merchant=merchant,
                card_token=form.cleaned_data["card_token"],
                amount_dollars=form.cleaned_data["amount"],
                key=form.cleaned_data["key"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            message = _("%(points)d points awarded.") % {"points": award.points}
            if award.points < award.requested:
                message += " " + _("The citizen reached the cap for purchases.")
            if request.htmx:
                return _till_page(request, fresh, merchants, award=message)
            messages.success(request, message)
            return redirect("rewards:till")
    return _till_page(request, form, merchants, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def merchant_new(request: AuthenticatedRequest) -> HttpResponse:
    """A person with the merchant role registers a business; the city then verifies it."""
    municipalities = selectors.merchant_role_municipalities(visible_to=request.user)
    if not municipalities.exists():
        raise PermissionDenied
    form = MerchantRegisterForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            merchant = services.merchant_register(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. The city will verify it before you can award points.")
                % {"name": merchant.name},
            )
            return redirect("rewards:wallet")
    status = 400 if request.method == "POST" else 200
    return render(request, "rewards/merchant_form.html", {"form": form}, status=status)
