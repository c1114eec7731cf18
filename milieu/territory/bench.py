"""Benchmark data for territories: the reference municipalities and their districts.

Districts: one per 8,000 residents, at least 3 and at most 12 (Brossard has 10), placed around
the municipality's centre. Leaves `ctx.state["municipalities"]`: one dict per municipality with
`id`, `slug`, `id_code`, `region_id`, `population`, `residents` (scaled) and `districts` (ids).
"""

import math

from milieu.core import modules
from milieu.core.bench import BenchContext

from .models import District, Municipality
from .services import territories_load


def district_count(population: int) -> int:
    return max(3, min(12, population // 8000))


def generate(ctx: BenchContext) -> dict[str, int]:
    territories_load(default_modules=sorted(modules.keys()))
    rng = ctx.rng("territory")
    municipalities = list(Municipality.objects.order_by("pk"))
    districts = []
    for municipality in municipalities:
        count = district_count(municipality.population)
        existing = set(
            District.objects.filter(municipality=municipality).values_list("slug", flat=True)
        )
        for index in range(count):
            slug = f"quartier-{index + 1:02d}"
            if slug in existing:
                continue
            angle = 2 * math.pi * index / count
            radius = 0.01 + 0.03 * rng.random()
            districts.append(
                District(
                    municipality=municipality,
                    slug=slug,
                    name=f"Quartier {index + 1}",
                    latitude=round(municipality.latitude + radius * math.sin(angle), 4),
                    longitude=round(municipality.longitude + radius * math.cos(angle), 4),
                )
            )
    District.objects.bulk_create(districts)
    by_municipality: dict[int, list[int]] = {}
    for municipality_id, district_id in District.objects.order_by("pk").values_list(
        "municipality_id", "pk"
    ):
        by_municipality.setdefault(municipality_id, []).append(district_id)
    ctx.state["municipalities"] = [
        {
            "id": m.pk,
            "slug": m.slug,
            "id_code": m.id_code,
            "region_id": m.region_id,
            "population": m.population,
            "residents": ctx.scaled(m.population),
            "districts": by_municipality.get(m.pk, []),
        }
        for m in municipalities
    ]
    ctx.manifest["municipalities"] = [
        {"slug": m["slug"], "population": m["population"], "residents": m["residents"]}
        for m in ctx.state["municipalities"]
    ]
    return {"municipalities": len(municipalities), "districts": len(districts)}
