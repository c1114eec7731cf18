"""Test data of the best-practice exchange: two regions' towns, their staff (with MFA), and
practices written through the services."""

from itertools import count

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.network import services_practices as services
from milieu.network.models import Practice
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

_numbers = count(1)


def town(region=None, **kwargs):
    return MunicipalityFactory(region=region or RegionFactory(), **kwargs)


def staff(municipality, *, mfa: bool = True):
    return with_role(municipality, Role.STAFF, mfa=mfa)


def values(**overrides) -> dict:
    n = next(_numbers)
    base = {
        "title": f"Pratique {n}",
        "language": "fr",
        "dimension": "connectivity",
        "problem": "Les résidents n'ont pas internet.",
        "solution": "Un accès public à l'hôtel de ville.",
        "technology": "Bornes Wi-Fi",
        "cost": "2 000 $",
        "results": "40 visites par mois",
        "contact": "Direction générale",
        "tags": ["wi-fi", "aînés"],
    }
    base.update(overrides)
    return base


def practice(municipality, *, author=None, published: bool = True, **overrides) -> Practice:
    author = author or staff(municipality)
    created = services.practice_create(
        actor=author, municipality=municipality, values=values(**overrides)
    )
    if published:
        services.practice_publish(actor=author, practice=created)
    return created
