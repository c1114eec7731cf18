"""Demo participatory budgets (`make run`).

Brossard: « Budget participatif 2027 », 500 000 $ shared among six projects, open for voting
now (its information phase started two weeks ago, the vote ends in a month); Camille
(`citoyenne@demo.milieu.test`, a verified resident) can vote. Ville-Marie (Témiscamingue): a
small 2026 budget of 60 000 $ among four projects, closed, with its results (the votes were
cast on paper at the town hall and entered by the staff: they name no one, as in a secret
ballot).

Idempotent: a budget that exists (by its town and French title) is left as it is, except that
the open one's phases move so that its vote stays open. Written directly, as the other demos do
(staff enrol their authenticator on their first visit), with the services' own rules: positive
costs, projects in their order.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from milieu.territory.models import Municipality

from .models import BudgetProject, BudgetVote, BudgetVoteItem, Consultation, Phase
from .results_budgets import compute

DAY = timedelta(days=1)
MODULE = "participation"

BROSSARD: dict = {
    "town": "brossard",
    "title_fr": "Budget participatif 2027",
    "title_en": "Participatory budget 2027",
    "title_es": "Presupuesto participativo 2027",
    "description_fr": (
        "La Ville consacre 500 000 $ à des projets choisis par sa population. Choisissez les "
        "projets que vous voulez voir réalisés, sans dépasser le budget."
    ),
    "description_en": (
        "The city sets aside $500,000 for projects its residents choose. Pick the projects you "
        "want, within the budget."
    ),
    "amount": Decimal("500000"),
    "projects": [
        ("Jardin communautaire du parc Sorbonne", "Community garden in Sorbonne park", 85_000),
        ("Jeux d'eau au parc Lapinière", "Splash pad in Lapinière park", 180_000),
        (
            "Bibliothèque de rue dans chaque secteur",
            "Little free libraries in every sector",
            25_000,
        ),
        ("Sentier illuminé le long du boulevard", "Lit path along the boulevard", 210_000),
        ("Abris à vélos au métro", "Bike shelters at the metro", 120_000),
        ("Bancs et ombre au parc Radisson", "Benches and shade in Radisson park", 60_000),
    ],
}
BALLOTS = [(0, 3)] * 14 + [(1, 2)] * 11 + [(1, 3)] * 9 + [(2,)] * 4 + [(0, 1)] * 3
VILLE_MARIE: dict = {
    "town": "ville-marie",
    "title_fr": "Budget participatif 2026",
    "title_en": "Participatory budget 2026",
    "title_es": "Presupuesto participativo 2026",
    "description_fr": "60 000 $ pour des projets choisis par les citoyennes et citoyens.",
    "description_en": "$60,000 for projects chosen by the residents.",
    "amount": Decimal("60000"),
    "projects": [
        ("Quai public rénové", "Renovated public wharf", 35_000),
        ("Patinoire extérieure éclairée", "Lit outdoor rink", 20_000),
        ("Halte pour cyclistes", "Cyclists' rest stop", 15_000),
        ("Boîtes à livres", "Book boxes", 4_000),
    ],
}


def _enable(municipality: Municipality) -> None:
    if MODULE not in (municipality.enabled_modules or []):
        municipality.enabled_modules = [*(municipality.enabled_modules or []), MODULE]
        municipality.save(update_fields=["enabled_modules"])


def _phases(consultation: Consultation, starts) -> None:
    consultation.phases.all().delete()
    for position, (kind, days) in enumerate((("information", 12), ("voting", 44), ("results", 60))):
        Phase.objects.create(
            consultation=consultation,
            kind=kind,
            starts_at=starts,
            ends_at=starts + days * DAY,
            position=position,
        )
        starts += days * DAY


def _budget(spec: dict, municipality: Municipality, *, status: str, starts) -> tuple:
    existing = Consultation.objects.filter(
        municipality=municipality, kind="budget", title_fr=spec["title_fr"]
    ).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    consultation = Consultation.objects.create(
        municipality=municipality,
        kind="budget",
        status=status,
        ballot_mode="secret",
        budget_amount=spec["amount"],
        published_at=starts,
        **{k: v for k, v in spec.items() if k.startswith(("title_", "description_"))},
        created_at=now,
        updated_at=now,
    )
    _phases(consultation, starts)
    for position, (title_fr, title_en, cost) in enumerate(spec["projects"]):
        BudgetProject.objects.create(
            consultation=consultation,
            title_fr=title_fr,
            title_en=title_en,
            cost=Decimal(cost),
            position=position,
        )
    return consultation, True


@transaction.atomic
def load() -> list[str]:
    lines: list[str] = []
    now = timezone.now()
    brossard = Municipality.objects.filter(slug=BROSSARD["town"]).first()
    if brossard is not None:
        _enable(brossard)
        consultation, _created = _budget(
            BROSSARD, brossard, status="published", starts=now - 14 * DAY
        )
        _phases(consultation, now - 14 * DAY)  # the vote stays open
        lines.append(
            f"Participatory budget (voting): /fr/brossard/participation/budgets/{consultation.pk}/"
        )
    ville_marie = Municipality.objects.filter(slug=VILLE_MARIE["town"]).first()
    if ville_marie is not None:
        _enable(ville_marie)
        consultation, created = _budget(
            VILLE_MARIE, ville_marie, status="published", starts=now - 120 * DAY
        )
        if created:
            projects = list(consultation.budget_projects.order_by("position"))
            for ballot in BALLOTS:  # each paper ballot: the positions of the projects chosen
                vote = BudgetVote.objects.create(consultation=consultation)
                BudgetVoteItem.objects.bulk_create(
                    [BudgetVoteItem(vote=vote, project=projects[i]) for i in ballot]
                )
            consultation.results = compute(consultation)
            consultation.status = "closed"
            consultation.closed_at = consultation.results_computed_at = now - 60 * DAY
            consultation.save()
        lines.append(
            "Participatory budget (results): "
            f"/fr/ville-marie/participation/budgets/{consultation.pk}/results/"
        )
    return lines
