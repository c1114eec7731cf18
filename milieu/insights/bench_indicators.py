"""The indicators of the benchmark dataset (see `core.bench`, order 300: after every app's data).

Switches the module on in every municipality, fills the monthly-active counters of the last
twelve months (about a third of each town's residents, as the middleware would have counted
them), then runs the real computation (`indicators_compute`) over the whole dataset: one
aggregated query per metric, whatever the number of towns. Its time per metric is logged.

Leaves in the manifest, under `indicators`: `towns` (slugs whose page the harness reads) and
`regions` (slugs of regions with members).
"""

from __future__ import annotations

from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality

from . import metrics
from .models import ActiveResidentsCount, IndicatorValue
from .services_indicators import indicators_compute

MODULE = "indicators"
MANIFEST_TOWNS = 20


def _switch_module_on(ids: list[int]) -> None:
    for municipality in Municipality.objects.filter(pk__in=ids):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("indicators")
    municipalities = ctx.state["municipalities"]
    _switch_module_on([m["id"] for m in municipalities])
    months = metrics.months_back(12, until=ctx.now.date())
    first = ctx.writer.reserve(ActiveResidentsCount, len(municipalities) * len(months))
    rows: list[tuple] = []
    for m in municipalities:
        for month in months:
            active = round(m["residents"] * rng.uniform(0.2, 0.45))
            rows.append((first + len(rows), m["id"], month, active))
    ctx.writer.insert(ActiveResidentsCount, ["id", "municipality", "month", "count"], rows)
    result = indicators_compute(months=13, today=ctx.now.date())
    slowest = sorted(result.seconds.items(), key=lambda item: -item[1])[:4]
    ctx.log(
        "indicators: computed in "
        f"{sum(result.seconds.values()):.1f} s (slowest: "
        + ", ".join(f"{key} {seconds:.2f} s" for key, seconds in slowest)
        + ")"
    )
    by_size = sorted(municipalities, key=lambda m: (-m["residents"], m["slug"]))
    regions = sorted(
        Municipality.objects.filter(pk__in=[m["id"] for m in municipalities])
        .values_list("region__slug", flat=True)
        .distinct()
    )
    ctx.manifest["indicators"] = {
        "towns": [m["slug"] for m in by_size[:MANIFEST_TOWNS]],
        "regions": regions,
    }
    return {
        "monthly active counters": len(rows),
        "indicator values": IndicatorValue.objects.count(),
    }
