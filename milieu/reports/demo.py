"""Demo problem reports (see `core.demo`), in Brossard (Idées collectives) and Ville-Marie
(Témiscamingue).

The module is switched on in both towns. Each offers five categories (pothole, with an extra
question on its size; street light; graffiti; snow removal; other) and two departments (Public
works, Parks). Brossard has four reports: a pothole filed by Camille (the demo resident, open,
with a photo), a street light in progress (assigned to Public works, with a note to the
reporter), graffiti closed as fixed and a duplicate of the pothole. Ville-Marie has two: snow
removal filed by Gabriel (acknowledged) and a pothole closed as not fixed.

Idempotent: a category or a department that exists (by its town and code or name) is left as it
is; the reports are written once (found again by their town and description). Residents' reports
go through `services.report_create`, as they would file them; what the staff do (statuses,
departments, notes) is written directly, as the other demos do (staff enrol their authenticator
on their first visit, and the services ask for it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import User
from milieu.core import modules
from milieu.core.errors import ApplicationError
from milieu.core.pictures import Upload
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from . import services
from .models import Department, Report, ReportStatus, ReportUpdate, ServiceCategory

MODULE = "reports"
TOWNS = ("brossard", "ville-marie")
STAFF = {
    "brossard": "employe.brossard@demo.milieu.test",
    "ville-marie": "admin.mrc@demo.milieu.test",
}
RESIDENT = {"brossard": "citoyenne@demo.milieu.test", "ville-marie": "resident@demo.milieu.test"}

SIZE_QUESTION = [
    {
        "code": "size",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "Taille du trou / Size of the hole",
        "order": 1,
        "variable": True,
        "values": [
            {"key": "small", "name": "Petit (< 30 cm) / Small"},
            {"key": "large", "name": "Grand (> 30 cm) / Large"},
        ],
    }
]
CATEGORIES: list[dict[str, Any]] = [
    {
        "code": "pothole",
        "name_fr": "Nid-de-poule",
        "name_en": "Pothole",
        "name_es": "Bache",
        "description_fr": "Un trou dans la chaussée ou le trottoir.",
        "description_en": "A hole in the road or the sidewalk.",
        "group": "Voirie",
        "attributes": SIZE_QUESTION,
        "department": "Travaux publics",
        "position": 1,
    },
    {
        "code": "streetlight",
        "name_fr": "Lampadaire",
        "name_en": "Street light",
        "name_es": "Farola",
        "description_fr": "Un lampadaire éteint, qui clignote ou est endommagé.",
        "description_en": "A street light that is out, flickering or damaged.",
        "group": "Voirie",
        "department": "Travaux publics",
        "position": 2,
    },
    {
        "code": "graffiti",
        "name_fr": "Graffiti",
        "name_en": "Graffiti",
        "name_es": "Grafiti",
        "description_fr": "Un graffiti sur un bien public.",
        "description_en": "Graffiti on public property.",
        "group": "Propreté",
        "department": "Parcs",
        "position": 3,
    },
    {
        "code": "snow-removal",
        "name_fr": "Déneigement",
        "name_en": "Snow removal",
        "name_es": "Retiro de nieve",
        "description_fr": "Une rue, un trottoir ou un arrêt d'autobus mal déneigé.",
        "description_en": "A street, sidewalk or bus stop not cleared of snow.",
        "group": "Voirie",
        "department": "Travaux publics",
        "position": 4,
    },
    {
        "code": "other",
        "name_fr": "Autre problème",
        "name_en": "Other problem",
        "name_es": "Otro problema",
        "description_fr": "Un autre problème dans un lieu public.",
        "description_en": "Another problem in a public place.",
        "position": 9,
    },
]
DEPARTMENTS = (("Travaux publics", "travaux@demo.milieu.test"), ("Parcs", "parcs@demo.milieu.test"))

# town, resident files it?, category, description, metres north/east of the centre, steps
REPORTS: list[dict[str, Any]] = [
    {
        "town": "brossard",
        "category": "pothole",
        "description": "Un nid-de-poule profond dans la voie de droite, devant l'école.",
        "address": "Boulevard de Rome, devant l'école",
        "at": (120, -80),
        "attributes": {"size": "large"},
        "photo": True,
    },
    {
        "town": "brossard",
        "category": "streetlight",
        "description": "Le lampadaire du sentier du parc est éteint depuis une semaine.",
        "address": "Parc Sorbonne, sentier nord",
        "at": (-300, 260),
        "steps": [
            ("assign", "Travaux publics", ""),
            ("status", ReportStatus.ACKNOWLEDGED, ""),
            (
                "status",
                ReportStatus.IN_PROGRESS,
                "Une équipe remplace l'ampoule cette semaine. / A crew replaces the bulb this week.",
            ),
        ],
    },
    {
        "town": "brossard",
        "category": "graffiti",
        "description": "Graffiti sur l'abribus de la rue Principale.",
        "address": "Abribus, rue Principale",
        "at": (500, 40),
        "steps": [
            ("status", ReportStatus.CLOSED_FIXED, "Nettoyé. Merci! / Cleaned. Thank you!"),
        ],
    },
    {
        "town": "brossard",
        "category": "pothole",
        "description": "Gros trou devant l'école, il faut le réparer.",
        "at": (125, -75),
        "steps": [("duplicate", None, "Déjà signalé: suivez l'autre signalement.")],
    },
    {
        "town": "ville-marie",
        "category": "snow-removal",
        "description": "Le trottoir de la rue Sainte-Anne n'est pas déneigé.",
        "address": "Rue Sainte-Anne",
        "at": (60, 90),
        "steps": [("status", ReportStatus.ACKNOWLEDGED, "")],
    },
    {
        "town": "ville-marie",
        "category": "pothole",
        "description": "Un trou sur le chemin du Quai.",
        "address": "Chemin du Quai",
        "at": (-200, -150),
        "steps": [
            (
                "status",
                ReportStatus.CLOSED_NOT_FIXED,
                "Chemin provincial: transmis au ministère. / A provincial road: sent to the ministry.",
            )
        ],
    },
]


def _switch_on(town: Municipality) -> bool:
    enabled = set(town.enabled_modules or [])
    if MODULE in enabled:
        return False
    enabled.add(MODULE)
    known = [module.key for module in modules.all_modules()]
    ordered = [key for key in known if key in enabled] + sorted(enabled - set(known))
    Municipality.objects.filter(pk=town.pk).update(enabled_modules=ordered)
    municipality_forget(town.slug)
    town.enabled_modules = ordered
    return True


def _point(town: Municipality, north_m: float, east_m: float) -> tuple[float, float]:
    import math

    lat = float(town.latitude) + north_m / 111_195.0
    lng = float(town.longitude) + east_m / (111_195.0 * math.cos(math.radians(lat)))
    return round(lat, 6), round(lng, 6)


def _photo() -> Upload:
    """A grey picture standing for the photo of the pothole."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 90, 95)).save(out, format="JPEG")
    picture = SimpleUploadedFile("trou.jpg", out.getvalue(), content_type="image/jpeg")
    return Upload(file=picture, alt_text="Le nid-de-poule, vu du trottoir")


