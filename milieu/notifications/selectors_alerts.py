"""Reads of municipal alerts, for the staff pages and the API (staff with MFA only)."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from . import registry
from .alerts import PERM
from .models import Alert, Delivery

FAILED = (Delivery.Status.FAILED, Delivery.Status.BOUNCED)


def _deliveries_count(**filters) -> Coalesce:
    """The number of the alert's deliveries matching `filters`, as a subquery per alert row."""
    counted = (
        Delivery.objects.filter(notification__alert=OuterRef("pk"), **filters)
        .order_by()
        .values("notification__alert")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def alert_list(*, visible_to, municipality: Municipality) -> QuerySet[Alert]:
    """The municipality's alerts, newest first, with their districts, the emails and text
    messages sent (`messages_sent`) and the deliveries that failed or bounced (`failed`)."""
    require(visible_to, PERM, municipality)
    return (
        Alert.objects.filter(municipality=municipality)
        .prefetch_related("districts")
        .annotate(
            messages_sent=_deliveries_count(status=Delivery.Status.SENT, channel__in=_sent_by()),
            failed=_deliveries_count(status__in=FAILED),
        )
        .order_by("-created_at", "-pk")
    )


def _sent_by() -> list[str]:
    """The channels that send a message somewhere (everything but the notification centre)."""
    return [channel.key for channel in registry.channels() if channel.key != registry.IN_APP]


def alert_get(*, visible_to, municipality: Municipality, alert_id: int) -> Alert:
    """An alert of *this* municipality; another municipality's is simply not found."""
    require(visible_to, PERM, municipality)
    try:
        return (
            Alert.objects.select_related("municipality", "created_by")
            .prefetch_related("districts")
            .get(municipality=municipality, pk=alert_id)
        )
    except Alert.DoesNotExist:
        raise NotFound(_("This alert does not exist.")) from None


def alert_delivery_counts(alert: Alert) -> dict[str, dict[str, int]]:
    """The alert's deliveries by channel and status, e.g. `{"email": {"sent": 12, "failed":
    1}}`, in one aggregate query."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        Delivery.objects.filter(notification__alert=alert)
        .order_by()
        .values_list("channel", "status")
        .annotate(n=Count("pk"))
    )
    for channel, status, n in rows:
        counts.setdefault(channel, {})[status] = n
    return counts
