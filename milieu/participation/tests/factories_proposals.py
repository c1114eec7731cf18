"""Test data of calls for proposals: towns with the participation module on, their staff and
verified residents, a call (a consultation of kind `proposals` with its three phases, the
submission phase open now unless told otherwise) and ideas submitted through the services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.accounts.tests.factories_card import resident_of
from milieu.territory.tests.factories import MunicipalityFactory

from .. import services_proposals as services
from ..models import Consultation, ConsultationStatus, Phase, PhaseKind

_numbers = count(1)


def town(*, modules=("participation",), **kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-idees-{number}"),
        name=kwargs.pop("name", f"Ville idées {number}"),
        enabled_modules=list(modules),
        **kwargs,
    )


def staff(municipality, **kwargs):
    """Municipal staff of `municipality`, with MFA."""
    return with_role(municipality, Role.STAFF, **kwargs)


def resident(municipality, **kwargs):
    """A verified resident of `municipality` (a valid citizen id there)."""
    return resident_of(municipality, **kwargs).user


def member(municipality, **kwargs):
    """A member whose residency is not verified."""
    return citizen_of(municipality, **kwargs)


def call(
    municipality,
    *,
    phase: str = "open",
    threshold: int | None = 3,
    status: str = ConsultationStatus.PUBLISHED,
    **values,
) -> Consultation:
    """A call for proposals of `municipality`; `phase` says where "now" is: `before` (the
    information phase), `open` (submission), `after` (results)."""
    now = timezone.now()
    shift = {"before": timedelta(days=3), "open": timedelta(0), "after": timedelta(days=-20)}[phase]
    consultation = Consultation.objects.create(
        municipality=municipality,
        kind="proposals",
        title_fr=values.pop("title_fr", f"Appel à idées {next(_numbers)}"),
        description_fr="Vos idées pour le parc.",
        status=status,
        support_threshold=threshold,
        published_at=now - timedelta(days=10),
        **values,
    )
    day = timedelta(days=1)
    start = now + shift
    Phase.objects.bulk_create(
        [
            Phase(
                consultation=consultation,
                kind=PhaseKind.INFORMATION,
                starts_at=start - 10 * day,
                ends_at=start - day,
                position=0,
            ),
            Phase(
                consultation=consultation,
                kind=PhaseKind.SUBMISSION,
                starts_at=start - day,
                ends_at=start + 10 * day,
                position=1,
            ),
            Phase(
                consultation=consultation,
                kind=PhaseKind.RESULTS,
                starts_at=start + 10 * day,
                ends_at=start + 30 * day,
                position=2,
            ),
        ]
    )
    return consultation


def proposal(consultation, *, author=None, **values):
    """An idea submitted by `author` (a new verified resident if none)."""
    author = author or resident(consultation.municipality)
    values = {
        "title": f"Idée {next(_numbers)}",
        "body": "Des bancs à l'ombre le long de la rivière, pour les aînés.",
        "language": "fr",
        **values,
    }
    return services.proposal_submit(actor=author, consultation=consultation, values=values)


def supported(proposal_, n: int) -> list:
    """`n` new verified residents who support the idea; returns them."""
    people = [resident(proposal_.municipality) for _ in range(n)]
    for person in people:
        services.support_add(actor=person, proposal=proposal_)
    return people


def set_phase(consultation, phase: str) -> None:
    """Move the call's phases so that now is `before`, `open` or `after` the submission."""
    now = timezone.now()
    shift = {"before": timedelta(days=3), "open": timedelta(0), "after": timedelta(days=-20)}[phase]
    day = timedelta(days=1)
    start = now + shift
    spans = {
        PhaseKind.INFORMATION: (start - 10 * day, start - day),
        PhaseKind.SUBMISSION: (start - day, start + 10 * day),
        PhaseKind.RESULTS: (start + 10 * day, start + 30 * day),
    }
    for kind, (starts_at, ends_at) in spans.items():
        Phase.objects.filter(consultation=consultation, kind=kind).update(
            starts_at=starts_at, ends_at=ends_at
        )
