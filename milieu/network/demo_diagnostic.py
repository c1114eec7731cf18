"""Demo diagnostics. Idempotent: what exists is left as it is.

Ville-Marie (Témiscamingue) gets a staff account, `employe.ville-marie@demo.milieu.test`, a
diagnostic completed last year (weak in connectivity, data and skills) and a draft started this
month with a few answers; Brossard a completed diagnostic. The recognition part's loader may
have created a completed Ville-Marie diagnostic already: then that one is kept as last year's.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import Membership, Role, RoleAssignment
from milieu.territory.models import Municipality

from .models import Diagnostic, DiagnosticAnswer, DiagnosticStatus
from .questions import QUESTIONS, score

STAFF = ("employe.ville-marie@demo.milieu.test", "Employée Ville-Marie")
LAST_YEAR = {
    "strategy": 3,
    "connectivity": 1,
    "services": 3,
    "data": 1,
    "participation": 3,
    "skills": 2,
    "security": 3,
}


def _levels(by_dimension: dict[str, int]) -> dict[str, int]:
    return {q.key: by_dimension[q.dimension] for q in QUESTIONS}


def staff_account(town: Municipality):
    from milieu.accounts.demo import _account

    user = _account(*STAFF)
    if not Membership.objects.filter(user=user, is_home=True).exists():
        Membership.objects.get_or_create(user=user, municipality=town, defaults={"is_home": True})
    RoleAssignment.objects.active().get_or_create(user=user, role=Role.STAFF, municipality=town)
    return user


def _completed(town: Municipality, author, levels: dict[str, int], when) -> Diagnostic:
    existing = (
        Diagnostic.objects.filter(municipality=town, status=DiagnosticStatus.COMPLETED)
        .order_by("completed_at")
        .first()
    )
    if existing is not None:
        return existing
    scores, overall = score(levels)
    diagnostic = Diagnostic.objects.create(
        municipality=town,
        status=DiagnosticStatus.COMPLETED,
        started_by=author,
        started_at=when - timedelta(days=5),
        completed_at=when,
        scores=scores,
        overall=overall,
    )
    DiagnosticAnswer.objects.bulk_create(
        DiagnosticAnswer(diagnostic=diagnostic, question=k, level=v, answered_by=author)
        for k, v in levels.items()
    )
    return diagnostic


@transaction.atomic
def load() -> list[str]:
    now = timezone.now()
    town = Municipality.objects.get(slug="ville-marie")
    author = staff_account(town)
    last_year = _completed(town, author, _levels(LAST_YEAR), now - timedelta(days=365))
    if not Diagnostic.objects.filter(municipality=town, status=DiagnosticStatus.DRAFT).exists():
        draft = Diagnostic.objects.create(
            municipality=town, started_by=author, started_at=now - timedelta(days=3)
        )
        DiagnosticAnswer.objects.bulk_create(
            DiagnosticAnswer(diagnostic=draft, question=q.key, level=2, answered_by=author)
            for q in QUESTIONS[:6]
        )
    brossard = Municipality.objects.filter(slug="brossard").first()
    if brossard is not None:
        levels = dict.fromkeys(LAST_YEAR, 4) | {"data": 3, "security": 3}
        _completed(brossard, None, _levels(levels), now - timedelta(days=60))
    return [
        f"Diagnostic: {town.name} completed one on {last_year.completed_at:%Y-%m-%d} and has a "
        f"draft; staff account {STAFF[0]}"
    ]
