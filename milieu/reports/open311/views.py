"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) at `/open311/v2/`, in JSON and
XML, over the same selectors and services as the pages and the API.

- `jurisdiction_id` is a municipality's slug; it is required (the server holds many), and a
  jurisdiction that does not exist or has not enabled the reports is *not found* (404).
- A municipality's active categories are its services; their extra questions are the services'
  attributes (`services/<code>`).
- `GET requests` lists the reports, newest first: `service_request_id` (a comma list, which
  overrides the other filters), `service_code` (a comma list), `start_date`, `end_date` (ISO
  8601), `status` (`open`, `closed`); without dates, the last 90 days; at most 1000.
- `POST requests` files a report for an application holding the municipality's `api_key`
  (`Open311Client`); without a valid key, 403. It keeps the least: the service, the point
  (`lat`, `long`, required), `address_string`, `description`, the answers (`attribute[code]`)
  and `email` (for updates, never shown). Names, phone, device and account ids are ignored;
  `media_url` is not fetched.
- Public answers carry no personal data: no reporter, no email, no photos, no internal notes
  (`status_notes` is the public note).
- Errors are a list of `{code, description}` with the HTTP status 400, 403, 404 (or 429).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from milieu.core.errors import ApplicationError, NotFound, RateLimited
from milieu.territory.selectors import municipality_get

from .. import selectors, services
from ..models import CLOSED_STATUSES, OPEN_STATUSES, Report, ReportSource, ServiceCategory
from ..permissions import MODULE

DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
MAX_IDS = 200
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering ----------------------------------------------------------------------------------


# Characters XML 1.0 cannot carry (control characters other than tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, list):
        item_name = {"attributes": "attribute", "values": "value", "endpoints": "endpoint"}.get(
            name, "item"
        )
        if name == "formats":
            item_name = "format"
        for item in value:
            if isinstance(item, dict):
                node = ET.SubElement(child, item_name)
                for key, inner in item.items():
                    _element(node, key, inner)
            else:
                ET.SubElement(child, item_name).text = _text(item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _element(child, key, inner)
    else:
        child.text = _text(value)


def _xml(root: str, item: str | None, data: Any) -> bytes:
    tree = ET.Element(root)
    if item is None:
        for key, value in data.items():
            _element(tree, key, value)
    else:
        for row in data:
            node = ET.SubElement(tree, item)
            for key, value in row.items():
                _element(node, key, value)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(tree, encoding="unicode").encode()
    )


def _respond(
    fmt: str, data: Any, *, root: str, item: str | None, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_xml(root, item, data), content_type=XML_TYPE, status=status)
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body, content_type=JSON_TYPE, status=status)


