"""Who may take part in a consultation, and when.

`refusal(user, consultation, now=)` answers `None` when the person may take part now, else the
reason, in the reader's language, that the page shows and the API returns (`PermissionDenied`
from `require_eligible`). The checks, in order: the consultation is published and not closed;
its action phase is open now; the person is logged in, active, and has the consultation's
minimum trust level in its municipality; when the consultation is limited to a district, the
person's home membership in that municipality is in the district. The minimum age is declared
by the person when they take part (`age_confirmed`), never stored as a birth date.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import PermissionDenied, field_error

from . import registry
from .models import Consultation, ConsultationStatus, Phase


def current_phase(consultation: Consultation, now=None) -> Phase | None:
    """The phase open at `now` (phases are prefetched or read in one query)."""
    now = now or timezone.now()
    for phase in consultation.phases.all():
        if phase.starts_at <= now < phase.ends_at:
            return phase
    return None


def action_phase(consultation: Consultation) -> Phase | None:
    kind = registry.get(consultation.kind)
    for phase in consultation.phases.all():
        if phase.kind == kind.action_phase:
            return phase
    return None


def refusal(user, consultation: Consultation, now=None) -> str | None:
    from milieu.accounts.models import Membership, TrustLevel
    from milieu.accounts.selectors import trust_level

    now = now or timezone.now()
    if consultation.status != ConsultationStatus.PUBLISHED:
        return _("This consultation is not open.")
    phase = action_phase(consultation)
    if phase is None or now < phase.starts_at:
        return _("This consultation is not open yet.")
    if now >= phase.ends_at:
        return _("This consultation is over.")
    if not user.is_authenticated:
        return _("Log in to take part.")
    if not user.is_active:
        return _("This account is not active.")
    level = trust_level(user=user, municipality=consultation.municipality)
    if level < consultation.min_trust:
        needed = TrustLevel(consultation.min_trust)
        if needed >= TrustLevel.RESIDENT:
            return _(
                "This consultation is for verified residents of %(municipality)s. Verify your "
                "residency on “My identity” to take part."
            ) % {"municipality": consultation.municipality.name}
        return _("Confirm your email address to take part.")
    if consultation.district_id is not None:
        in_district = Membership.objects.filter(
            user=user,
            municipality_id=consultation.municipality_id,
            district_id=consultation.district_id,
        ).exists()
        if not in_district:
            return _("This consultation is for the residents of %(district)s.") % {
                "district": consultation.district.name if consultation.district else ""
            }
    return None


def require_eligible(user, consultation: Consultation, *, age_confirmed: bool = False) -> None:
    """Raise the refusal (403) unless the person may take part now; a consultation with a
    minimum age also needs the person's declaration (`age_confirmed`, a field error)."""
    reason = refusal(user, consultation)
    if reason is not None:
        raise PermissionDenied(reason, code="not_eligible")
    if consultation.min_age and not age_confirmed:
        raise field_error(
            "age_confirmed",
            _("Confirm that you are at least %(age)s years old.") % {"age": consultation.min_age},
        )


__all__ = ["action_phase", "current_phase", "refusal", "require_eligible"]
