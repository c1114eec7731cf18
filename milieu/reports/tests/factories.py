"""Test data of the reports module: towns with the module on, their staff and members,
categories (with or without extra questions) and reports filed by a member."""

from __future__ import annotations

import math
from itertools import count

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.pictures import Upload
from milieu.core.testing import camera_photo, upload_file
from milieu.territory.tests.factories import MunicipalityFactory

from .. import services
from ..models import ReportSource

BROSSARD = (45.4584, -73.4658)
MAGOG = (45.2667, -72.1500)  # about 105 km from Brossard
_numbers = count(1)


def town(*, at=BROSSARD, modules=("reports",), **kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-signalements-{number}"),
        name=kwargs.pop("name", f"Ville signalements {number}"),
        enabled_modules=list(modules),
        latitude=at[0],
        longitude=at[1],
        **kwargs,
    )


def staff(municipality, **kwargs):
    """Municipal staff of `municipality`, with MFA."""
    return with_role(municipality, Role.STAFF, **kwargs)


def member(municipality, **kwargs):
    return citizen_of(municipality, **kwargs)


def offset(point, *, north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    """A point `north_m` metres north and `east_m` metres east of `point`."""
    lat, lng = point
    return (
        lat + north_m / 111_195.0,
        lng + east_m / (111_195.0 * math.cos(math.radians(lat))),
    )


def category(municipality, *, actor=None, **values):
    """A category of `municipality` (by its staff), code `pothole-N` unless told otherwise."""
    actor = actor or staff(municipality)
    number = next(_numbers)
    values = {
        "code": f"pothole-{number}",
        "name_fr": f"Nid-de-poule {number}",
        "name_en": f"Pothole {number}",
        **values,
    }
    return services.category_create(actor=actor, municipality=municipality, values=values)


def attributes():
    """Extra questions of every kind, the first two required."""
    return [
        {
            "code": "size",
            "datatype": "singlevaluelist",
            "required": True,
            "description": "How big is it?",
            "order": 1,
            "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}],
        },
        {
            "code": "depth",
            "datatype": "number",
            "required": True,
            "description": "How deep, in cm?",
            "order": 2,
        },
        {
            "code": "sides",
            "datatype": "multivaluelist",
            "description": "Which side of the street?",
            "order": 3,
            "values": [{"key": "north", "name": "North"}, {"key": "south", "name": "South"}],
        },
        {"code": "seen", "datatype": "datetime", "description": "Seen when?", "order": 4},
        {"code": "more", "datatype": "text", "description": "Anything else?", "order": 5},
    ]


def report(municipality, *, actor=None, category_=None, at=None, photos=(), **values):
    """A report filed by a member of `municipality` (on the web) at its centre unless told."""
    category_ = category_ or category(municipality)
    actor = actor or member(municipality)
    lat, lng = at or (municipality.latitude, municipality.longitude)
    source = values.pop("source", ReportSource.WEB)
    values = {
        "category": category_.code,
        "description": "Un trou dans la chaussée.",
        "latitude": lat,
        "longitude": lng,
        **values,
    }
    return services.report_create(
        actor=actor, municipality=municipality, values=values, photos=photos, source=source
    )


def photo(alt_text: str = "") -> Upload:
    """A photo as a form or the API sends it: taken sideways, with the camera's GPS position
    and make in its EXIF (none of which may be kept)."""
    return Upload(file=upload_file(camera_photo()), alt_text=alt_text)
