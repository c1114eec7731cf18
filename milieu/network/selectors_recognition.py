"""Reads of recognition. Everything here is public: badges, the towns holding them, evidence."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound
from milieu.network.models import Award, Criterion
from milieu.territory.models import Municipality, Region

# How many holders of each badge the recognition page shows; the badge's page shows them all.
HOLDERS_SHOWN = 12
PAGE_SIZE = 50


def criterion_list(*, region: Region | None, platform: bool = False) -> QuerySet[Criterion]:
    """A region's criteria, or the platform's (`platform=True`), active first."""
    queryset = Criterion.objects.select_related("region")
    queryset = queryset.filter(region__isnull=True) if platform else queryset.filter(region=region)
    return queryset.annotate(
        holders=Count("awards", filter=Q(awards__lapsed_at__isnull=True))
    ).order_by("-active", "pk")


def criterion_get(*, criterion_id: int, region: Region | None = None, platform: bool = False):
    """A criterion by id within its scope (a region's, or the platform's)."""
    queryset = Criterion.objects.select_related("region")
    queryset = queryset.filter(region__isnull=True) if platform else queryset
    if region is not None:
        queryset = queryset.filter(region=region)
    criterion = queryset.filter(pk=criterion_id).first()
    if criterion is None:
        raise NotFound(_("This criterion does not exist."))
    return criterion


def badge_list(*, region: Region | None = None) -> list[Criterion]:
    """The active criteria (the platform's, then the regions'), each with `holder_count` and
    `top_holders` (its first HOLDERS_SHOWN current awards by town name, with the town): two
    queries whatever the number of badges and towns."""
    criteria = Criterion.objects.select_related("region").filter(active=True)
    if region is not None:
        criteria = criteria.filter(Q(region=region) | Q(region__isnull=True))
    criteria_list: list[Criterion] = list(
        criteria.annotate(
            holder_count=Count("awards", filter=Q(awards__lapsed_at__isnull=True))
        ).order_by(F("region_id").asc(nulls_first=True), "pk")
    )
    by_id = {criterion.pk: criterion for criterion in criteria_list}
    for criterion in criteria_list:
        criterion.top_holders = []  # type: ignore[attr-defined]
    if by_id:
        ranked = (
            Award.objects.filter(criterion_id__in=by_id, lapsed_at__isnull=True)
            .select_related("municipality")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("criterion_id")],
                    order_by=[F("municipality__name").asc(), F("pk").asc()],
                )
            )
            .filter(rank__lte=HOLDERS_SHOWN)
            .order_by("criterion_id", "rank")
        )
        for award in ranked:
            by_id[award.criterion_id].top_holders.append(award)  # type: ignore[attr-defined]
    return criteria_list


def badge_get(*, criterion_id: int) -> Criterion:
    """An active criterion, for its public page."""
    criterion = (
        Criterion.objects.select_related("region").filter(pk=criterion_id, active=True).first()
    )
    if criterion is None:
        raise NotFound(_("This badge does not exist."))
    return criterion


def holder_page(*, criterion: Criterion, page: int) -> tuple[list[Award], bool]:
    """The towns currently holding a badge, by name, PAGE_SIZE a page, and whether more follow."""
    start = (page - 1) * PAGE_SIZE
    awards = list(
        Award.objects.filter(criterion=criterion, lapsed_at__isnull=True)
        .select_related("municipality")
        .order_by("municipality__name", "pk")[start : start + PAGE_SIZE + 1]
    )
    return awards[:PAGE_SIZE], len(awards) > PAGE_SIZE


def municipality_awards(*, municipality: Municipality) -> tuple[list[Award], list[Award]]:
    """A town's current badges and its past ones (lapsed, or of a criterion turned off)."""
    awards = list(
        Award.objects.filter(municipality=municipality)
        .select_related("criterion__region")
        .order_by("-awarded_at", "-pk")
    )
    current = [a for a in awards if a.lapsed_at is None and a.criterion.active]
    past = [a for a in awards if a not in current]
    return current, past
