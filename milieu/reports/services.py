"""Every write of the reports app: departments, categories (Open311 services) and their extra
questions, reports with their photos, their handling by the staff (status, department, notes),
and the Open311 clients' keys.

Values arrive as a dict of plain values (a form's `cleaned_data`, an API payload, an Open311
request's parameters) and are checked here, so that the pages, the API and Open311 refuse the
same things with the same messages (`field_error`, code `validation`). A refused write leaves the
database (and the storage) as it was. Every change of a report is a `ReportUpdate`; a public one
(a status, a note to the reporter) tells the reporter (topic "reports").
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from milieu.core import geo, pictures, ratelimit
from milieu.core.errors import Conflict, PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.notifications.services import notify_after_commit

from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Department,
    Open311Client,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from .selectors import distance_m

TOPIC = "reports"
MAX_PHOTOS = 3
MAX_KM_FROM_CENTRE = 60
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")
MAX_ATTRIBUTES = 20
MAX_CHOICES = 50
LIMITS = {
    "report": [Limit(10, 3600), Limit(30, 86_400)],
    "client": [Limit(600, 3600), Limit(5000, 86_400)],  # an app speaks for many people
}
# The page a notification links to (the web pages name it so): the report in its municipality.
REPORT_URL_NAME = "reports:report"


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = str(values.get(field) if values.get(field) is not None else "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    if required and not value:
        raise field_error(field, _("This field is required."))
    return value


def _email(values: dict[str, Any], field: str) -> str:
    value = _text(values, field, 254)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise field_error(field, _("Enter a valid email address.")) from None
    return value


def _bool(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _integer(values: dict[str, Any], field: str, *, low: int, high: int, default: int) -> int:
    value = values.get(field)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error(field, _("Enter a whole number.")) from None
    if not low <= number <= high:
        raise field_error(
            field, _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    return number


def _point(values: dict[str, Any], municipality) -> dict[str, Any]:
    """The problem's point (required), within `MAX_KM_FROM_CENTRE` of the municipality's
    centre, with its H3 cells."""
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude in (None, "") or longitude in (None, ""):
        raise field_error("latitude", _("Place the problem on the map."))
    try:
        lat, lng = float(latitude), float(longitude)
        cell = geo.cell_at(lat, lng)
    except (TypeError, ValueError):
        raise field_error("latitude", _("Give a valid latitude and longitude.")) from None
    far = distance_m(lat, lng, municipality.latitude, municipality.longitude)
    if far > MAX_KM_FROM_CENTRE * 1000:
        raise field_error("latitude", _("This point is far from the municipality."))
    return {"latitude": lat, "longitude": lng, **geo.cell_columns(cell)}


# --- Departments --------------------------------------------------------------------------------


def _department_values(values: dict[str, Any], municipality, *, current=None) -> dict[str, Any]:
    name = _text(values, "name", 200, required=True)
    taken = Department.objects.filter(municipality=municipality, name__iexact=name)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        raise field_error("name", _("A department already has this name."))
    return {"name": name, "email": _email(values, "email")}


@transaction.atomic
def department_create(*, actor, municipality, name: str, email: str = "") -> Department:
    require(actor, "reports.manage_categories", municipality)
    clean = _department_values({"name": name, "email": email}, municipality)
    return Department.objects.create(municipality=municipality, **clean)


@transaction.atomic
def department_update(
    *, actor, department: Department, name: str | None = None, email: str | None = None
) -> Department:
    require(actor, "reports.manage_categories", department.municipality)
    department = Department.objects.select_for_update().get(pk=department.pk)
    values = {
        "name": department.name if name is None else name,
        "email": department.email if email is None else email,
    }
    clean = _department_values(values, department.municipality, current=department)
    for field, value in clean.items():
        setattr(department, field, value)
    department.save()
    return department


def _department(value: Any, municipality, field: str = "department") -> Department | None:
    if value in (None, ""):
        return None
    wanted = getattr(value, "pk", value)
    try:
        return Department.objects.get(municipality=municipality, pk=int(wanted))
    except (TypeError, ValueError, Department.DoesNotExist):
        raise field_error(field, _("Choose one of the municipality's departments.")) from None


# --- Categories ---------------------------------------------------------------------------------


def clean_attributes(raw: Any) -> list[dict[str, Any]]:
    """A category's extra questions, checked, in the GeoReport v2 service-definition shape:
    `code`, `datatype`, `required`, `description` (the question), `order`, `values` (the
    choices of a list: `key`, `name`), and `variable` (always true: the reporter answers)."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_ATTRIBUTES:
        raise field_error(
            "attributes", _("At most %(count)s extra questions.") % {"count": MAX_ATTRIBUTES}
        )
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise field_error("attributes", _("Each extra question needs a code and a type."))
        code = str(item.get("code") or "").strip()
        try:
            validate_slug(code)
        except ValidationError:
            raise field_error(
                "attributes",
                _("Question %(number)s: the code uses letters, digits, - and _ only.")
                % {"number": position},
            ) from None
        if len(code) > 60 or code in seen:
            raise field_error(
                "attributes",
                _("Question %(number)s: each code is unique and short.") % {"number": position},
            )
        seen.add(code)
        datatype = str(item.get("datatype") or "")
        if datatype not in DATATYPES:
            raise field_error(
                "attributes",
                _("Question %(number)s: choose a type among %(types)s.")
                % {"number": position, "types": ", ".join(DATATYPES)},
            )
        description = str(item.get("description") or "").strip()
        if not description or len(description) > 500:
            raise field_error(
                "attributes",
                _("Question %(number)s: write the question (at most 500 characters).")
                % {"number": position},
            )
        try:
            order = int(item.get("order") or position)
        except (TypeError, ValueError):
            raise field_error(
                "attributes",
                _("Question %(number)s: the order is a number.") % {"number": position},
            ) from None
        choices: list[dict[str, str]] = []
        if datatype in LIST_DATATYPES:
            raw_values = item.get("values") or []
            if not isinstance(raw_values, list) or not 1 <= len(raw_values) <= MAX_CHOICES:
                raise field_error(
                    "attributes",
                    _("Question %(number)s: give from 1 to %(count)s choices.")
                    % {"number": position, "count": MAX_CHOICES},
                )
            keys: set[str] = set()
            for choice in raw_values:
                key = str(choice.get("key") or "").strip() if isinstance(choice, dict) else ""
                name = str(choice.get("name") or "").strip() if isinstance(choice, dict) else ""
                if not key or not name or key in keys or len(key) > 60 or len(name) > 200:
                    raise field_error(
                        "attributes",
                        _("Question %(number)s: each choice has a unique key and a name.")
                        % {"number": position},
                    )
                keys.add(key)
                choices.append({"key": key, "name": name})
        clean.append(
            {
                "code": code,
                "datatype": datatype,
                "required": _bool(item.get("required"), False),
                "description": description,
                "order": order,
                "variable": True,
                "values": choices,
            }
        )
    return sorted(clean, key=lambda attribute: (attribute["order"], attribute["code"]))