def _errors(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(
        fmt,
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def open311_view(view: Callable) -> Callable:
    """Render `Open311Error` and the services' refusals as Open311 errors in the format asked."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _errors(fmt, error.status, error.description)
        except RateLimited as error:
            response = _errors(fmt, 429, str(error.message))
            response["Retry-After"] = str(error.retry_after)
            return response
        except ApplicationError as error:
            fields = error.extra.get("fields") or {}
            description = "; ".join(
                f"{PARAMETERS.get(name, name)}: {' '.join(messages)}"
                for name, messages in fields.items()
            )
            status = error.status_code if error.status_code in (403, 404) else 400
            return _errors(fmt, status, description or str(error.message))

    return wrapped


# Our field names as the parameters of `POST requests` name them.
PARAMETERS = {
    "category": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "contact_email": "email",
    "description": "description",
    "images": "media",
}


# --- Shapes -------------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _status(report: Report) -> str:
    return "open" if report.status in OPEN_STATUSES else "closed"


def _service(category: ServiceCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.translated("name"),
        "description": category.translated("description"),
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def _attribute(attribute: dict[str, Any]) -> dict[str, Any]:
    return {
        "variable": True,
        "code": attribute["code"],
        "datatype": attribute["datatype"],
        "required": bool(attribute.get("required")),
        "datatype_description": "",
        "order": attribute.get("order", 0),
        "description": attribute["description"],
        "values": [{"key": v["key"], "name": v["name"]} for v in attribute.get("values", [])],
    }


def _request(report: Report) -> dict[str, Any]:
    """A report as Open311 shows it to anyone: never its reporter, email, photos or internal
    notes."""
    return {
        "service_request_id": str(report.pk),
        "status": _status(report),
        "status_notes": report.public_note,
        "service_name": report.category.translated("name"),
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.department.name if report.department else "",
        "service_notice": "",
        "requested_datetime": _moment(report.requested_at),
        "updated_datetime": _moment(report.updated_at),
        "expected_datetime": _moment(report.expected_at),
        "address": report.address,
        "address_id": "",
        "zipcode": "",
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": "",
    }


# --- Parameters ---------------------------------------------------------------------------------


def _jurisdiction(params) -> Any:
    slug = str(params.get("jurisdiction_id") or "").strip()
    if not slug:
        raise Open311Error(400, _("jurisdiction_id is required: the municipality's identifier."))
    try:
        return municipality_get(slug=slug[:100], module=MODULE)
    except NotFound:
        raise Open311Error(404, _("Unknown jurisdiction_id.")) from None


def _date_param(params, name: str, *, end: bool = False) -> datetime | None:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is not None:
                moment = datetime.combine(day + timedelta(days=1 if end else 0), time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s must be an ISO 8601 date.") % {"name": name})
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def _ids(raw: str) -> list[int]:
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 12:
            raise Open311Error(400, _("service_request_id is a comma-separated list of numbers."))
        ids.append(int(part))
    if len(ids) > MAX_IDS:
        raise Open311Error(400, _("At most %(count)s identifiers.") % {"count": MAX_IDS})
    return ids


def _statuses(raw: str) -> list[str] | None:
    wanted = {part.strip() for part in raw.split(",") if part.strip()}
    if not wanted:
        return None
    if not wanted <= {"open", "closed"}:
        raise Open311Error(400, _("status is open or closed."))
    statuses: list[str] = []
    if "open" in wanted:
        statuses += [str(status) for status in OPEN_STATUSES]
    if "closed" in wanted:
        statuses += [str(status) for status in CLOSED_STATUSES]
    return statuses


def _answers(params) -> dict[str, Any]:
    """`attribute[code]=value` (and `attribute[code][]=value` for several values)."""
    answers: dict[str, Any] = {}
    for key in params:
        if not key.startswith("attribute[") or not key.endswith("]"):
            continue
        inner = key[len("attribute[") :]
        if inner.endswith("][]"):
            answers[inner[:-3]] = params.getlist(key)
        else:
            values = params.getlist(key)
            answers[inner[:-1]] = values if len(values) > 1 else values[0]
    return answers


# --- Views --------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-12-07T00:00:00Z",
        "contact": _("Write to your municipality through its Milieu site."),
        "key_service": _("Ask the municipality's staff for an API key."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-12-07T00:00:00Z",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _respond(fmt, data, root="discovery", item=None)


@require_http_methods(["GET"])
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    data = [_service(c) for c in selectors.categories_for(municipality=municipality)]
    return _respond(fmt, data, root="services", item="service")


@require_http_methods(["GET"])
@open311_view
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    try:
        category = selectors.category_get(municipality=municipality, code=code)
    except NotFound:
        raise Open311Error(404, _("Unknown service_code.")) from None
    data = {
        "service_code": category.code,
        "attributes": [_attribute(a) for a in category.attributes or []],
    }
    return _respond(fmt, data, root="service_definition", item=None)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    municipality = _jurisdiction(params)
    ids = _ids(str(params.get("service_request_id") or ""))
    if ids:
        reports = selectors.reports_by_ids(municipality=municipality, ids=ids)
        return _respond(
            fmt, [_request(r) for r in reports], root="service_requests", item="request"
        )
    codes = [c.strip() for c in str(params.get("service_code") or "").split(",") if c.strip()]
    statuses = _statuses(str(params.get("status") or ""))
    start = _date_param(params, "start_date")
    end = _date_param(params, "end_date", end=True)
    if start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and end < start:
        raise Open311Error(400, _("end_date comes before start_date."))
    reports = selectors.reports_open311(
        municipality=municipality,
        codes=codes,
        statuses=statuses,
        start=start,
        end=end,
        limit=MAX_REQUESTS,
    )
    return _respond(fmt, [_request(r) for r in reports], root="service_requests", item="request")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    municipality = _jurisdiction(params)
    client = services.open311_client_for_key(params.get("api_key"))
    if client is None or client.municipality_id != municipality.pk:
        raise Open311Error(403, _("A valid api_key of this jurisdiction is required."))
    code = str(params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    if not selectors.categories_for(municipality=municipality).filter(code=code[:60]).exists():
        raise Open311Error(400, _("Unknown service_code."))
    values = {
        "category": code,
        "latitude": params.get("lat"),
        "longitude": params.get("long"),
        "address": params.get("address_string") or "",
        "description": params.get("description") or "",
        "contact_email": params.get("email") or "",
        "attributes": _answers(params),
    }
    report = services.report_create(
        actor=AnonymousUser(),
        municipality=municipality,
        values=values,
        source=ReportSource.OPEN311,
        client=client,
    )
    data = [
        {
            "service_request_id": str(report.pk),
            "token": report.token,
            "service_notice": "",
            "account_id": "",
        }
    ]
    return _respond(fmt, data, root="service_requests", item="request")


@require_http_methods(["GET"])
@open311_view
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    if not request_id.isdigit() or len(request_id) > 12:
        raise Open311Error(404, _("Unknown service_request_id."))
    try:
        report = selectors.report_public_get(municipality=municipality, report_id=int(request_id))
    except NotFound:
        raise Open311Error(404, _("Unknown service_request_id.")) from None
    return _respond(fmt, [_request(report)], root="service_requests", item="request")


@require_http_methods(["GET"])
@open311_view
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    report = selectors.report_by_token(municipality=municipality, token=token)
    if report is None:
        raise Open311Error(404, _("Unknown token."))
    data = [{"service_request_id": str(report.pk), "token": report.token}]
    return _respond(fmt, data, root="service_requests", item="request")
