"""Towns, districts, newcomers, buddies, pairings and resources for the newcomers tests."""

import datetime as dt
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.community.models import (
    BuddyProfile,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
)
from milieu.territory.models import District
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

_numbers = count(1)

# Brossard's rough geography: three districts, about 0, 3 and 20 km from the first.
CENTRE = (45.4500, -73.4650)


def town(slug: str = "brossard", name: str = "Brossard", *, newcomers: bool = True):
    modules = ["districts", "community"] + (["newcomers"] if newcomers else [])
    return MunicipalityFactory(
        slug=slug,
        name=name,
        region=RegionFactory(slug="monteregie"),
        enabled_modules=modules,
    )


def district(municipality, name: str, latitude: float | None, longitude: float | None):
    return District.objects.create(
        municipality=municipality,
        name=name,
        slug=f"{name.lower().replace(' ', '-')}-{next(_numbers)}",
        latitude=latitude,
        longitude=longitude,
    )


def coordinator_of(municipality, **kwargs):
    """Municipal staff with MFA: coordinates pairings and manages the directory."""
    return with_role(municipality, Role.STAFF, **kwargs)


def organisation_manager_of(municipality, **kwargs):
    """A partner organisation's manager with MFA: coordinates pairings only."""
    return with_role(municipality, Role.ORGANISATION_MANAGER, **kwargs)


def newcomer_of(municipality, user=None, **fields) -> NewcomerProfile:
    values = {
        "arrival_date": timezone.localdate() - dt.timedelta(days=30),
        "languages_spoken": ["es"],
        "languages_wanted": ["fr"],
        "needs": ["french"],
        "interests": [],
        "availability": [],
        "seeking": True,
    }
    values.update(fields)
    return NewcomerProfile.objects.create(
        user=user or citizen_of(municipality, preferred_language="en"),
        municipality=municipality,
        **values,
    )


def buddy_of(municipality, user=None, **fields) -> BuddyProfile:
    values = {
        "languages": ["fr"],
        "interests": [],
        "availability": [],
        "capacity": 1,
        "active": True,
    }
    values.update(fields)
    return BuddyProfile.objects.create(
        user=user or citizen_of(municipality), municipality=municipality, **values
    )


def pairing_of(
    newcomer: NewcomerProfile, buddy: BuddyProfile, state: str = "proposed", *, by=None, **fields
) -> Pairing:
    """A pairing already in `state`, with the timestamps that state implies."""
    now = timezone.now()
    values = {
        "municipality": newcomer.municipality,
        "newcomer": newcomer,
        "buddy": buddy,
        "state": state,
        "proposed_by": by,
        "score": 50,
        "explanation": [
            {"key": "language", "points": 30, "params": {"languages": ["fr"]}},
        ],
    }
    if state in ("active", "completed", "ended"):
        values.update(
            newcomer_accepted_at=now, buddy_accepted_at=now, started_at=now - dt.timedelta(days=1)
        )
    if state == "active":
        values["next_checkin_at"] = now + dt.timedelta(days=14)
    if state in ("completed", "ended", "declined"):
        values["ended_at"] = now
    if state == "ended":
        values["end_reason"] = "We moved."
    if state == "declined":
        values["declined_by"] = buddy.user
    values.update(fields)
    return Pairing.objects.create(**values)


def resource_of(municipality, **fields) -> NewcomerResource:
    values = {
        "category": NewcomerResource.Category.WELCOME,
        "name": f"Accueil {next(_numbers)}",
        "description_fr": "Accueil et installation des personnes immigrantes.",
        "description_en": "",
        "description_es": "",
        "languages": ["fr"],
        "published": True,
    }
    values.update(fields)
    return NewcomerResource.objects.create(municipality=municipality, **values)
