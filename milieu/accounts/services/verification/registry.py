"""The civic-address registry: CSV import with a dry run (part of residency verification)."""

import csv
import io
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milieu.core.errors import ApplicationError
from milieu.core.permissions import require
from milieu.territory.models import District, Municipality

from ...models import CivicAddress, User
from ...selectors.verification import (
    POSTAL_CODE_RE,
    normalise_civic_number,
    normalise_postal_code,
    street_key,
)
from ._common import (
    MANAGE_REGISTRY,
    logger,
)

# --- The civic registry -------------------------------------------------------------------------

MAX_REGISTRY_BYTES = 20 * 1024 * 1024
IMPORT_BATCH_SIZE = 1000
# Column names accepted in the header, French spellings included.
REGISTRY_COLUMNS = {
    "civic_number": "civic_number",
    "civic_no": "civic_number",
    "number": "civic_number",
    "numero_civique": "civic_number",
    "no_civique": "civic_number",
    "street": "street",
    "rue": "street",
    "voie": "street",
    "postal_code": "postal_code",
    "code_postal": "postal_code",
    "district": "district",
    "quartier": "district",
    "secteur": "district",
}
REQUIRED_COLUMNS = ("civic_number", "street", "postal_code")


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class RegistryImportReport:
    """What an import did, or (dry run, or a file with errors) would do."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_name(value: str) -> str:
    key = street_key(value).replace(" ", "_")
    return REGISTRY_COLUMNS.get(key, key)


def _read_text(file: IO[Any]) -> str:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_REGISTRY_BYTES:
        raise _file_error(_("The file is larger than 20 MB; split it into several files."))
    if hasattr(file, "seek"):
        file.seek(0)
    raw = file.read(MAX_REGISTRY_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_REGISTRY_BYTES:
        raise _file_error(_("The file is larger than 20 MB; split it into several files."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise _file_error(_("This is not a CSV text file. Export the registry as CSV (UTF-8)."))


def _file_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="validation", extra={"fields": {"file": [message]}})


def _cell(record: list[str], index: dict[str, int], name: str) -> str:
    position = index.get(name)
    return record[position].strip() if position is not None and position < len(record) else ""


def _district_lookup(municipality: Municipality) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for district in District.objects.filter(municipality=municipality):
        lookup[street_key(district.name)] = district.pk
        lookup[street_key(district.slug)] = district.pk
    return lookup


def _parse_registry(
    text: str, municipality: Municipality
) -> tuple[list[tuple[str, str, str, str, int | None]], list[RowError], int]:
    """Rows as (civic_number, street, street_key, postal_code, district_id), and row errors."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_header_name(name) for name in next(reader)]
    except StopIteration:
        raise _file_error(_("The file is empty.")) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise _file_error(
            _("The first line must name the columns %(required)s (and optionally %(optional)s).")
            % {"required": "civic_number, street, postal_code", "optional": "district"}
        )
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "district") if name in header}
    districts = _district_lookup(municipality)
    rows: list[tuple[str, str, str, str, int | None]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    count = 0
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        cell = partial(_cell, record, index)
        messages: list[str] = []
        civic = normalise_civic_number(cell("civic_number"))
        if not civic:
            messages.append(_("The civic number is missing."))
        elif len(civic) > 16 or not civic[0].isdigit():
            messages.append(_("The civic number “%(value)s” is not valid.") % {"value": civic})
        street = " ".join(cell("street").split())
        key = street_key(street)
        if not street:
            messages.append(_("The street is missing."))
        elif len(street) > 200 or not key:
            messages.append(_("The street “%(value)s” is not valid.") % {"value": street[:50]})
        postal = normalise_postal_code(cell("postal_code"))
        if not postal:
            messages.append(_("The postal code is missing."))
        elif not POSTAL_CODE_RE.match(postal):
            messages.append(
                _("The postal code “%(value)s” is not a Canadian postal code.")
                % {"value": cell("postal_code")[:20]}
            )
        district_id = None
        district_name = cell("district")
        if district_name:
            district_id = districts.get(street_key(district_name))
            if district_id is None:
                messages.append(
                    _("The district “%(value)s” does not exist in this municipality.")
                    % {"value": district_name[:50]}
                )
        if not messages:
            unique = (postal, civic, key)
            if unique in seen:
                messages.append(_("Same address as line %(line)d.") % {"line": seen[unique]})
            else:
                seen[unique] = line
        if messages:
            errors.append(RowError(line=line, messages=messages))
        else:
            rows.append((civic, street, key, postal, district_id))
    if count == 0:
        raise _file_error(_("The file has no address under its first line."))
    return rows, errors, count


@transaction.atomic
def civic_registry_import(
    *, actor: User, municipality: Municipality, file: IO[Any], dry_run: bool = False
) -> RegistryImportReport:
    """Create or update the municipality's civic addresses from a CSV file.

    Columns (first line): civic_number, street, postal_code, and optionally district (a district
    of this municipality, by name or slug); commas, semicolons or tabs; UTF-8 or Windows-1252.
    Nothing is imported while a single line is wrong: a dry run reports every bad line by its
    number, and a real import of such a file is refused with the same report
    (`error.extra["report"]`). Importing the same file again changes nothing but `imported_at`.
    Addresses missing from the file are kept.
    """
    require(
        actor,
        MANAGE_REGISTRY,
        municipality,
        _("You are not allowed to manage this municipality's civic registry."),
    )
    text = _read_text(file)
    rows, errors, count = _parse_registry(text, municipality)
    existing = set(
        CivicAddress.objects.filter(municipality=municipality).values_list(
            "postal_code", "civic_number", "street_key"
        )
    )
    created = sum(1 for civic, _s, key, postal, _d in rows if (postal, civic, key) not in existing)
    report = RegistryImportReport(
        dry_run=dry_run,
        rows=count,
        created=created,
        updated=len(rows) - created,
        errors=errors,
    )
    if errors and not dry_run:
        lines = [
            _("Line %(line)d: %(problem)s") % {"line": e.line, "problem": " ".join(e.messages)}
            for e in errors
        ]
        raise ApplicationError(
            ngettext(
                "%(count)d line is wrong; nothing was imported.",
                "%(count)d lines are wrong; nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
            code="validation",
            extra={"fields": {"file": lines}, "report": report},
        )
    if dry_run:
        return report
    now = timezone.now()
    CivicAddress.objects.bulk_create(
        (
            CivicAddress(
                municipality_id=municipality.pk,
                civic_number=civic,
                street=street,
                street_key=key,
                postal_code=postal,
                district_id=district_id,
                imported_at=now,
            )
            for civic, street, key, postal, district_id in rows
        ),
        batch_size=IMPORT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["municipality", "postal_code", "civic_number", "street_key"],
        update_fields=["street", "district", "imported_at"],
    )
    report.imported = True
    logger.info(
        "civic_registry_imported",
        extra={
            "actor": actor.pk,
            "municipality": municipality.pk,
            "created": report.created,
            "updated": report.updated,
        },
    )
    return report
