"""Reads of the best-practice exchange. The catalogue is an explicit selector over every
municipality of the platform: published practices only, whatever the reader. A draft is seen
by its own municipality's staff (`visible_to`), and by no one else (404, like an absent one)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound
from milieu.territory.models import Municipality, Region

from .models import Adoption, Practice, PracticeComment, PracticeStatus, PracticeTag

PER_PAGE = 20
SEARCHED = ("title", "problem", "solution", "technology", "results")


@dataclass(frozen=True)
class Filters:
    query: str = ""
    tag: str = ""
    dimension: str = ""
    region: str = ""
    language: str = ""


def _with_list_data(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    # A correlated count rather than a JOIN + GROUP BY: the page's LIMIT applies first, so only
    # the shown practices' adoptions are counted (and a tag filter's join cannot double them).
    adoptions = (
        Adoption.objects.filter(practice=OuterRef("pk"))
        .order_by()
        .values("practice")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        practices.select_related("municipality__region")
        .annotate(adoption_count=Coalesce(Subquery(adoptions, output_field=IntegerField()), 0))
        .prefetch_related(Prefetch("tags", queryset=PracticeTag.objects.order_by("slug")))
    )


def practice_search(*, filters: Filters, page: int = 1) -> tuple[list[Practice], bool]:
    """One page of published practices of every municipality matching `filters` (words of
    `query` each found in the title, problem, solution, technology or results), latest
    published first; and whether another page follows."""
    practices = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
    for word in filters.query.split()[:8]:
        match = Q()
        for field in SEARCHED:
            match |= Q(**{f"{field}__icontains": word})
        practices = practices.filter(match)
    if filters.tag:
        practices = practices.filter(tags__slug=filters.tag)
    if filters.dimension:
        practices = practices.filter(dimension=filters.dimension)
    if filters.region:
        practices = practices.filter(municipality__region__slug=filters.region)
    if filters.language:
        practices = practices.filter(language=filters.language)
    page = max(1, min(page, 10_000))
    start = (page - 1) * PER_PAGE
    rows = list(
        _with_list_data(practices).order_by("-published_at", "-id")[start : start + PER_PAGE + 1]
    )
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def practice_get(*, practice_id: int, visible_to=None) -> Practice:
    """A published practice, or a draft for its own municipality's staff; else 404."""
    practice = _with_list_data(Practice.objects.filter(pk=practice_id)).first()
    if practice is None:
        raise NotFound(_("This practice does not exist."))
    if practice.status != PracticeStatus.PUBLISHED and not (
        visible_to is not None
        and visible_to.has_perm("network.manage_practices", practice.municipality)
    ):
        raise NotFound(_("This practice does not exist."))
    return practice


def practice_get_for_staff(*, municipality: Municipality, practice_id: int) -> Practice:
    """A practice of *this* municipality (for its staff pages); another town's is not found."""
    practice = (
        Practice.objects.select_related("municipality")
        .prefetch_related("tags")
        .filter(municipality=municipality, pk=practice_id)
        .first()
    )
    if practice is None:
        raise NotFound(_("This practice does not exist."))
    return practice


def practice_list_for_staff(*, municipality: Municipality) -> list[Practice]:
    """Every practice of the municipality, drafts first, then the latest."""
    return list(
        _with_list_data(Practice.objects.filter(municipality=municipality)).order_by(
            "status", "-published_at", "-created_at", "-id"
        )
    )


def adoption_list(*, practice: Practice) -> list[Adoption]:
    return list(
        Adoption.objects.filter(practice=practice)
        .select_related("municipality")
        .order_by("adopted_at", "id")
    )


def comment_list(*, practice: Practice, with_hidden: bool = False) -> list[PracticeComment]:
    """The practice's comments in order, each with its municipality and author; hidden ones only
    for the practice's staff (`with_hidden`)."""
    comments = PracticeComment.objects.filter(practice=practice)
    if not with_hidden:
        comments = comments.filter(hidden=False)
    return list(comments.select_related("municipality", "author").order_by("created_at", "id"))


def comment_get(*, practice: Practice, comment_id: int) -> PracticeComment:
    comment = PracticeComment.objects.filter(practice=practice, pk=comment_id).first()
    if comment is None:
        raise NotFound(_("This comment does not exist."))
    comment.practice = practice
    return comment


def tag_list() -> list[PracticeTag]:
    """The tags of published practices, by name, with how many practices carry each."""
    return list(
        PracticeTag.objects.annotate(
            count=Count("practices", filter=Q(practices__status=PracticeStatus.PUBLISHED))
        )
        .filter(count__gt=0)
        .order_by("slug")
    )


def region_list() -> list[Region]:
    return list(Region.objects.order_by("name").only("slug", "name"))
