"""Benchmark data of the digital plans: every municipality that has a diagnostic gets 3 to 8
plan actions in every status. Leaves in the manifest, under `region_plans`: per region slug, the
email of a member town's staff member (with MFA), who may read the region's plans (the bench's
consortium administrators have no authenticator)."""

from __future__ import annotations

from datetime import timedelta

from milieu.core.bench import BenchContext
from milieu.territory.models import Region

from .dimensions import Dimension
from .models import Diagnostic, DiagnosticStatus, PlanAction, PlanStatus
from .questions import RECOMMENDATIONS


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("plans")
    latest = dict(
        Diagnostic.objects.filter(status=DiagnosticStatus.COMPLETED)
        .exclude(municipality__plan_actions__isnull=False)
        .order_by("municipality_id", "completed_at")
        .values_list("municipality_id", "pk")
    )
    staff_ids = ctx.state.get("staff") or {}
    dimensions, statuses = Dimension.values, PlanStatus.values
    rows = []
    for municipality_id, diagnostic_id in sorted(latest.items()):
        author = (staff_ids.get(municipality_id) or [None])[0]
        for index in range(rng.randint(3, 8)):
            dimension = dimensions[(municipality_id + index) % len(dimensions)]
            start = (ctx.now - timedelta(days=rng.randint(0, 300))).date()
            rows.append(
                (
                    municipality_id,
                    str(RECOMMENDATIONS[dimension].text),
                    dimension,
                    diagnostic_id,
                    "Direction générale",
                    start,
                    start + timedelta(days=rng.randint(30, 365)),
                    statuses[rng.randrange(len(statuses))],
                    author,
                    ctx.now,
                    ctx.now,
                )
            )
    ctx.writer.insert(
        PlanAction,
        [
            "municipality",
            "title",
            "dimension",
            "diagnostic",
            "owner",
            "start",
            "due",
            "status",
            "created_by",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    staff = ctx.manifest.get("accounts", {}).get("staff", {})
    readers = {}
    for region in Region.objects.order_by("slug"):
        for slug in region.municipalities.order_by("slug").values_list("slug", flat=True):
            if staff.get(slug):
                readers[region.slug] = staff[slug][0]
                break
    ctx.manifest["region_plans"] = readers
    return {"plan actions": len(rows)}
