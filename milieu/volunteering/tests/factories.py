"""Test data of the volunteering module: a town with the module on, its residents, verified
organisations with their teams, opportunities, and volunteers with profiles."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.exchange.tests.factories import CENTRE, neighbour, screened
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory
from milieu.volunteering.models import OrganisationStatus, Skill
from milieu.volunteering.services import organisations, volunteering

_numbers = count(1)


def ensure_skills() -> None:
    """The taxonomy the data migration loads, again after a flush (`transaction=True` tests)."""
    if not Skill.objects.exists():
        from milieu.volunteering.skills import load

        load(Skill)


def town(**kwargs):
    """A municipality with the volunteering module on, and a district at `CENTRE`."""
    ensure_skills()
    number = next(_numbers)
    municipality = MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-benevole-{number}"),
        name=kwargs.pop("name", f"Ville bénévole {number}"),
        enabled_modules=["districts", "volunteering"],
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


def resident(municipality, **kwargs):
    """A member of `municipality` living in its first district."""
    return neighbour(municipality, **kwargs)


def staff(municipality, **kwargs):
    """Municipal staff of `municipality`, with MFA."""
    return with_role(municipality, Role.STAFF, **kwargs)


def organisation(municipality, *, manager=None, verified: bool = True, **values):
    """An organisation registered by `manager` (a new resident if none), verified by the
    municipality's staff unless `verified=False`."""
    manager = manager or resident(municipality, display_name="Gestionnaire")
    values = {
        "name": f"Organisme {next(_numbers)}",
        "mission": "Aider les voisins.",
        "email": "contact@example.org",
        "languages": ["fr"],
        **values,
    }
    org = organisations.organisation_register(
        actor=manager, municipality=municipality, values=values
    )
    if verified:
        org.status = OrganisationStatus.VERIFIED
        org.verified_at = timezone.now()
        org.save(update_fields=["status", "verified_at"])
    return org


def opportunity(org, *, actor=None, **values):
    """An open opportunity of `org`, wanting accounting unless told otherwise."""
    actor = actor or org.members.get(role="manager").user
    values = {
        "title": "Tenir les livres",
        "description": "Aider à la comptabilité de l'organisme.",
        "skills": ["accounting"],
        "availability": ["tue-evening", "thu-evening"],
        "languages": ["fr"],
        "places": 2,
        "ends_on": timezone.localdate() + timedelta(days=60),
        **values,
    }
    return volunteering.opportunity_create(actor=actor, organisation=org, values=values)


def volunteer(municipality, *, skills=("accounting",), suggestible=True, **values):
    """A resident with a volunteer profile (skills, Tuesday evenings, French)."""
    user = resident(municipality, display_name=values.pop("display_name", "Bénévole"))
    volunteering.profile_save(
        actor=user,
        values={
            "skills": list(skills),
            "availability": ["tue-evening"],
            "languages": ["fr"],
            "suggestible": suggestible,
            **values,
        },
    )
    return user


__all__ = [
    "ensure_skills",
    "opportunity",
    "organisation",
    "resident",
    "screened",
    "staff",
    "town",
    "volunteer",
]
