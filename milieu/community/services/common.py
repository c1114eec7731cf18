"""What every community write checks before it speaks in a municipality: the netiquette is
accepted, the person is not suspended there, and they are under the rate limits.

Pages and API operations call services; services call `require_can_speak` after their
permission check, so a refusal reads the same everywhere (a typed `ApplicationError`).
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core import ratelimit
from milieu.core.errors import ApplicationError, PermissionDenied
from milieu.core.ratelimit import Limit
from milieu.territory.models import Municipality

from .. import netiquette
from ..models import Block, Suspension

# How often a person may act, per window (seconds). Generous for people, tight for scripts.
LIMITS: dict[str, list[Limit]] = {
    "post": [Limit(10, 600), Limit(50, 86_400)],
    "comment": [Limit(30, 600), Limit(200, 86_400)],
    "message": [Limit(30, 60), Limit(500, 86_400)],
    "conversation": [Limit(10, 3600), Limit(30, 86_400)],
    "report": [Limit(10, 600), Limit(30, 86_400)],
    "group": [Limit(5, 86_400)],
}


class NetiquetteRequired(ApplicationError):
    status_code = 403
    code = "netiquette_required"


class Suspended(ApplicationError):
    status_code = 403
    code = "suspended"


def active_suspension(user, municipality: Municipality) -> Suspension | None:
    now = timezone.now()
    return (
        Suspension.objects.filter(user=user, municipality=municipality, lifted_at__isnull=True)
        .filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-starts_at")
        .first()
    )


def require_can_speak(actor, municipality: Municipality, *, action: str) -> None:
    """Raise unless `actor` may publish (`action`: a key of `LIMITS`) in the municipality's
    community right now. The rate limit is counted last, so a refused attempt costs nothing."""
    if not netiquette.has_accepted(actor, municipality):
        raise NetiquetteRequired(
            _("Accept the netiquette of %(municipality)s before taking part.")
            % {"municipality": municipality.name}
        )
    suspension = active_suspension(actor, municipality)
    if suspension is not None:
        if suspension.ends_at:
            message = _(
                "You are suspended from the community of %(municipality)s until %(date)s: "
                "%(reason)s"
            ) % {
                "municipality": municipality.name,
                "date": timezone.localtime(suspension.ends_at).strftime("%Y-%m-%d %H:%M"),
                "reason": suspension.reason,
            }
        else:
            message = _("You are suspended from the community of %(municipality)s: %(reason)s") % {
                "municipality": municipality.name,
                "reason": suspension.reason,
            }
        raise Suspended(message)
    ratelimit.hit(f"community:{action}", actor.pk, limits=LIMITS[action])


def blocked_between(user_id: int, other_ids: list[int]) -> set[int]:
    """Among `other_ids`, those who blocked `user_id` (who must not hear from them)."""
    return set(
        Block.objects.filter(blocker_id__in=other_ids, blocked_id=user_id).values_list(
            "blocker_id", flat=True
        )
    )


def require_not_blocked(actor, other_ids: list[int], message: str | None = None) -> None:
    if blocked_between(actor.pk, other_ids):
        raise PermissionDenied(message or _("This person does not accept messages from you."))
