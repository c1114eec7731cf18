"""Test data of the project incubator: ideas, the rows a request could change, and the
`volunteering` notification topic (registered by the app once the module is wired in)."""

from __future__ import annotations

from typing import Any

from milieu.volunteering.models import (
    IdeaHelpOffer,
    IdeaPartnerOffer,
    IdeaSupport,
    ProjectIdea,
)
from milieu.volunteering.services import incubator

IDEA = {
    "title": "Un frigo partagé",
    "need": "Des familles manquent de fruits frais en fin de mois.",
    "description": "Installer un frigo communautaire au centre communautaire.",
    "help_wanted": "Des bras pour le nettoyage, une personne pour la logistique.",
    "skills_wanted": ["cooking", "driving"],
    "district": "centre",
}


def idea(author, municipality, *, publish: bool = True, **values: Any) -> ProjectIdea:
    """An idea of `author`, published unless `publish=False`."""
    return incubator.idea_create(
        actor=author, municipality=municipality, values={**IDEA, **values}, publish=publish
    )


def rows() -> dict[str, list]:
    """Everything of the incubator that a request could change."""
    return {
        "ideas": list(ProjectIdea.objects.order_by("pk").values()),
        "skills": sorted(
            ProjectIdea.skills_wanted.through.objects.values_list("projectidea_id", "skill_id")
        ),
        "supports": list(IdeaSupport.objects.order_by("pk").values()),
        "help": list(IdeaHelpOffer.objects.order_by("pk").values()),
        "help_skills": sorted(
            IdeaHelpOffer.skills.through.objects.values_list("ideahelpoffer_id", "skill_id")
        ),
        "partners": list(IdeaPartnerOffer.objects.order_by("pk").values()),
    }
