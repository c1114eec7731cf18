"""Writes for territories. Every function checks the actor's permission and runs in a transaction."""

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from milieu.core import modules
from milieu.core.errors import ApplicationError, PermissionDenied
from milieu.core.permissions import require

from .codes import municipality_code
from .models import District, Municipality, Region
from .signals import municipality_forget

DATA_FILE = Path(__file__).parent / "data" / "municipalities.csv"
SUPPORTED_LANGUAGES = ("fr", "en", "es")
SETTINGS_FIELDS = (
    "name",
    "brand_colour",
    "privacy_officer_name",
    "privacy_officer_email",
    "languages",
)


def _require(actor, perm: str, municipality: Municipality) -> None:
    require(actor, perm, municipality, _("You are not allowed to manage this municipality."))


def _validate(instance, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ApplicationError(
            _("Some fields need correcting."),
            code="validation",
            extra={"fields": error.message_dict},
        ) from error


@transaction.atomic
def municipality_update_settings(
    *,
    actor,
    municipality: Municipality,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    **changes: Any,
) -> Municipality:
    _require(actor, "territory.change_municipality", municipality)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown settings: %s") % ", ".join(sorted(unknown)))
    if "languages" in changes:
        languages = list(dict.fromkeys(changes["languages"]))
        if not languages or any(code not in SUPPORTED_LANGUAGES for code in languages):
            raise ApplicationError(
                _("Choose at least one language among French, English and Spanish."),
                code="validation",
                extra={"fields": {"languages": [_("Unsupported language.")]}},
            )
        changes["languages"] = languages
    # Validate a fresh copy so that a refused change leaves the caller's object untouched too.
    candidate = Municipality.objects.select_for_update().get(pk=municipality.pk)
    for field, value in changes.items():
        setattr(candidate, field, value)
    if remove_logo:
        candidate.logo = ""
    elif logo is not None:
        candidate.logo = logo
    _validate(candidate, exclude=["enabled_modules"])
    candidate.save()
    return candidate


@transaction.atomic
def municipality_set_modules(
    *, actor, municipality: Municipality, enabled: list[str]
) -> Municipality:
    _require(actor, "territory.change_municipality", municipality)
    unknown = set(enabled) - modules.keys()
    if unknown:
        raise ApplicationError(
            _("Unknown modules: %s") % ", ".join(sorted(unknown)), code="unknown_module"
        )
    ordered = [m.key for m in modules.all_modules() if m.key in set(enabled)]
    Municipality.objects.filter(pk=municipality.pk).update(enabled_modules=ordered)
    municipality_forget(municipality.slug)
    municipality.enabled_modules = ordered
    return municipality


def _district_fields(**fields: Any) -> dict[str, Any]:
    allowed = {"name", "slug", "latitude", "longitude", "area_km2"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    return fields


def _save_district(district: District) -> District:
    if not district.slug:
        district.slug = slugify(district.name)[:50]
    _validate(district, exclude=["municipality"])
    try:
        with transaction.atomic():
            district.save()
    except IntegrityError:
        raise ApplicationError(
            _("A district with this name already exists in this municipality."),
            code="duplicate",
            extra={"fields": {"name": [_("Already used.")]}},
        ) from None
    return district


@transaction.atomic
def district_create(*, actor, municipality: Municipality, name: str, **fields: Any) -> District:
    _require(actor, "territory.manage_districts", municipality)
    district = District(municipality=municipality, name=name, **_district_fields(**fields))
    return _save_district(district)


@transaction.atomic
def district_update(
    *, actor, municipality: Municipality, district: District, **fields: Any
) -> District:
    _require(actor, "territory.manage_districts", municipality)
    if district.municipality_id != municipality.pk:
        raise PermissionDenied(_("This district belongs to another municipality."))
    candidate = District.objects.get(pk=district.pk)
    for field, value in _district_fields(**fields).items():
        setattr(candidate, field, value)
    return _save_district(candidate)


@transaction.atomic
def district_delete(*, actor, municipality: Municipality, district: District) -> None:
    _require(actor, "territory.manage_districts", municipality)
    if district.municipality_id != municipality.pk:
        raise PermissionDenied(_("This district belongs to another municipality."))
    district.delete()


def _new_code(slug: str, taken: set[str]) -> str:
    code = municipality_code(slug, taken)
    taken.add(code)
    return code


@dataclass
class LoadResult:
    regions: int
    municipalities: int


@transaction.atomic
def territories_load(
    *, path: Path = DATA_FILE, default_modules: list[str] | None = None
) -> LoadResult:
    """Create or update regions and municipalities from the territories CSV (idempotent).

    Settings a municipality changed itself (modules, branding, privacy officer) are kept.
    """
    regions: dict[str, Region] = {}
    taken = set(Municipality.objects.values_list("id_code", flat=True))
    count = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            region = regions.get(row["region_slug"])
            if region is None:
                region, _created = Region.objects.update_or_create(
                    slug=row["region_slug"],
                    defaults={"name": row["region_name"], "kind": row["region_kind"]},
                )
                regions[region.slug] = region
            languages = [code for code in row["languages"].split(";") if code]
            fields = {
                "region": region,
                "name": row["name"],
                "kind": row["kind"],
                "indigenous": row["indigenous"].strip().lower() == "yes",
                "population": int(row["population"]),
                "population_source": row["population_source"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            }
            Municipality.objects.update_or_create(
                slug=row["slug"],
                defaults=fields,
                create_defaults={
                    **fields,
                    "id_code": _new_code(row["slug"], taken),
                    "languages": languages,
                    "enabled_modules": list(default_modules or []),
                },
            )
            count += 1
    return LoadResult(regions=len(regions), municipalities=count)
