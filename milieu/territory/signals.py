"""Forget cached municipalities and region pages when they change (see
`selectors.municipality_get` and `selectors.region_members`).

Signals here only keep a cache true; they hold no business logic. Writes that bypass `save()`
(`QuerySet.update`) call `municipality_forget` themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from milieu.core import caching

from .models import Municipality, Region
from .selectors import (
    directory_cache_key,
    municipality_cache_key,
    municipality_id_cache_key,
    region_cache_key,
)


def municipality_forget(*slugs: str, ids: tuple[int, ...] = ()) -> None:
    """Drop the cached copies (by slug, and by id: `ids`, or those of `slugs`), the region pages
    and the directories (they list the municipalities; there are few regions), now and again
    after the commit, so that no request running meanwhile can put the old rows back for long."""
    keys = [municipality_cache_key(slug) for slug in slugs]
    if not ids:
        ids = tuple(Municipality.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    keys += [municipality_id_cache_key(pk) for pk in ids]
    regions = list(Region.objects.values_list("slug", flat=True))
    keys += [region_cache_key(slug) for slug in regions]
    keys += [directory_cache_key(slug) for slug in [*regions, None]]
    caching.forget(keys)


@receiver([post_save, post_delete], sender=Municipality)
def _municipality_changed(sender, instance: Municipality, **kwargs) -> None:
    municipality_forget(instance.slug, ids=(instance.pk,))


@receiver([post_save, post_delete], sender=Region)
def _region_changed(sender, instance: Region, **kwargs) -> None:
    rows = list(Municipality.objects.filter(region=instance).values_list("slug", "pk"))
    municipality_forget(*(slug for slug, _pk in rows), ids=tuple(pk for _slug, pk in rows))
