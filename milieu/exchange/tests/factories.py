"""Test data of the sharing module: a municipality with the module on, its members, screened
providers, listings placed on cells near a known point."""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from milieu.accounts.models import BackgroundCheck, Membership
from milieu.accounts.tests.factories import citizen_of
from milieu.accounts.tests.factories_card import resident_of
from milieu.core import geo
from milieu.core.pictures import Upload
from milieu.core.testing import upload_file
from milieu.exchange import services
from milieu.exchange.models import Category
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

_numbers = count(1)
# Brossard's centre, and points about 1, 4 and 12 km east of it.
CENTRE = (45.4584, -73.4658)
EAST_1_KM = (45.4584, -73.4530)
EAST_4_KM = (45.4584, -73.4145)
EAST_12_KM = (45.4584, -73.3120)


def town(**kwargs):
    """A municipality with the sharing module on, and a district at `CENTRE`."""
    ensure_categories()
    number = next(_numbers)
    municipality = MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-partage-{number}"),
        name=kwargs.pop("name", f"Ville partage {number}"),
        enabled_modules=["districts", "exchange"],
        latitude=CENTRE[0],
        longitude=CENTRE[1],
        **kwargs,
    )
    DistrictFactory(
        municipality=municipality,
        name=f"Centre {municipality.slug}",
        slug="centre",
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    return municipality


def neighbour(municipality, **kwargs):
    """A member of `municipality` living in its first district."""
    user = citizen_of(municipality, **kwargs)
    Membership.objects.filter(user=user, municipality=municipality).update(
        district=municipality.districts.first()
    )
    return user


def screened(municipality, **kwargs):
    """A verified resident of `municipality` with a valid background check there."""
    user = resident_of(municipality, **kwargs).user
    BackgroundCheck.objects.create(
        user=user,
        municipality=municipality,
        kind="police",
        checked_on=timezone.localdate() - timedelta(days=30),
        expires_on=timezone.localdate() + timedelta(days=700),
    )
    return user


def ensure_categories() -> None:
    """The tree that the data migration loads, loaded again if a test that flushed the database
    (`transaction=True`) ran before in this process."""
    if not Category.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("milieu.exchange.migrations.0002_category_tree").load(apps, None)


def category(slug: str) -> Category:
    ensure_categories()
    return Category.objects.get(slug=slug)


def listing(owner, municipality, *, at=CENTRE, photos: int = 0, **fields):
    """A listing of `owner`, a drill to lend unless `fields` say otherwise, with `photos` small
    photos."""
    values = {
        "kind": "lend",
        "category": category("power-tools"),
        "title": "Perceuse sans fil",
        "description": "Avec deux batteries.",
        "condition": "good",
        "terms": "free",
        "loan_max_days": 14,
        "cell": geo.cell_at(*at),
    }
    values.update(fields)
    uploads = [Upload(file=upload_file(), alt_text=f"Photo {n + 1}") for n in range(photos)]
    return services.listing_create(
        actor=owner, municipality=municipality, uploads=uploads, **values
    )


def days(start: int, end: int) -> tuple[date, date]:
    today = timezone.localdate()
    return today + timedelta(days=start), today + timedelta(days=end)
