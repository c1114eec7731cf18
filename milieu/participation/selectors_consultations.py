"""Reads of the consultation frame: a municipality's consultations as the reader may see them,
and one consultation with its phases (404 for anyone who may not see it)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.cursor import keyset_page
from milieu.core.errors import NotFound

from .models import Ballot, Consultation, ConsultationStatus, Phase
from .permissions import can_manage_consultations, module_enabled

PAGE_SIZE = 20
ORDER = ("-created_at", "-pk")
# What the list may be narrowed to: a status, or where a published consultation is now.
FILTERS = ("draft", "published", "closed", "open", "upcoming", "ended", "past")


def consultations_visible(*, municipality, visible_to) -> QuerySet[Consultation]:
    queryset = Consultation.objects.filter(municipality=municipality)
    if not module_enabled(visible_to, municipality):
        return queryset.none()
    if not can_manage_consultations(visible_to, municipality):
        queryset = queryset.exclude(status=ConsultationStatus.DRAFT)
    return queryset


def consultation_filter(queryset: QuerySet[Consultation], status: str | None, now=None):
    now = now or timezone.now()
    if status in (None, ""):
        return queryset
    if status in ConsultationStatus.values:
        return queryset.filter(status=status)
    published = queryset.filter(status=ConsultationStatus.PUBLISHED)
    phases = Phase.objects.filter(consultation=OuterRef("pk"))
    if status == "open":
        return published.filter(Exists(phases.filter(starts_at__lte=now, ends_at__gt=now)))
    if status == "upcoming":
        return published.exclude(Exists(phases.filter(starts_at__lte=now)))
    if status == "ended":  # published, every phase over, not closed yet
        return published.exclude(Exists(phases.filter(ends_at__gt=now)))
    if status == "past":  # closed, or every phase over
        return queryset.filter(status=ConsultationStatus.CLOSED) | published.exclude(
            Exists(phases.filter(ends_at__gt=now))
        )
    from milieu.core.errors import field_error

    raise field_error("status", _("Unknown filter."))


def consultation_list(
    *,
    municipality,
    visible_to,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[Consultation], str | None]:
    """One page of the municipality's consultations, newest first, with their phases (drafts
    only for its staff), and the next page's cursor."""
    queryset = consultation_filter(
        consultations_visible(municipality=municipality, visible_to=visible_to), status
    )
    queryset = queryset.select_related("municipality", "district").prefetch_related("phases")
    return keyset_page(queryset, ORDER, cursor, limit)


def consultation_get_for(*, actor, municipality, consultation_id) -> Consultation:
    """One consultation of `municipality` with its phases, if `actor` may see it; else 404."""
    try:
        pk = int(consultation_id)
    except (TypeError, ValueError):
        pk = 0
    found = (
        consultations_visible(municipality=municipality, visible_to=actor)
        .filter(pk=pk)
        .select_related("municipality", "district")
        .prefetch_related("phases")
        .first()
    )
    if found is None:
        raise NotFound(_("This consultation does not exist."))
    return found


def has_taken_part(*, user, consultation: Consultation) -> bool:
    if not user.is_authenticated:
        return False
    return Ballot.objects.filter(consultation=consultation, user=user).exists()


def taken_part_in(*, user, consultations: list[Consultation]) -> set[int]:
    """Which of these consultations `user` took part in (one query)."""
    if not user.is_authenticated or not consultations:
        return set()
    return set(
        Ballot.objects.filter(user=user, consultation__in=consultations).values_list(
            "consultation_id", flat=True
        )
    )


def participant_count(consultation: Consultation) -> int:
    return Ballot.objects.filter(consultation=consultation).count()


def _safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def results_csv(consultation: Consultation) -> str:
    """The kind's export (`export_rows`) as CSV text, a header first."""
    import csv
    import io

    from . import registry

    out = io.StringIO()
    writer = csv.writer(out)
    kind = registry.get(consultation.kind)
    for row in kind.export_rows(consultation) if kind.export_rows else []:
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


def results_for(consultation: Consultation) -> dict:
    """The results kept at closing, or computed now (the staff's view before closing, and the
    results phase)."""
    if consultation.results is not None:
        return consultation.results
    from .services_consultations import compute_results

    return compute_results(consultation)
