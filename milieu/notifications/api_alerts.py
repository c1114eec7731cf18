"""Municipal alerts over the API: the same selectors and services as the staff pages."""

from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import alerts, selectors_alerts
from .models import Alert
from .schemas_alerts import (
    AlertIn,
    AlertOut,
    AlertPatch,
    AlertScheduleIn,
    AudienceOut,
    DeliveryCountsOut,
)

router = Router(tags=["alerts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
BASE = "/municipalities/{slug}/alerts"


def _alert(request: AuthenticatedRequest, slug: str, alert_id: int) -> Alert:
    """The alert, looked up only after the permission (its existence is not revealed either)."""
    municipality = territory_selectors.municipality_get(slug=slug)
    require(request.user, alerts.PERM, municipality)
    return selectors_alerts.alert_get(
        visible_to=request.user, municipality=municipality, alert_id=alert_id
    )


@router.get(BASE, response={200: list[AlertOut], **ERRORS}, auth=django_auth)
@paginate
def list_alerts(request: AuthenticatedRequest, slug: str):
    """The municipality's alerts, newest first (staff with MFA)."""
    municipality = territory_selectors.municipality_get(slug=slug)
    return selectors_alerts.alert_list(visible_to=request.user, municipality=municipality)


@router.post(BASE, response={201: AlertOut, **ERRORS}, auth=django_auth)
def create_alert(request: AuthenticatedRequest, slug: str, payload: AlertIn):
    """A draft alert. French is required; English and Spanish fall back to French."""
    municipality = territory_selectors.municipality_get(slug=slug)
    alert = alerts.alert_create(actor=request.user, municipality=municipality, **payload.dict())
    return Status(201, alert)


@router.get(f"{BASE}/{{alert_id}}", response={200: AlertOut, **ERRORS}, auth=django_auth)
def get_alert(request: AuthenticatedRequest, slug: str, alert_id: int):
    return _alert(request, slug, alert_id)


@router.patch(f"{BASE}/{{alert_id}}", response={200: AlertOut, **ERRORS}, auth=django_auth)
def update_alert(request: AuthenticatedRequest, slug: str, alert_id: int, payload: AlertPatch):
    """Change a draft or scheduled alert; only the fields given change."""
    alert = _alert(request, slug, alert_id)
    return alerts.alert_update(actor=request.user, alert=alert, **payload.dict(exclude_unset=True))


@router.post(f"{BASE}/{{alert_id}}/send", response={200: AlertOut, **ERRORS}, auth=django_auth)
def send_alert(request: AuthenticatedRequest, slug: str, alert_id: int):
    """Send now (a draft, or a scheduled alert ahead of its time). The fan-out runs in the
    background: the status is `sending`, then `sent` with `audience_size`."""
    return alerts.alert_send(actor=request.user, alert=_alert(request, slug, alert_id))


@router.post(f"{BASE}/{{alert_id}}/schedule", response={200: AlertOut, **ERRORS}, auth=django_auth)
def schedule_alert(
    request: AuthenticatedRequest, slug: str, alert_id: int, payload: AlertScheduleIn
):
    """Send later (or move a scheduled alert); the time must be in the future."""
    return alerts.alert_schedule(
        actor=request.user, alert=_alert(request, slug, alert_id), when=payload.scheduled_for
    )


@router.post(f"{BASE}/{{alert_id}}/cancel", response={200: AlertOut, **ERRORS}, auth=django_auth)
def cancel_alert(request: AuthenticatedRequest, slug: str, alert_id: int):
    """Cancel a scheduled alert (409 for any other)."""
    return alerts.alert_cancel(actor=request.user, alert=_alert(request, slug, alert_id))


@router.get(
    f"{BASE}/{{alert_id}}/audience", response={200: AudienceOut, **ERRORS}, auth=django_auth
)
def alert_audience(request: AuthenticatedRequest, slug: str, alert_id: int):
    """How many people the alert would reach if it were sent now."""
    return {"audience": alerts.alert_audience(alert=_alert(request, slug, alert_id))}


@router.get(
    f"{BASE}/{{alert_id}}/deliveries",
    response={200: DeliveryCountsOut, **ERRORS},
    auth=django_auth,
)
def alert_deliveries(request: AuthenticatedRequest, slug: str, alert_id: int):
    """The alert's deliveries by channel and status."""
    alert = _alert(request, slug, alert_id)
    return {"channels": selectors_alerts.alert_delivery_counts(alert)}
