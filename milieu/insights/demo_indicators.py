"""Demo indicators (see `core.demo`, order 300: after every app's demo data).

The `indicators` module is switched on in Brossard and Ville-Marie. The monthly-active counters
of the last twelve months get plausible figures (Brossard's in the hundreds, Ville-Marie's a
handful, which shows "fewer than 5" on some months), since the demo has no year of visits; then
the real computation runs over the demo's data. Idempotent: counters are set, not added to, and
a computation replaces its months.
"""

from __future__ import annotations

from milieu.core import modules
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from . import metrics
from .models import ActiveResidentsCount
from .services_indicators import indicators_compute

MODULE = "indicators"
TOWNS = ("brossard", "ville-marie")
ACTIVE = {
    "brossard": [96, 104, 118, 131, 127, 142, 150, 139, 161, 170, 176, 58],
    "ville-marie": [3, 6, 8, 4, 9, 12, 11, 7, 14, 13, 16, 5],
}


def _switch_on(town: Municipality) -> None:
    enabled = set(town.enabled_modules or [])
    if MODULE in enabled:
        return
    enabled.add(MODULE)
    known = [module.key for module in modules.all_modules()]
    ordered = [key for key in known if key in enabled] + sorted(enabled - set(known))
    Municipality.objects.filter(pk=town.pk).update(enabled_modules=ordered)
    municipality_forget(town.slug)
    town.enabled_modules = ordered


def load() -> list[str]:
    towns = {t.slug: t for t in Municipality.objects.filter(slug__in=TOWNS)}
    months = metrics.months_back(12)
    for slug, town in towns.items():
        _switch_on(town)
        for month, count in zip(months, ACTIVE[slug], strict=True):
            ActiveResidentsCount.objects.update_or_create(
                municipality=town, month=month, defaults={"count": count}
            )
    result = indicators_compute(months=13)
    lines = [
        f"Indicators: {result.municipality_rows} municipal and {result.region_rows} regional "
        "figures computed"
    ]
    for slug in TOWNS:
        if slug in towns:
            lines.append(f"  /fr/{slug}/indicators/")
    return lines