def category_values(category: ServiceCategory) -> dict[str, Any]:
    """A category's current values, in the shape the services take (for a partial update)."""
    values: dict[str, Any] = {
        field: getattr(category, field)
        for field in (
            "code",
            *(f"{name}_{code}" for name in ("name", "description") for code in LANGUAGE_CODES),
            "original_language",
            "group",
            "keywords",
            "attributes",
            "active",
            "position",
        )
    }
    values["department"] = category.department_id
    return values


def _validate_category(values: dict[str, Any], municipality, *, current=None) -> dict[str, Any]:
    code = _text(values, "code", 60, required=True).lower()
    try:
        validate_slug(code)
    except ValidationError:
        raise field_error("code", _("Use letters, digits, - and _ only.")) from None
    taken = ServiceCategory.objects.filter(municipality=municipality, code=code)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        raise field_error("code", _("Another category has this code."))
    clean: dict[str, Any] = {"code": code}
    for code_ in LANGUAGE_CODES:
        clean[f"name_{code_}"] = _text(values, f"name_{code_}", 120)
        clean[f"description_{code_}"] = _text(values, f"description_{code_}", 500)
    written = [code_ for code_ in LANGUAGE_CODES if clean[f"name_{code_}"]]
    if not written:
        raise field_error("name_fr", _("Give a name in at least one language."))
    chosen = str(values.get("original_language") or "")
    if chosen and chosen not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose among French, English and Spanish."))
    clean["original_language"] = chosen if chosen in written else written[0]
    clean["group"] = _text(values, "group", 120)
    clean["keywords"] = _text(values, "keywords", 300)
    clean["department"] = _department(values.get("department"), municipality)
    clean["attributes"] = clean_attributes(values.get("attributes"))
    clean["active"] = _bool(values.get("active"), True)
    clean["position"] = _integer(values, "position", low=0, high=32767, default=0)
    return clean


