"""Test data of the diagnostic and the plans: towns, their staff, completed diagnostics."""

from datetime import timedelta

from django.utils import timezone

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.network.models import (
    Diagnostic,
    DiagnosticAnswer,
    DiagnosticStatus,
    PlanAction,
    Practice,
    PracticeStatus,
)
from milieu.network.questions import QUESTIONS, score
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory


def town(**kwargs):
    return MunicipalityFactory(**kwargs)


def staff(municipality, **kwargs):
    return with_role(municipality, Role.STAFF, **kwargs)


def consortium_admin(region, *, home=None):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = citizen_of(home) if home is not None else UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.CONSORTIUM_ADMIN, region=region)
    TOTP.activate(user, generate_totp_secret())
    return user


def levels(by_dimension: dict[str, int] | int) -> dict[str, int]:
    if isinstance(by_dimension, int):
        return {q.key: by_dimension for q in QUESTIONS}
    return {q.key: by_dimension.get(q.dimension, 3) for q in QUESTIONS}


def completed(municipality, given: dict[str, int] | int = 3, *, days_ago: int = 1) -> Diagnostic:
    answers = levels(given)
    scores, overall = score(answers)
    when = timezone.now() - timedelta(days=days_ago)
    diagnostic = Diagnostic.objects.create(
        municipality=municipality,
        status=DiagnosticStatus.COMPLETED,
        started_at=when - timedelta(hours=2),
        completed_at=when,
        scores=scores,
        overall=overall,
    )
    DiagnosticAnswer.objects.bulk_create(
        DiagnosticAnswer(diagnostic=diagnostic, question=k, level=v) for k, v in answers.items()
    )
    return diagnostic


def draft(municipality, answers: dict[str, int] | None = None) -> Diagnostic:
    diagnostic = Diagnostic.objects.create(municipality=municipality)
    DiagnosticAnswer.objects.bulk_create(
        DiagnosticAnswer(diagnostic=diagnostic, question=k, level=v)
        for k, v in (answers or {}).items()
    )
    return diagnostic


def action(municipality, **kwargs) -> PlanAction:
    values = {"title": "Wi-Fi à l'hôtel de ville", "dimension": "connectivity"} | kwargs
    return PlanAction.objects.create(municipality=municipality, **values)


def practice(municipality, *, published: bool = True, title: str = "Wi-Fi public") -> Practice:
    return Practice.objects.create(
        municipality=municipality,
        title=title,
        language="fr",
        problem="p",
        solution="s",
        contact="info@example.org",
        status=PracticeStatus.PUBLISHED if published else PracticeStatus.DRAFT,
        published_at=timezone.now() if published else None,
    )


__all__ = ["RegionFactory"]
