"""Test data of recognition: criteria, completed diagnostics and indicator rows (made directly:
the diagnostic and the indicators are computed by other parts), a platform operator."""

from datetime import date, datetime

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from milieu.accounts.tests.factories import UserFactory
from milieu.insights.models import IndicatorValue
from milieu.network.models import Criterion, Diagnostic, DiagnosticStatus

TODAY = date(2026, 12, 7)


def criterion(region=None, *, kind="maturity_overall", threshold=2.5, **kwargs) -> Criterion:
    kwargs.setdefault("name_en", "Digital starter")
    kwargs.setdefault("name_fr", "Pionnier numérique")
    kwargs.setdefault("original_language", "fr")
    return Criterion.objects.create(region=region, kind=kind, threshold=threshold, **kwargs)


def diagnostic(municipality, overall: float, *, scores=None, on: date = date(2026, 11, 2)):
    done = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
    return Diagnostic.objects.create(
        municipality=municipality,
        status=DiagnosticStatus.COMPLETED,
        started_at=done,
        completed_at=done,
        scores=scores or {},
        overall=overall,
    )


def indicator(municipality, metric: str, month: date, value: float, basis: int | None = None):
    return IndicatorValue.objects.create(
        municipality=municipality,
        metric=metric,
        month=month,
        value=value,
        basis=int(value) if basis is None else basis,
    )


def operator(*, mfa: bool = True):
    user = UserFactory(is_staff=True)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user
