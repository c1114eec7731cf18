"""Test data of the events module: towns with the module on (two of them about 8 km apart, one
far away), their staff and residents, and events published by the city."""

from datetime import datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

from .. import services
from ..models import Category

TZ = ZoneInfo("America/Toronto")
BROSSARD = (45.4584, -73.4658)
LA_PRAIRIE = (45.4167, -73.5000)  # about 5 km from Brossard
MAGOG = (45.2667, -72.1500)  # about 105 km away
_numbers = count(1)


def town(*, at=BROSSARD, region=None, modules=("events",), **kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-evenements-{number}"),
        name=kwargs.pop("name", f"Ville événements {number}"),
        enabled_modules=list(modules),
        latitude=at[0],
        longitude=at[1],
        **({"region": region} if region is not None else {}),
        **kwargs,
    )


def region(**kwargs):
    return RegionFactory(**kwargs)


def staff(municipality, **kwargs):
    """Municipal staff of `municipality`, with MFA."""
    return with_role(municipality, Role.STAFF, **kwargs)


def resident(municipality, **kwargs):
    return citizen_of(municipality, **kwargs)


def local(day, hour: int = 19, minute: int = 0) -> datetime:
    """A local time (America/Toronto) on `day`, as an aware datetime."""
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=TZ)


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def event(municipality, *, actor=None, publish: bool = True, **values):
    """An event of the city, by its staff, tomorrow 19:00-21:00 unless told otherwise."""
    actor = actor or staff(municipality)
    day = tomorrow()
    values = {
        "title_fr": f"Spectacle {next(_numbers)}",
        "description_fr": "Une soirée au parc.",
        "category": Category.CULTURE,
        "starts_at": local(day, 19),
        "ends_at": local(day, 21),
        "place_name": "Parc central",
        **values,
    }
    created = services.event_create(actor=actor, municipality=municipality, values=values)
    if publish:
        created = services.event_publish(actor=actor, event=created)
    return created


def first_date(event_):
    return event_.occurrences.order_by("starts_at").first()
