"""The benchmark dataset of problem reports (see `core.bench`).

Per municipality: the five categories of the demo (pothole, street light, graffiti, snow
removal, other) and two departments, and one report per `RESIDENTS_PER_REPORT` residents (at
least `MIN_REPORTS`), filed by its residents over the past `DAYS` days at points within about
3 km of its centre, in the proportions of `STATUSES` (the closed ones with their closing date,
the ones in progress with a department). Each report has its first step ("open") in its
history, and a second one when its status moved on. No photos, no Open311 clients, no
notifications.

Leaves in the manifest, under `reports`: `towns`, per municipality slug, `staff` (a staff
member with MFA, who reads the queue) and `reports` (a few report numbers, for their pages).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from milieu.core import geo
from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality

from .models import Department, Report, ReportStatus, ReportUpdate, ServiceCategory

MODULE = "reports"
RESIDENTS_PER_REPORT = 25
MIN_REPORTS = 40
DAYS = 365
RADIUS_M = 3000
MANIFEST_REPORTS = 5
CATEGORIES = (
    ("pothole", "Nid-de-poule", "Pothole", 0.4),
    ("streetlight", "Lampadaire", "Street light", 0.2),
    ("graffiti", "Graffiti", "Graffiti", 0.15),
    ("snow-removal", "Déneigement", "Snow removal", 0.15),
    ("other", "Autre problème", "Other problem", 0.1),
)
DEPARTMENTS = ("Travaux publics", "Parcs")
STATUSES = (
    (ReportStatus.OPEN, 0.25),
    (ReportStatus.ACKNOWLEDGED, 0.1),
    (ReportStatus.IN_PROGRESS, 0.1),
    (ReportStatus.CLOSED_FIXED, 0.45),
    (ReportStatus.CLOSED_NOT_FIXED, 0.1),
)
CLOSED = {ReportStatus.CLOSED_FIXED, ReportStatus.CLOSED_NOT_FIXED}
DESCRIPTIONS = (
    "Un trou dans la chaussée.",
    "Le lampadaire ne s'allume plus.",
    "Graffiti sur un mur public.",
    "Le trottoir n'est pas déneigé.",
    "Un panneau est tombé.",
)


def _weighted(rng, choices) -> Any:
    return rng.choices([c[0] for c in choices], weights=[c[-1] for c in choices])[0]


def _switch_module_on(municipalities: list[dict]) -> None:
    for municipality in Municipality.objects.filter(pk__in=[m["id"] for m in municipalities]):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def generate(context: BenchContext) -> dict[str, int]:
    """Generate categories and reports for the benchmark; returns row counts by table."""
    ctx = context
    rng = ctx.rng("reports")
    writer, now = ctx.writer, ctx.now
    municipalities = ctx.state["municipalities"]
    _switch_module_on(municipalities)
    centres = {
        pk: (lat, lng)
        for pk, lat, lng in Municipality.objects.filter(
            pk__in=[m["id"] for m in municipalities]
        ).values_list("pk", "latitude", "longitude")
    }

    department_first = writer.reserve(Department, len(DEPARTMENTS) * len(municipalities))
    category_first = writer.reserve(ServiceCategory, len(CATEGORIES) * len(municipalities))
    departments: list[tuple] = []
    categories: list[tuple] = []
    category_ids: dict[int, list[tuple[int, int]]] = {}
    for index, municipality in enumerate(municipalities):
        mid = municipality["id"]
        first_department = department_first + index * len(DEPARTMENTS)
        for offset, name in enumerate(DEPARTMENTS):
            departments.append((first_department + offset, mid, name, ""))
        category_ids[mid] = []
        for offset, (code, name_fr, name_en, _weight) in enumerate(CATEGORIES):
            pk = category_first + index * len(CATEGORIES) + offset
            department = first_department + (1 if code == "graffiti" else 0)
            categories.append((pk, mid, code, name_fr, name_en, "fr", department, [], True, offset))
            category_ids[mid].append((pk, department))
    writer.insert(Department, ["id", "municipality", "name", "email"], departments)
    writer.insert(
        ServiceCategory,
        [
            "id",
            "municipality",
            "code",
            "name_fr",
            "name_en",
            "original_language",
            "department",
            "attributes",
            "active",
            "position",
        ],
        categories,
    )

    plans = []
    for municipality in municipalities:
        mid = municipality["id"]
        residents = ctx.state["residents"].get(mid) or []
        count = ctx.scaled(max(MIN_REPORTS, len(residents) / RESIDENTS_PER_REPORT), minimum=5)
        plans.append((municipality, residents, count))
    total = sum(count for _m, _r, count in plans)
    report_first = writer.reserve(Report, total)
    reports: list[tuple] = []
    updates: list[tuple] = []
    manifest_towns: dict[str, dict[str, Any]] = {}
    pk = report_first
    for municipality, residents, count in plans:
        mid = municipality["id"]
        lat0, lng0 = centres[mid]
        shown: list[int] = []
        for _number in range(count):
            weights = [c[-1] for c in CATEGORIES]
            chosen = rng.choices(range(len(CATEGORIES)), weights=weights)[0]
            category, department = category_ids[mid][chosen]
            status = _weighted(rng, STATUSES)
            requested = now - timedelta(
                days=rng.random() * DAYS * (0.1 if status not in CLOSED else 1.0)
            )
            distance, bearing = RADIUS_M * math.sqrt(rng.random()), rng.random() * 2 * math.pi
            lat = lat0 + distance * math.cos(bearing) / 111_195.0
            lng = lng0 + distance * math.sin(bearing) / (111_195.0 * math.cos(math.radians(lat0)))
            cells = geo.cell_columns(geo.cell_at(lat, lng))
            closed_at = (
                requested + timedelta(days=1 + rng.random() * 20) if status in CLOSED else None
            )
            updated = closed_at or (
                requested + timedelta(hours=rng.random() * 48)
                if status != ReportStatus.OPEN
                else requested
            )
            reporter = rng.choice(residents) if residents else None
            reports.append(
                (
                    pk,
                    mid,
                    category,
                    DESCRIPTIONS[chosen],
                    {},
                    status,
                    "Réparé. Merci!" if status == ReportStatus.CLOSED_FIXED else "",
                    department if status != ReportStatus.OPEN else None,
                    reporter,
                    "web",
                    f"bench{pk:011d}",
                    requested,
                    updated,
                    closed_at,
                    round(lat, 6),
                    round(lng, 6),
                    cells["cell"],
                    cells["cell_r7"],
                    cells["cell_r6"],
                    cells["cell_r5"],
                )
            )
            updates.append((pk, reporter, "", ReportStatus.OPEN, "", False, requested))
            if status != ReportStatus.OPEN:
                updates.append((pk, None, ReportStatus.OPEN, status, "", False, updated))
            if len(shown) < MANIFEST_REPORTS:
                shown.append(pk)
            pk += 1
        staff = ctx.manifest.get("accounts", {}).get("staff", {}).get(municipality["slug"], [])
        manifest_towns[municipality["slug"]] = {
            "staff": staff[0] if staff else "",
            "reports": shown,
        }
    writer.insert(
        Report,
        [
            "id",
            "municipality",
            "category",
            "description",
            "attributes",
            "status",
            "public_note",
            "department",
            "reporter",
            "source",
            "token",
            "requested_at",
            "updated_at",
            "closed_at",
            "latitude",
            "longitude",
            "cell",
            "cell_r7",
            "cell_r6",
            "cell_r5",
        ],
        reports,
    )
    update_first = writer.reserve(ReportUpdate, len(updates))
    writer.insert(
        ReportUpdate,
        ["id", "report", "author", "status_from", "status_to", "note", "internal", "created_at"],
        ((update_first + i, *row) for i, row in enumerate(updates)),
    )
    ctx.manifest["reports"] = {"towns": dict(sorted(manifest_towns.items()))}
    return {
        "report departments": len(departments),
        "report categories": len(categories),
        "reports": len(reports),
        "report updates": len(updates),
    }
