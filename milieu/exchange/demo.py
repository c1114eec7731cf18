"""Demo sharing: the module switched on in the community's demo towns (Brossard, Ville-Marie),
and a few listings by the demo accounts: Camille lends a drill, Amal gives children's clothes,
the organisation manager (screened) offers babysitting, Gabriel lends a snow blower in
Ville-Marie. Idempotent: what exists is left as it is.

Listings go through the services (so the demo shows what the code does); switching the module
on, which needs a staff member with MFA, is written directly, as the community's demo does.
"""

from __future__ import annotations

from django.db import transaction

from milieu.accounts.models import User
from milieu.core import modules
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from . import selectors, services
from .models import Category, Listing
from .permissions import MODULE

TOWNS = ("brossard", "ville-marie")

# owner, town, kind, category, language, title, description, condition, terms, longest loan
# (a listing for points asks for `POINTS[terms]`)
LISTINGS = [
    (
        "citoyenne@demo.milieu.test",
        "brossard",
        "lend",
        "power-tools",
        "fr",
        "Perceuse sans fil",
        "Perceuse-visseuse 18 V avec deux batteries et un jeu de mèches. Idéale pour monter "
        "des meubles ou poser des tablettes.",
        "good",
        "free",
        7,
    ),
    (
        "newcomer@demo.milieu.test",
        "brossard",
        "give",
        "children-clothing",
        "en",
        "Children's winter clothes, 4–5 years",
        "A snowsuit, two sweaters and mittens our son has outgrown. Clean and warm.",
        "good",
        "free",
        None,
    ),
    (
        "organisme@demo.milieu.test",
        "brossard",
        "offer_service",
        "babysitting",
        "fr",
        "Gardiennage le samedi matin",
        "Halte-garderie d'Entraide Brossard : nos bénévoles, dont les antécédents ont été "
        "vérifiés, gardent vos enfants de 3 à 10 ans pendant vos courses.",
        "",
        "free",
        None,
    ),
    (
        "resident@demo.milieu.test",
        "ville-marie",
        "lend",
        "winter",
        "fr",
        "Souffleuse à neige",
        "Souffleuse à essence, facile à démarrer. À venir chercher avec une remorque.",
        "fair",
        "barter",
        3,
    ),
    (
        "newcomer@demo.milieu.test",
        "brossard",
        "offer_service",
        "lessons",
        "es",
        "Conversación en español",
        "Una hora de conversación en español, para principiantes o para practicar antes de un "
        "viaje. En la biblioteca o en un café.",
        "",
        "points",
        None,
    ),
]
TERMS_TEXT = {"barter": "Un plein d'essence"}
POINTS = {"points": 50}


def _switch_on(town: Municipality) -> bool:
    enabled = set(town.enabled_modules or [])
    if MODULE in enabled:
        return False
    enabled.add(MODULE)
    ordered = [module.key for module in modules.all_modules() if module.key in enabled]
    Municipality.objects.filter(pk=town.pk).update(enabled_modules=ordered)
    municipality_forget(town.slug)
    town.enabled_modules = ordered
    return True


@transaction.atomic
def load() -> list[str]:
    lines = ["Sharing:"]
    towns = {town.slug: town for town in Municipality.objects.filter(slug__in=TOWNS)}
    for slug in TOWNS:
        if _switch_on(towns[slug]):
            lines.append(f"  module switched on in {towns[slug].name}")
    made = 0
    for email, slug, kind, category, language, title, text, condition, terms, days in LISTINGS:
        owner = User.objects.filter(email=email).first()
        if owner is None or Listing.objects.filter(owner=owner, title=title).exists():
            continue
        town = towns[slug]
        services.listing_create(
            actor=owner,
            municipality=town,
            kind=kind,
            category=Category.objects.get(slug=category),
            title=title,
            description=text,
            language=language,
            condition=condition,
            terms=terms,
            terms_text=TERMS_TEXT.get(terms, ""),
            points=POINTS.get(terms),
            loan_max_days=days,
            cell=selectors.home_cell(owner, town),
        )
        made += 1
    if made:
        lines.append(
            f"  {made} listings: a drill, children's clothes, babysitting by a screened "
            "account, Spanish conversation for 50 reward points (/fr/brossard/sharing/), a snow "
            "blower in Ville-Marie"
        )
    if len(lines) == 1:
        lines.append("  already loaded")
    return lines
