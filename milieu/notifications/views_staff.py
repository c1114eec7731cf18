"""The staff pages of municipal alerts, under /<lang>/<municipality>/staff/alerts/: the list,
composing (three languages side by side, with a live audience count), an alert's page with its
delivery status, and the send / schedule / cancel actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

from . import alerts, registry, selectors_alerts
from .forms_alerts import AlertForm, ScheduleForm
from .models import Alert, Delivery

PERM = alerts.PERM
PER_PAGE = 20
TEMPLATES = "notifications/staff/"


def _to_alert(request: AuthenticatedRequest, alert: Alert) -> HttpResponse:
    return redirect(
        "notifications_staff:detail", municipality_slug=request.municipality.slug, alert_id=alert.pk
    )


def _alert_or_404(request: AuthenticatedRequest, alert_id: int) -> Alert:
    try:
        return selectors_alerts.alert_get(
            visible_to=request.user, municipality=request.municipality, alert_id=alert_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None


@require_GET
@staff_view(PERM)
def alert_list(request: AuthenticatedRequest) -> HttpResponse:
    alerts_qs = selectors_alerts.alert_list(
        visible_to=request.user, municipality=request.municipality
    )
    page = Paginator(alerts_qs, PER_PAGE).get_page(request.GET.get("page"))
    names = _topic_names()
    for alert in page:
        alert.topic_name = names.get(alert.topic, alert.topic)  # type: ignore[attr-defined]
    return render(
        request, TEMPLATES + "alert_list.html", {"municipality": request.municipality, "page": page}
    )


def _topic_names() -> dict[str, str]:
    return {topic.key: topic.name for topic in registry.topics()}


# --- Composing ----------------------------------------------------------------------------------


def _preview(request: AuthenticatedRequest, data) -> tuple[int | None, str]:
    """The audience for the topic and districts in `data` (a QueryDict), or why it cannot be
    counted yet."""
    try:
        count = alerts.audience_preview(
            actor=request.user,
            municipality=request.municipality,
            topic=data.get("topic", ""),
            district_ids=data.getlist("districts"),
        )
    except ApplicationError as error:
        fields = error.extra.get("fields", {})
        problems = [message for messages_ in fields.values() for message in messages_]
        return None, " ".join(str(p) for p in problems) or str(error.message)
    return count, ""


def _compose(request: AuthenticatedRequest, alert: Alert | None) -> HttpResponse:
    municipality = request.municipality
    form = AlertForm(instance=alert, municipality=municipality)
    audience: int | None = None
    audience_problem = ""
    status = 200
    if request.method == "POST":
        form = AlertForm(request.POST, instance=alert, municipality=municipality)
        action = request.POST.get("action", "save")
        if action == "preview":
            # Without JavaScript: the same page, as typed, with the count. Nothing is saved, and
            # an unfinished text is not an error yet.
            audience, audience_problem = _preview(request, request.POST)
            typed = {
                name: request.POST.getlist(name) if name == "districts" else request.POST.get(name)
                for name in form.fields
            }
            form = AlertForm(initial=typed, instance=alert, municipality=municipality)
        elif form.is_valid():
            try:
                # One transaction: a refused schedule does not leave a half-made draft behind.
                with transaction.atomic():
                    if alert is None:
                        saved = alerts.alert_create(
                            actor=request.user, municipality=municipality, **form.service_fields()
                        )
                    else:
                        saved = alerts.alert_update(
                            actor=request.user, alert=alert, **form.service_fields()
                        )
                    if action == "send":
                        saved = alerts.alert_send(actor=request.user, alert=saved)
                    elif action == "schedule":
                        saved = alerts.alert_schedule(
                            actor=request.user,
                            alert=saved,
                            when=form.cleaned_data.get("scheduled_for"),
                        )
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _message_after(action, saved))
                return _to_alert(request, saved)
        else:
            status = 400
    elif alert is not None:
        audience = alerts.alert_audience(alert=alert)
    else:
        first_topic = QueryDict(mutable=True)
        first_topic["topic"] = form.fields["topic"].choices[0][0]  # type: ignore[attr-defined]
        audience, audience_problem = _preview(request, first_topic)
    return render(
        request,
        TEMPLATES + "alert_form.html",
        {
            "municipality": municipality,
            "alert": alert,
            "form": form,
            "audience": audience,
            "audience_problem": audience_problem,
        },
        status=status,
    )


def _message_after(action: str, alert: Alert) -> str:
    if action == "send":
        if alert.status == Alert.Status.SENT and alert.audience_size is not None:
            return ngettext(
                "The alert was sent to %(count)d person.",
                "The alert was sent to %(count)d people.",
                alert.audience_size,
            ) % {"count": alert.audience_size}
        return _("The alert is being sent.")
    if action == "schedule":
        return _("The alert is scheduled.")
    return _("The draft was saved.")


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
def alert_create(request: AuthenticatedRequest) -> HttpResponse:
    return _compose(request, None)


@require_http_methods(["GET", "POST"])
@staff_view(PERM)
def alert_edit(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    alert = _alert_or_404(request, alert_id)
    if alert.status not in alerts.EDITABLE:
        messages.error(
            request, _("This alert has been sent or cancelled: it can no longer be changed.")
        )
        return _to_alert(request, alert)
    return _compose(request, alert)


@require_GET
@staff_view(PERM)
def audience(request: AuthenticatedRequest) -> HttpResponse:
    """The live count of the compose form (htmx swaps it in when the topic or districts
    change; without JavaScript the form's "Count the audience" button does the same)."""
    count, problem = _preview(request, request.GET)
    return render(
        request,
        TEMPLATES + "alert_form.html#audience-preview",
        {"municipality": request.municipality, "audience": count, "audience_problem": problem},
    )


# --- An alert's page and its actions ------------------------------------------------------------


def _detail(
    request: AuthenticatedRequest,
    alert: Alert,
    *,
    schedule_form: ScheduleForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    counts = selectors_alerts.alert_delivery_counts(alert)
    statuses = Delivery.Status.choices
    rows = [
        (channel.name, [counts.get(channel.key, {}).get(value, 0) for value, _label in statuses])
        for channel in registry.channels()
        if channel.key in counts
    ]
    return render(
        request,
        TEMPLATES + "alert_detail.html",
        {
            "municipality": request.municipality,
            "alert": alert,
            "topic": registry.topic(alert.topic) if alert.topic in _topic_names() else None,
            "districts": list(alert.districts.all()),
            "audience": (
                alert.audience_size
                if alert.status in (Alert.Status.SENT, Alert.Status.SENDING)
                else alerts.alert_audience(alert=alert)
            ),
            "statuses": [label for _value, label in statuses],
            "rows": rows,
            "editable": alert.status in alerts.EDITABLE,
            "schedule_form": schedule_form
            or ScheduleForm(initial={"scheduled_for": alert.scheduled_for}),
            "error": error,
        },
        status=status,
    )


@require_GET
@staff_view(PERM)
def alert_detail(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    return _detail(request, _alert_or_404(request, alert_id))


@require_POST
@staff_view(PERM)
def alert_send(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    alert = _alert_or_404(request, alert_id)
    try:
        sent = alerts.alert_send(actor=request.user, alert=alert)
    except ApplicationError as error:
        return _detail(request, alert, error=str(error.message), status=error.status_code)
    messages.success(request, _message_after("send", sent))
    return _to_alert(request, sent)


@require_POST
@staff_view(PERM)
def alert_schedule(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    alert = _alert_or_404(request, alert_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            scheduled = alerts.alert_schedule(
                actor=request.user, alert=alert, when=form.cleaned_data["scheduled_for"]
            )
        except ApplicationError as error:
            form_error(form, error)
            return _detail(request, alert, schedule_form=form, status=error.status_code)
        messages.success(request, _message_after("schedule", scheduled))
        return _to_alert(request, scheduled)
    return _detail(request, alert, schedule_form=form, status=400)


@require_POST
@staff_view(PERM)
def alert_cancel(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    alert = _alert_or_404(request, alert_id)
    try:
        cancelled = alerts.alert_cancel(actor=request.user, alert=alert)
    except ApplicationError as error:
        return _detail(request, alert, error=str(error.message), status=error.status_code)
    messages.success(request, _("The alert was cancelled: it will not be sent."))
    return _to_alert(request, cancelled)
