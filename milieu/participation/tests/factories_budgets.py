"""Test data of participatory budgets: a town with the participation module on, its staff and
verified residents, and budget consultations made directly (published, in their voting phase,
unless told otherwise)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.accounts.tests.factories_card import CitizenIdFactory
from milieu.territory.tests.factories import MunicipalityFactory

from ..models import BudgetProject, Consultation, Phase

_numbers = count(1)


def town(**kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-budget-{number}"),
        name=kwargs.pop("name", f"Ville budget {number}"),
        enabled_modules=list(kwargs.pop("modules", ("participation",))),
        **kwargs,
    )


def staff(municipality, **kwargs):
    return with_role(municipality, Role.STAFF, **kwargs)


def resident(municipality, **kwargs):
    """A verified resident (a valid citizen id) of `municipality`."""
    user = citizen_of(municipality, **kwargs)
    CitizenIdFactory(user=user, municipality=municipality)
    return user


def member(municipality, **kwargs):
    """A person of `municipality` with a verified email only (not a verified resident)."""
    return citizen_of(municipality, **kwargs)


def budget(
    municipality,
    *,
    amount: Decimal | int | str = 1_000_000,
    status: str = "published",
    phase: str = "voting",  # the phase open now: information, voting, results
    ballot_mode: str = "open",
    projects: tuple = (),
    **values,
) -> Consultation:
    """A budget consultation with three phases around now; `projects` are (title, cost) pairs."""
    now = timezone.now()
    consultation = Consultation.objects.create(
        municipality=municipality,
        kind="budget",
        title_fr=values.pop("title_fr", f"Budget participatif {next(_numbers)}"),
        status=status,
        ballot_mode=ballot_mode,
        budget_amount=Decimal(str(amount)),
        published_at=None if status == "draft" else now - timedelta(days=10),
        **values,
    )
    offsets = {
        "information": (-1, 1, 2),
        "voting": (-10, -1, 5),
        "results": (-20, -10, -1),
        "none": (1, 2, 3),
    }[phase]
    day = timedelta(days=1)
    starts = [now + offsets[0] * day, now + offsets[1] * day, now + offsets[2] * day]
    for position, (kind, start, end) in enumerate(
        [
            ("information", starts[0], starts[1]),
            ("voting", starts[1], starts[2]),
            ("results", starts[2], starts[2] + 30 * day),
        ]
    ):
        Phase.objects.create(
            consultation=consultation, kind=kind, starts_at=start, ends_at=end, position=position
        )
    for position, (title, cost) in enumerate(projects):
        project(consultation, title=title, cost=cost, position=position)
    return consultation


def project(consultation, *, title: str | None = None, cost=100_000, position: int = 0, **values):
    return BudgetProject.objects.create(
        consultation=consultation,
        title_fr=title or f"Projet {next(_numbers)}",
        cost=Decimal(str(cost)),
        position=position,
        **values,
    )
