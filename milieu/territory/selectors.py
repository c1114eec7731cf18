"""Reads for territories. Territories themselves are public; districts depend on modules."""

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from milieu.core import modules
from milieu.core.errors import NotFound

from .models import District, Municipality, Region


def region_list() -> QuerySet[Region]:
    return Region.objects.annotate(member_count=Count("municipalities")).order_by("name")


def region_get(*, slug: str) -> Region:
    try:
        return Region.objects.get(slug=slug)
    except Region.DoesNotExist:
        raise NotFound(_("This region does not exist.")) from None


def municipality_list(*, region: Region | None = None, query: str = "") -> QuerySet[Municipality]:
    qs = Municipality.objects.select_related("region").order_by("region__name", "name")
    if region is not None:
        qs = qs.filter(region=region)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(slug__icontains=query.replace(" ", "-")))
    return qs


MUNICIPALITY_CACHE_SECONDS = 3600


def municipality_cache_key(slug: str) -> str:
    return f"territory:municipality:v1:{slug}"


def municipality_get(*, slug: str, module: str | None = None) -> Municipality:
    """The municipality (with its region) of a URL: every municipal page and API call asks, so it
    comes from the cache, forgotten whenever the municipality or its region is saved
    (`territory.signals`). With `module`, a municipality that has not enabled it is not found."""
    key = municipality_cache_key(slug)
    municipality = cache.get(key)
    if municipality is None:
        try:
            municipality = Municipality.objects.select_related("region").get(slug=slug)
        except Municipality.DoesNotExist:
            raise NotFound(_("This municipality does not exist.")) from None
        cache.set(key, municipality, MUNICIPALITY_CACHE_SECONDS)
    if module is not None and not modules.is_enabled(municipality, module):
        raise NotFound(_("This municipality has not enabled this module."))
    return municipality


def municipality_id_cache_key(pk: int) -> str:
    return f"territory:municipality-id:v1:{pk}"


def municipalities_by_id(ids: Iterable[int]) -> dict[int, Municipality]:
    """The municipalities (with their regions) of `ids` that exist, by id: a person's few
    municipalities, read on their pages from the cache in one call, forgotten whenever the
    municipality or its region is saved (`territory.signals`)."""
    keys = {municipality_id_cache_key(pk): pk for pk in set(ids)}
    if not keys:
        return {}
    found = {keys[key]: municipality for key, municipality in cache.get_many(keys).items()}
    missing = set(keys.values()) - found.keys()
    if missing:
        fetched = Municipality.objects.select_related("region").in_bulk(missing)
        cache.set_many(
            {municipality_id_cache_key(pk): m for pk, m in fetched.items()},
            MUNICIPALITY_CACHE_SECONDS,
        )
        found.update(fetched)
    return found


def district_list(*, municipality: Municipality) -> QuerySet[District]:
    if not modules.is_enabled(municipality, "districts"):
        raise NotFound(_("This municipality has not enabled this module."))
    return municipality.districts.order_by("name")


def district_get(*, municipality: Municipality, district_id: int) -> District:
    """A district of *this* municipality; another municipality's district is simply not found."""
    try:
        return District.objects.get(municipality=municipality, pk=district_id)
    except District.DoesNotExist:
        raise NotFound(_("This district does not exist.")) from None


def region_cache_key(slug: str) -> str:
    return f"territory:region:v1:{slug}"


def region_members(*, slug: str) -> tuple[Region, list[Municipality], str]:
    """The region page: the region, its member municipalities and a version of both (random,
    new each time they are read again, so that what is rendered from them can be cached under
    it), from the cache (forgotten with the municipalities, see `territory.signals`)."""
    key = region_cache_key(slug)
    cached = cache.get(key)
    if cached is None:
        region = region_get(slug=slug)
        cached = (region, list(municipality_list(region=region)), secrets.token_hex(6))
        cache.set(key, cached, MUNICIPALITY_CACHE_SECONDS)
    return cached


def directory_cache_key(region_slug: str | None) -> str:
    return f"territory:directory:v1:{region_slug or '*'}"


def municipality_directory(*, region: Region | None = None) -> list[Municipality]:
    """Every municipality (of a region), by name, as the public API lists them: from the cache,
    forgotten with the municipalities (`territory.signals`)."""
    key = directory_cache_key(region.slug if region else None)
    municipalities = cache.get(key)
    if municipalities is None:
        municipalities = list(municipality_list(region=region))
        cache.set(key, municipalities, MUNICIPALITY_CACHE_SECONDS)
    return municipalities
