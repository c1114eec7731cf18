"""Demo digital plan. Idempotent: Ville-Marie's plan gets its three actions once, drawn from
its completed diagnostic's recommendations (done, in progress, planned)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from milieu.territory.models import Municipality

from .demo_diagnostic import staff_account
from .models import Diagnostic, DiagnosticStatus, PlanAction, PlanStatus

ACTIONS = [
    (
        "Ouvrir le Wi-Fi gratuit à l'hôtel de ville",
        "connectivity",
        "Direction générale",
        PlanStatus.DONE,
        -200,
        -120,
    ),
    (
        "Inventaire des données de la municipalité",
        "data",
        "Greffière",
        PlanStatus.IN_PROGRESS,
        -60,
        60,
    ),
    (
        "Ateliers d'initiation au numérique pour les aînés",
        "skills",
        "Service des loisirs",
        PlanStatus.PLANNED,
        30,
        180,
    ),
]


@transaction.atomic
def load() -> list[str]:
    town = Municipality.objects.get(slug="ville-marie")
    if PlanAction.objects.filter(municipality=town).exists():
        return []
    author = staff_account(town)
    diagnostic = (
        Diagnostic.objects.filter(municipality=town, status=DiagnosticStatus.COMPLETED)
        .order_by("completed_at")
        .first()
    )
    today = timezone.localdate()
    for title, dimension, owner, status, start, due in ACTIONS:
        PlanAction.objects.create(
            municipality=town,
            title=title,
            dimension=dimension,
            diagnostic=diagnostic,
            owner=owner,
            start=today + timedelta(days=start),
            due=today + timedelta(days=due),
            status=status,
            created_by=author,
        )
    return [f"Digital plan: {town.name} has {len(ACTIONS)} actions"]
