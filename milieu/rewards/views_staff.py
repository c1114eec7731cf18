"""Back office of the rewards program: earning rules and merchants."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

from . import selectors, services
from .forms import EarningRuleForm

PERM = "rewards.manage_program"


def _rules_page(request, form, *, status=200):
    program = services.program_for(request.municipality)
    template = "rewards/staff_rules.html"
    if request.htmx:
        template += "#rules-panel"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "program": program,
            "rules": selectors.earning_rule_list(program=program),
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
def staff_rules(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "GET":
        return _rules_page(request, EarningRuleForm(initial={"active": True}))
    form = EarningRuleForm(request.POST)
    if form.is_valid():
        try:
            services.earning_rule_set(
                actor=request.user,
                program=services.program_for(request.municipality),
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The earning rule was saved."))
            if request.htmx:
                return _rules_page(request, EarningRuleForm(initial={"active": True}))
            return redirect("rewards_staff:rules", municipality_slug=request.municipality.slug)
    return _rules_page(request, form, status=400)


def _merchants_page(request):
    template = "rewards/staff_merchants.html"
    if request.htmx:
        template += "#merchants-panel"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "merchants": selectors.merchant_list(municipality=request.municipality),
        },
    )


@require_http_methods(["GET"])
@staff_view(PERM)
def staff_merchants(request: AuthenticatedRequest) -> HttpResponse:
    return _merchants_page(request)


@require_POST
@staff_view(PERM)
def staff_merchant_verify(request: AuthenticatedRequest, merchant_id: int) -> HttpResponse:
    try:
        merchant = selectors.merchant_get(
            municipality=request.municipality, merchant_id=merchant_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    services.merchant_verify(actor=request.user, merchant=merchant)
    messages.success(request, _("%(name)s is verified.") % {"name": merchant.name})
    if request.htmx:
        return _merchants_page(request)
    return redirect("rewards_staff:merchants", municipality_slug=request.municipality.slug)
