"""Benchmark data for recognition: two platform criteria and one per region, and their awards,
as the evaluation would record them: the platform's "Digital starter" held by about 40 % of all
municipalities, the "Secure town" by about 15 %, each region's by about a third of its members,
plus a lapsed award (history) for one town in ten. Leaves `manifest["recognition"]`: the badge
ids and a few towns with badges, for the load harness."""

from datetime import timedelta

from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality, Region

from .models import Award, Criterion


def _criterion(ctx: BenchContext, pk: int, region_id, name: str, kind: str, threshold: float, **p):
    return (
        pk,
        region_id,
        name,
        name,
        name,
        f"{name}: bench criterion.",
        "fr",
        kind,
        threshold,
        p,
        True,
        ctx.now,
        ctx.now,
    )


CRITERION_FIELDS = [
    "id",
    "region_id",
    "name_fr",
    "name_en",
    "name_es",
    "description_fr",
    "original_language",
    "kind",
    "threshold",
    "params",
    "active",
    "created_at",
    "evaluated_at",
]


def generate(ctx: BenchContext) -> dict[str, int]:
    if Criterion.objects.exists():
        return {}
    rng = ctx.rng("recognition")
    towns = list(Municipality.objects.order_by("pk").values_list("pk", "slug", "region_id"))
    regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
    first = ctx.writer.reserve(Criterion, 2 + len(regions))
    criteria = [
        _criterion(ctx, first, None, "Digital starter", "maturity_overall", 2.5),
        _criterion(
            ctx, first + 1, None, "Secure town", "maturity_dimension", 3.5, dimension="security"
        ),
    ]
    shares = {first: 0.4, first + 1: 0.15}
    scope: dict[int, list] = {first: towns, first + 1: towns}
    for offset, region_id in enumerate(regions):
        pk = first + 2 + offset
        criteria.append(
            _criterion(ctx, pk, region_id, f"Region badge {region_id}", "verified_share", 20.0)
        )
        shares[pk] = 1 / 3
        scope[pk] = [t for t in towns if t[2] == region_id]
    ctx.writer.insert(Criterion, CRITERION_FIELDS, criteria)
    rows: list[tuple] = []
    holders: set[str] = set()
    for criterion in criteria:
        pk, kind, threshold = criterion[0], criterion[7], criterion[8]
        for town_id, slug, _region in scope[pk]:
            draw = rng.random()
            if draw < shares[pk]:
                days = rng.randint(1, 300)
                if kind == "verified_share":
                    evidence = {
                        "kind": kind,
                        "value": round(rng.uniform(threshold, 90), 1),
                        "basis": rng.choice([3, 40, 120, 800]),
                        "unit": "percent",
                        "source": "indicators",
                        "date": (ctx.now.date().replace(day=1)).isoformat(),
                    }
                else:
                    evidence = {
                        "kind": kind,
                        "value": round(rng.uniform(threshold, 5), 2),
                        "basis": None,
                        "unit": "score",
                        "source": "diagnostic",
                        "date": (ctx.now - timedelta(days=days)).date().isoformat(),
                    }
                    if criterion[9]:
                        evidence["dimension"] = criterion[9]["dimension"]
                start = ctx.now - timedelta(days=days)
                rows.append((pk, town_id, start.date(), start, ctx.now, None, evidence))
                holders.add(slug)
            elif draw > 0.9:
                start = ctx.now - timedelta(days=rng.randint(200, 400))
                rows.append(
                    (
                        pk,
                        town_id,
                        start.date(),
                        start,
                        start + timedelta(days=60),
                        start + timedelta(days=60),
                        {
                            "kind": kind,
                            "value": threshold,
                            "basis": None,
                            "unit": "score",
                            "source": "diagnostic",
                            "date": start.date().isoformat(),
                        },
                    )
                )
    first_award = ctx.writer.reserve(Award, len(rows))
    ctx.writer.insert(
        Award,
        [
            "id",
            "criterion_id",
            "municipality_id",
            "period",
            "awarded_at",
            "confirmed_at",
            "lapsed_at",
            "evidence",
        ],
        ((first_award + i, *row) for i, row in enumerate(rows)),
    )
    ctx.manifest["recognition"] = {
        "badges": [criterion[0] for criterion in criteria],
        "towns": sorted(holders)[:20],
    }
    return {"network_criterion": len(criteria), "network_award": len(rows)}