@transaction.atomic
def category_create(*, actor, municipality, values: dict[str, Any]) -> ServiceCategory:
    require(actor, "reports.manage_categories", municipality)
    clean = _validate_category(values, municipality)
    return ServiceCategory.objects.create(municipality=municipality, **clean)


@transaction.atomic
def category_update(*, actor, category: ServiceCategory, values: dict[str, Any]) -> ServiceCategory:
    """Change a category (the values not given keep theirs)."""
    require(actor, "reports.manage_categories", category.municipality)
    category = (
        ServiceCategory.objects.select_for_update()
        .select_related("municipality")
        .get(pk=category.pk)
    )
    merged = {**category_values(category), **values}
    clean = _validate_category(merged, category.municipality, current=category)
    for field, value in clean.items():
        setattr(category, field, value)
    category.save()
    return category


# --- Reports ------------------------------------------------------------------------------------


def _answer(attribute: dict[str, Any], value: Any) -> Any:
    """One answer to an extra question, checked against its type, or None when empty."""
    field = f"attributes.{attribute['code']}"
    datatype = attribute["datatype"]
    if datatype == "multivaluelist":
        items = value if isinstance(value, (list, tuple)) else [value]
        items = [str(item).strip() for item in items if str(item or "").strip()]
        if not items:
            return None
        keys = {choice["key"] for choice in attribute["values"]}
        if any(item not in keys for item in items):
            raise field_error(field, _("Choose among the listed answers."))
        return list(dict.fromkeys(items))
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else None
        if value is None:
            raise field_error(field, _("Give one answer."))
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if "\x00" in text:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if datatype == "singlevaluelist":
        if text not in {choice["key"] for choice in attribute["values"]}:
            raise field_error(field, _("Choose among the listed answers."))
        return text
    if datatype == "number":
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise field_error(field, _("Enter a number.")) from None
        if not number.is_finite() or abs(number) > Decimal("1e12"):
            raise field_error(field, _("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if datatype == "datetime":
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise field_error(field, _("Enter a date and time."))
        return moment.isoformat()
    limit = 200 if datatype == "string" else 2000
    if len(text) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    return text


def clean_answers(category: ServiceCategory, raw: Any) -> dict[str, Any]:
    """The answers to the category's extra questions: each checked against its type, required
    ones enforced, answers to questions the category does not ask dropped."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise field_error("attributes", _("Answer the extra questions."))
    answers: dict[str, Any] = {}
    for attribute in category.attributes or []:
        value = _answer(attribute, raw.get(attribute["code"]))
        if value is None:
            if attribute.get("required"):
                raise field_error(f"attributes.{attribute['code']}", _("This field is required."))
            continue
        answers[attribute["code"]] = value
    return answers


def _category(value: Any, municipality) -> ServiceCategory:
    if isinstance(value, ServiceCategory):
        value = value.code
    code = str(value or "").strip()
    category = (
        ServiceCategory.objects.select_related("department")
        .filter(municipality=municipality, code=code, active=True)
        .first()
        if code
        else None
    )
    if category is None:
        raise field_error("category", _("Choose one of the listed categories."))
    return category


def _validate_report(values: dict[str, Any], municipality) -> dict[str, Any]:
    category = _category(values.get("category"), municipality)
    clean: dict[str, Any] = {
        "category": category,
        "description": _text(values, "description", 4000, required=True),
        "address": _text(values, "address", 300),
        "contact_email": _email(values, "contact_email"),
    }
    clean.update(_point(values, municipality))
    clean["attributes"] = clean_answers(category, values.get("attributes"))
    return clean


@transaction.atomic
def report_create(
    *,
    actor,
    municipality,
    values: dict[str, Any],
    photos: Sequence[pictures.Upload] = (),
    source: str = ReportSource.WEB,
    client: Open311Client | None = None,
) -> Report:
    """File a report: by a member of the municipality (web, API), or by an Open311 client of
    the municipality (`client`, with or without an account). Its first step is "open"."""
    if client is not None:
        if client.revoked_at is not None or client.municipality_id != municipality.pk:
            raise PermissionDenied(_("This API key is not valid here."), code="invalid_api_key")
        source = ReportSource.OPEN311
        who: object = f"client:{client.pk}"
        limits = LIMITS["client"]
    else:
        require(
            actor,
            "reports.file_report",
            municipality,
            _("Log in as a member of the municipality to report a problem."),
        )
        who = actor.pk
        limits = LIMITS["report"]
    clean = _validate_report(values, municipality)
    prepared = pictures.prepare(
        list(photos),
        limit=MAX_PHOTOS,
        too_many=_("At most %(count)s photos.") % {"count": MAX_PHOTOS},
    )
    ratelimit.hit("reports.report", who, limits=limits)
    reporter = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    report = Report.objects.create(
        municipality=municipality,
        department=clean["category"].department,
        reporter=reporter,
        source=source,
        client=client,
        requested_at=now,
        updated_at=now,
        status=ReportStatus.OPEN,
        **clean,
    )
    ReportUpdate.objects.create(
        report=report, author=reporter, status_to=ReportStatus.OPEN, created_at=now
    )
    if prepared:
        pictures.store(lambda picture, position: ReportPhoto(report=report), prepared, start=0)
    return report


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("municipality", "category", "reporter")
        .get(pk=report.pk)
    )


def _duplicate_target(value: Any, report: Report) -> Report:
    if value in (None, ""):
        raise field_error("duplicate_of", _("Say which report this one repeats."))
    wanted = getattr(value, "pk", value)
    try:
        original = Report.objects.get(municipality_id=report.municipality_id, pk=int(wanted))
    except (TypeError, ValueError, Report.DoesNotExist):
        raise field_error("duplicate_of", _("No such report in this municipality.")) from None
    if original.pk == report.pk or original.duplicate_of_id == report.pk:
        raise field_error("duplicate_of", _("A report cannot repeat itself."))
    return original


@transaction.atomic
def report_set_status(
    *, actor, report: Report, status: str, note: str = "", duplicate_of: Any = None
) -> Report:
    """Move a report to `status` (staff). A duplicate names the report it repeats; a closed
    report records when it closed, and reopening forgets it. `note` is for the reporter."""
    require(actor, "reports.handle_this_report", report)
    report = _locked(report)
    if status not in ReportStatus.values:
        raise field_error("status", _("Choose one of the statuses."))
    note = _text({"note": note}, "note", 1000)
    original = _duplicate_target(duplicate_of, report) if status == ReportStatus.DUPLICATE else None
    if status == report.status and report.duplicate_of_id == getattr(original, "pk", None):
        raise Conflict(_("The report already has this status."), code="wrong_state")
    now = timezone.now()
    previous = report.status
    report.status = status
    report.duplicate_of = original
    if status in CLOSED_STATUSES and previous not in CLOSED_STATUSES:
        report.closed_at = now
    elif status in OPEN_STATUSES:
        report.closed_at = None
    if note:
        report.public_note = note
    report.updated_at = now
    report.save(update_fields=["status", "duplicate_of", "closed_at", "public_note", "updated_at"])
    update = ReportUpdate.objects.create(
        report=report,
        author=actor,
        status_from=previous,
        status_to=status,
        note=note,
        created_at=now,
    )
    _tell_reporter(report, update)
    return report


@transaction.atomic
def report_assign(*, actor, report: Report, department: Any) -> Report:
    """Give the report to one of the municipality's departments (or to none): an internal
    step of its history."""
    require(actor, "reports.handle_this_report", report)
    report = _locked(report)
    chosen = _department(department, report.municipality)
    if report.department_id == getattr(chosen, "pk", None):
        raise Conflict(_("The report is already with this department."), code="wrong_state")
    now = timezone.now()
    report.department = chosen
    report.updated_at = now
    report.save(update_fields=["department", "updated_at"])
    ReportUpdate.objects.create(
        report=report, author=actor, department=chosen, internal=True, created_at=now
    )
    return report


@transaction.atomic
def report_add_note(*, actor, report: Report, note: str, internal: bool) -> ReportUpdate:
    """A note in the report's history: internal (staff only) or for the reporter and the
    public (it becomes the report's public note, and the reporter is told)."""
    require(actor, "reports.handle_this_report", report)
    report = _locked(report)
    note = _text({"note": note}, "note", 1000 if not internal else 2000, required=True)
    now = timezone.now()
    fields = ["updated_at"]
    report.updated_at = now
    if not internal:
        report.public_note = note
        fields.append("public_note")
    report.save(update_fields=fields)
    update = ReportUpdate.objects.create(
        report=report, author=actor, note=note, internal=internal, created_at=now
    )
    if not internal:
        _tell_reporter(report, update)
    return update


def report_link(report: Report) -> tuple[str, dict[str, Any]]:
    """The page a notification about `report` links to (its name and arguments)."""
    return REPORT_URL_NAME, {"municipality_slug": report.municipality.slug, "report_id": report.pk}


def _tell_reporter(report: Report, update: ReportUpdate) -> None:
    """Tell the reporter (an account that is not the author) of a public change, in their
    language, once the transaction commits; a report filed without an account through Open311
    gets an email at its contact address instead."""
    if report.reporter_id is None:
        if report.contact_email:
            from .tasks import email_contact

            update_id = update.pk
            transaction.on_commit(lambda: email_contact.enqueue(update_id=update_id))
        return
    if report.reporter_id == update.author_id:
        return
    number, category = report.pk, report.category
    status = ReportStatus(report.status)

    def title() -> str:
        if update.status_to:
            return _("Your report #%(number)s (%(category)s) is now: %(status)s.") % {
                "number": number,
                "category": category.translated("name"),
                "status": status.label,
            }
        return _("The municipality wrote about your report #%(number)s (%(category)s).") % {
            "number": number,
            "category": category.translated("name"),
        }

    url_name, url_kwargs = report_link(report)
    notify_after_commit(
        user_id=report.reporter_id,
        topic=TOPIC,
        key=f"reports:update:{update.pk}",
        title=title,
        url_name=url_name,
        url_kwargs=url_kwargs,
        municipality=report.municipality,
    )


# --- Open311 clients ----------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_client_create(*, actor, municipality, name: str) -> tuple[Open311Client, str]:
    """A key for an application that files reports through Open311. The key is returned once
    and only its SHA-256 is kept."""
    require(actor, "reports.manage_clients", municipality)
    name = _text({"name": name}, "name", 200, required=True)
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        municipality=municipality,
        name=name,
        key_prefix=key[:8],
        key_hash=_key_hash(key),
        created_by=actor,
    )
    return client, key


@transaction.atomic
def open311_client_revoke(*, actor, client: Open311Client) -> Open311Client:
    require(actor, "reports.manage_clients", client.municipality)
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise Conflict(_("This key is already revoked."), code="wrong_state")
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    return client


def open311_client_for_key(key: str | None) -> Open311Client | None:
    """The active client whose key is `key`, or None."""
    key = str(key or "").strip()
    if not 20 <= len(key) <= 100:
        return None
    return (
        Open311Client.objects.select_related("municipality")
        .filter(key_hash=_key_hash(key), revoked_at__isnull=True)
        .first()
    )