def _categories(town: Municipality) -> int:
    departments = {}
    for name, email in DEPARTMENTS:
        departments[name], _created = Department.objects.get_or_create(
            municipality=town, name=name, defaults={"email": email}
        )
    made = 0
    for values in CATEGORIES:
        defaults = {k: v for k, v in values.items() if k not in ("code", "department")}
        defaults["department"] = departments.get(values.get("department") or "")
        _category, created = ServiceCategory.objects.get_or_create(
            municipality=town, code=values["code"], defaults=defaults
        )
        made += created
    return made


def _step(report: Report, staff: User | None, step: tuple, first: Report | None) -> None:
    kind, value, note = step
    now = timezone.now()
    if kind == "assign":
        department = Department.objects.get(municipality=report.municipality, name=value)
        report.department = department
        report.save(update_fields=["department"])
        ReportUpdate.objects.create(
            report=report, author=staff, department=department, internal=True, created_at=now
        )
        return
    status = ReportStatus.DUPLICATE if kind == "duplicate" else value
    previous = report.status
    report.status = status
    report.duplicate_of = first if kind == "duplicate" else None
    if note:
        report.public_note = note
    if status not in (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS):
        report.closed_at = now
    report.updated_at = now
    report.save()
    ReportUpdate.objects.create(
        report=report,
        author=staff,
        status_from=previous,
        status_to=status,
        note=note,
        created_at=now,
    )


def _reports(towns: dict[str, Municipality]) -> int:
    made = 0
    first: dict[str, Report] = {}
    for index, values in enumerate(REPORTS):
        town = towns[values["town"]]
        existing = Report.objects.filter(
            municipality=town, description=values["description"]
        ).first()
        if existing is not None:
            first.setdefault(f"{town.slug}:{values['category']}", existing)
            continue
        resident = User.objects.filter(email=RESIDENT[town.slug]).first()
        staff = User.objects.filter(email=STAFF[town.slug]).first()
        if resident is None:
            continue
        latitude, longitude = _point(town, *values["at"])
        photos = [_photo()] if values.get("photo") else []
        try:
            with transaction.atomic():
                report = services.report_create(
                    actor=resident,
                    municipality=town,
                    values={
                        "category": values["category"],
                        "description": values["description"],
                        "address": values.get("address", ""),
                        "latitude": latitude,
                        "longitude": longitude,
                        "attributes": values.get("attributes", {}),
                    },
                    photos=photos,
                )
                Report.objects.filter(pk=report.pk).update(
                    requested_at=timezone.now() - timedelta(days=len(REPORTS) - index)
                )
                report.refresh_from_db()
                key = f"{town.slug}:{values['category']}"
                for step in values.get("steps", []):
                    _step(report, staff, step, first.get(key))
                first.setdefault(key, report)
        except ApplicationError:
            continue
        made += 1
    return made


def load() -> list[str]:
    """Load the demo categories and reports (idempotent); returns lines to print."""
    towns = {town.slug: town for town in Municipality.objects.filter(slug__in=TOWNS)}
    if not towns:
        return []
    for town in towns.values():
        _switch_on(town)
    categories = sum(_categories(town) for town in towns.values())
    reports = _reports(towns)
    return [
        f"Problem reports: the module is on in {', '.join(sorted(towns))}; "
        f"{categories} categories and {reports} reports added.",
        "  Camille (citoyenne@demo.milieu.test) follows her pothole report in Brossard; "
        "employe.brossard@demo.milieu.test handles the queue at /fr/brossard/staff/reports/.",
    ]
