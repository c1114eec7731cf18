"""Demo volunteering in Brossard: the module switched on; "Entraide Brossard", a verified
organisation managed by the organisation manager's demo account, recruiting for two open
opportunities (bookkeeping, which asks for accounting, and a youth day camp, which asks for the
`screened` trust level); Camille with a volunteer profile open to suggestions (accounting and
writing), so that the bookkeeping comes first among her suggestions and she among its
volunteers; and a published project idea of hers, supported by Amal. Idempotent: what exists is
left as it is.

The organisation, the opportunities and the profile go through the services. So do the project idea and its
support. Two things are written directly, as the other demos do for what needs staff with MFA:
switching the module on, and the verification of the organisation (staff enrol their
authenticator on their first visit).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import Membership, TrustLevel, User
from milieu.core import modules
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from .models import (
    IdeaSupport,
    Opportunity,
    Organisation,
    OrganisationStatus,
    ProjectIdea,
    VolunteerProfile,
)
from .permissions import MODULE
from .services import incubator, organisations, volunteering

TOWN = "brossard"
MANAGER = "organisme@demo.milieu.test"
STAFF = "employe.brossard@demo.milieu.test"
VOLUNTEER = "citoyenne@demo.milieu.test"
SUPPORTER = "newcomer@demo.milieu.test"
ORGANISATION = {
    "name": "Entraide Brossard",
    "mission": "Briser l'isolement et soutenir les familles de Brossard par l'entraide entre "
    "voisins : halte-garderie, aide aux devoirs, accompagnement des aînés.",
    "services": "Halte-garderie le samedi matin, aide aux devoirs, visites d'amitié.",
    "email": "benevolat@entraide-brossard.example",
    "website": "https://entraide-brossard.example",
    "languages": ["fr", "en"],
}
OPPORTUNITIES = [
    {
        "title": "Tenue de livres de l'organisme",
        "description": "Deux soirs par mois, aidez notre trésorière à saisir les dépenses et à "
        "préparer le rapport annuel. Une connaissance de base de la comptabilité suffit.",
        "skills": ["accounting", "administration"],
        "availability": ["tue-evening", "thu-evening"],
        "languages": ["fr"],
        "places": 2,
        "place": "Centre communautaire, bureau de l'organisme",
    },
    {
        "title": "Animation au camp de jour",
        "description": "Encadrez des jeux et des sorties pour des enfants de 6 à 12 ans. Le "
        "travail auprès des jeunes demande une vérification des antécédents judiciaires.",
        "skills": ["youth", "sports"],
        "availability": ["sat-morning", "sat-afternoon"],
        "languages": ["fr", "en"],
        "places": 6,
        "required_trust": TrustLevel.SCREENED,
        "place": "Parc du Centre",
    },
]
PROFILE = {
    "skills": ["accounting", "writing"],
    "other_skills": "Tenue de livres d'une petite entreprise",
    "interests": "La vie de quartier et les familles",
    "availability": ["tue-evening", "thu-evening", "sat-morning"],
    "languages": ["fr", "en"],
    "suggestible": True,
}
IDEA = {
    "title": "Frigo communautaire au Centre",
    "need": "Des familles du quartier manquent de fruits et légumes frais à la fin du mois, "
    "pendant que les commerces jettent des invendus.",
    "description": "Un réfrigérateur en libre-service devant le centre communautaire, rempli "
    "par les commerces et les voisins, entretenu par une équipe de bénévoles.",
    "help_wanted": "Des bénévoles pour le nettoyage hebdomadaire et un organisme partenaire.",
}


def _switch_on(town: Municipality) -> bool:
    enabled = set(town.enabled_modules or [])
    if MODULE in enabled:
        return False
    enabled.add(MODULE)
    known = [module.key for module in modules.all_modules()]
    ordered = [key for key in known if key in enabled] + sorted(enabled - set(known))
    Municipality.objects.filter(pk=town.pk).update(enabled_modules=ordered)
    municipality_forget(town.slug)
    town.enabled_modules = ordered
    return True


def _organisation(town: Municipality, manager: User, staff: User | None) -> Organisation:
    organisation = Organisation.objects.filter(municipality=town, name=ORGANISATION["name"]).first()
    if organisation is None:
        organisation = organisations.organisation_register(
            actor=manager, municipality=town, values=ORGANISATION
        )
    if organisation.status != OrganisationStatus.VERIFIED:
        now = timezone.now()
        Organisation.objects.filter(pk=organisation.pk).update(
            status=OrganisationStatus.VERIFIED, verified_at=now, verified_by=staff, updated_at=now
        )
        organisation.refresh_from_db()
    return organisation


def _idea(town: Municipality, author: User, supporter: User | None) -> ProjectIdea:
    idea = ProjectIdea.objects.filter(municipality=town, title=IDEA["title"]).first()
    if idea is None:
        home = (
            Membership.objects.filter(user=author, is_home=True).select_related("district").first()
        )
        district = home.district.slug if home and home.district else None
        idea = incubator.idea_create(
            actor=author,
            municipality=town,
            values={**IDEA, "district": district},
            publish=True,
        )
    if (
        supporter is not None
        and supporter != author
        and not IdeaSupport.objects.filter(idea=idea, user=supporter).exists()
    ):
        idea = incubator.idea_support(actor=supporter, idea=idea)
    return idea


@transaction.atomic
def load() -> list[str]:
    lines = ["Volunteering:"]
    town = Municipality.objects.get(slug=TOWN)
    if _switch_on(town):
        lines.append(f"  module switched on in {town.name}")
    manager = User.objects.get(email=MANAGER)
    camille = User.objects.get(email=VOLUNTEER)
    organisation = _organisation(town, manager, User.objects.filter(email=STAFF).first())
    made = 0
    for values in OPPORTUNITIES:
        if organisation.opportunities.filter(title=values["title"]).exists():
            continue
        volunteering.opportunity_create(
            actor=manager,
            organisation=organisation,
            values={**values, "ends_on": timezone.localdate() + timedelta(days=120)},
        )
        made += 1
    if made:
        lines.append(
            f"  {organisation.name} (verified, managed by {MANAGER}) recruits for "
            f"{Opportunity.objects.filter(organisation=organisation).count()} opportunities: "
            "bookkeeping, and a youth day camp for screened volunteers"
        )
    if not VolunteerProfile.objects.filter(user=camille).exists():
        volunteering.profile_save(actor=camille, values=PROFILE)
        lines.append(
            f"  {VOLUNTEER} volunteers in accounting and writing and may be suggested to "
            "organisations"
        )
    if not ProjectIdea.objects.filter(municipality=town, title=IDEA["title"]).exists():
        _idea(town, camille, User.objects.filter(email=SUPPORTER).first())
        lines.append(f"  a project idea by Camille, supported by Amal: {IDEA['title']}")
    if len(lines) == 1:
        lines.append("  already loaded")
    return lines
