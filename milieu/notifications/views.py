"""The notification centre, its unread badge and the preferences page (HTML first, htmx on top)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error

from . import registry, selectors, services
from .forms import PreferencesForm
from .rendering import badge, centre_items


def _safe_url(request, url: str) -> str:
    """A notification's link, if it stays on http(s) (never javascript: or the like)."""
    if not url:
        return ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return url if url.startswith(("https://", "http://")) else ""


PREVIEW_LENGTH = 200


def _shorten(notification) -> None:
    """The centre's preview of a message (the whole of a short one, without going through the
    truncating filter, which looks at every character of every message)."""
    body = notification.body
    notification.is_long = len(body) > PREVIEW_LENGTH
    notification.preview = Truncator(body).chars(PREVIEW_LENGTH) if notification.is_long else body


def _centre_items(request: AuthenticatedRequest, cursor: str | None) -> tuple[str, str | None]:
    """One page of the centre's items (HTML) and the cursor of the next page (the page itself
    is kept rendered by `centre`, under the version of the person's notifications)."""
    try:
        page = selectors.notification_page(user=request.user, cursor=cursor)
    except ApplicationError:
        page = selectors.notification_page(user=request.user)
    for notification in page.items:
        notification.safe_url = _safe_url(request, notification.url)  # type: ignore[attr-defined]
        _shorten(notification)
    return str(centre_items(page.items)), page.next_cursor


def _centre_context(request: AuthenticatedRequest, *, cursor: str | None) -> dict[str, Any]:
    items, next_cursor = _centre_items(request, cursor)
    return {
        "items": mark_safe(items),  # noqa: S308 - centre_items escapes every value
        "next_cursor": next_cursor,
        "cursor": cursor,
        "oob_badge": request.method == "POST",
    }


def _centre(request: AuthenticatedRequest, *, cursor: str | None = None, status: int = 200):
    template = "notifications/centre.html"
    if request.htmx and request.method == "POST":
        template += "#notification-list"
    return render(request, template, _centre_context(request, cursor=cursor), status=status)


@login_required
@require_GET
def centre(request: AuthenticatedRequest) -> HttpResponse:
    """My notifications, newest first, 20 a page (`?cursor=` for older ones): kept rendered for
    the current version of my notifications (`core.pagecache`)."""
    cursor = request.GET.get("cursor") or None
    version = selectors.notification_unread_state(user=request.user).version
    return pagecache.render_page(
        request,
        "notifications/centre.html",
        lambda: _centre_context(request, cursor=cursor),
        vary=(version,),
        per_person=True,
    )


@login_required
@require_GET
def detail(request: AuthenticatedRequest, notification_id: int) -> HttpResponse:
    """One notification in full (the centre shortens long messages). Reading it marks it read."""
    try:
        notification = selectors.notification_get(
            user=request.user, notification_id=notification_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    if notification.read_at is None:
        services.notification_mark_read(actor=request.user, notification_ids=[notification.pk])
    notification.safe_url = _safe_url(request, notification.url)  # type: ignore[attr-defined]
    return render(request, "notifications/notification_detail.html", {"notification": notification})


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one of my notifications read (`id`), or all of them (no `id`). An id that is not one
    of mine is a 404 and changes nothing."""
    raw_id = request.POST.get("id", "")
    if raw_id and not raw_id.isdigit():
        raise Http404
    try:
        services.notification_mark_read(
            actor=request.user, notification_ids=[int(raw_id)] if raw_id else None
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    cursor = request.POST.get("cursor") or None
    if request.htmx:
        return _centre(request, cursor=cursor)
    if not raw_id:
        messages.success(request, _("All your notifications are marked as read."))
    response = redirect("notifications:centre")
    if cursor:
        response["Location"] += "?" + urlencode({"cursor": cursor})
    return response


@never_cache
@require_GET
def count(request: MilieuRequest) -> HttpResponse:
    """The unread badge alone, for htmx polling (`hx-swap="outerHTML"`). Nothing to swap for
    someone who is not logged in (any more): 204."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return HttpResponse(badge(selectors.notification_unread_count(user=request.user)))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    columns = selectors.channel_columns(user=user)
    home = selectors.home_district(user=user)
    settings_obj = selectors.delivery_settings_get(user=user)
    sms_offered = registry.channel(registry.SMS).offered()
    form_kwargs: dict[str, Any] = {
        "columns": columns,
        "grid": selectors.preference_grid(user=user),
        "districts": selectors.followable_districts(user=user, exclude=home),
        "sms": sms_offered,
    }
    initial = {
        "districts": selectors.followed_district_ids(user=user),
        "quiet_start": settings_obj.quiet_start,
        "quiet_end": settings_obj.quiet_end,
        "digest": settings_obj.digest,
        "sms_number": settings_obj.sms_number,
    }
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST, initial=initial, **form_kwargs)
        if form.is_valid():
            try:
                services.preferences_update(
                    actor=user,
                    choices=form.choices(),
                    delivery_settings=form.delivery_settings(),
                    districts=list(form.cleaned_data["districts"]),
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Your notification preferences were saved."))
                return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferencesForm(initial=initial, **form_kwargs)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "columns": columns,
            "home_district": home,
            "sms_offered": sms_offered,
        },
        status=status,
    )
