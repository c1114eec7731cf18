"""Helpers shared by HTML views: resolve the municipality in the URL, render service errors."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse

from .errors import ApplicationError, NotFound


def municipality_view(view: Callable) -> Callable:
    """Resolve `municipality_slug` from the URL into `request.municipality` (404 if unknown)."""

    @wraps(view)
    def wrapped(request, municipality_slug: str, *args, **kwargs):
        from milieu.territory.selectors import municipality_get

        try:
            request.municipality = municipality_get(slug=municipality_slug)
        except NotFound as error:
            raise Http404(str(error)) from None
        return view(request, *args, **kwargs)

    return wrapped


def staff_view(perm: str) -> Callable:
    """A back-office page of the municipality in the URL.

    Anonymous people are sent to log in; staff without a TOTP authenticator are sent to enrol
    (MFA is mandatory for staff); anyone else without `perm` on this municipality gets a 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from milieu.accounts.permissions import has_mfa, holds_any_staff_role

            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if holds_any_staff_role(user) and not has_mfa(user):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            if not user.has_perm(perm, request.municipality):
                raise DjangoPermissionDenied
            return view(request, *args, **kwargs)

        return municipality_view(wrapped)

    return decorator


def status_of(error: ApplicationError) -> int:
    """A refusal's status on a page: 403 for a permission, else 400."""
    return 403 if error.status_code == 403 else 400


def form_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's refusal on the form, field by field where it says which field."""
    fields = error.extra.get("fields", {})
    placed = False
    for field, messages in fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed or error.code != "validation":
        form.add_error(None, str(error.message))


if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from milieu.accounts.models import User
    from milieu.territory.models import Municipality


class MilieuRequest(HttpRequest):
    """The request as our middleware and decorators leave it (for type checkers)."""

    htmx: "HtmxDetails"
    municipality: "Municipality"


class AuthenticatedRequest(MilieuRequest):
    """A request behind `login_required`, `staff_view` or the API's session auth."""

    user: "User"
