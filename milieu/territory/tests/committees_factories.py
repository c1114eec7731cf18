"""Test data of inter-municipal committees: a region (Idées collectives with its real populations
read from the shared CSV, or a small one), its consortium administrator, committees, delegates
seated for their municipality."""

import csv
from itertools import count
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import UserFactory, with_role
from milieu.territory.models import Committee, CommitteeSeat
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

CSV = Path(__file__).resolve().parents[1] / "data" / "municipalities.csv"
SHARED_CSV = Path("/work/shared/data/municipalities.csv")
_numbers = count(1)


def csv_rows(region_slug: str) -> list[dict[str, str]]:
    """The member municipalities of a region in the reference CSV (the shared copy when it is
    there, else the one the territory app ships: they are the same file)."""
    path = SHARED_CSV if SHARED_CSV.exists() else CSV
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["region_slug"] == region_slug]


def idees_collectives():
    """The consortium and its eleven members, with the populations of the CSV."""
    rows = csv_rows("idees-collectives")
    region = RegionFactory(slug="idees-collectives", name=rows[0]["region_name"])
    towns = {}
    for row in rows:
        towns[row["slug"]] = MunicipalityFactory(
            region=region,
            slug=row["slug"],
            name=row["name"],
            population=int(row["population"]),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
    return region, towns


def small_region(size: int = 3):
    region = RegionFactory()
    towns = [
        MunicipalityFactory(region=region, population=1000 * (index + 1)) for index in range(size)
    ]
    return region, towns


def consortium_admin(region, *, mfa: bool = True):
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.CONSORTIUM_ADMIN, region=region)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def committee(region, **kwargs) -> Committee:
    number = next(_numbers)
    kwargs.setdefault("slug", f"comite-{number}")
    kwargs.setdefault("name", f"Comité {number}")
    return Committee.objects.create(region=region, **kwargs)


def seat(committee_obj, municipality, *, role: str = Role.STAFF, **kwargs):
    """A staff member of `municipality` (with MFA) seated for it on the committee."""
    user = with_role(municipality, role, **kwargs)
    CommitteeSeat.objects.create(committee=committee_obj, municipality=municipality, delegate=user)
    return user
