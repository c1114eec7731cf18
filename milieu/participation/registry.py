"""The registry of consultation kinds (rule 4 of the house: adding a kind is adding a module).

Each kind registers itself from the app's `ready()`:

    register(ConsultationKind(
        key="survey", name=_("Survey"), description=_("..."),
        phases=(PhaseKind.INFORMATION, PhaseKind.ANSWERING, PhaseKind.RESULTS),
        action_phase=PhaseKind.ANSWERING,
        detail=surveys_views.consultation_section,   # (request, consultation) -> str (HTML)
        compute_results=surveys_results.compute,      # (consultation) -> dict (JSON)
        export_rows=surveys_results.csv_rows,         # (consultation) -> iterable of rows
    ))

`phases` lists the phases a consultation of this kind may have, in order; `action_phase` is the
phase in which people take part (answer, submit and support, vote). `detail` renders the kind's
part of the consultation page; `compute_results` runs when the consultation closes and its
result is kept on the consultation (`results`), so that result pages read one row;
`export_rows` gives the CSV export (header first). `publish_refusal(consultation)`, when given,
answers what is missing before the consultation may be published (a translated message,
`{field: message}`), or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from .models import PhaseKind


@dataclass(frozen=True)
class ConsultationKind:
    key: str
    name: Promise | str
    description: Promise | str
    phases: tuple[str, ...]
    action_phase: str
    detail: Callable[..., str] | None = None
    compute_results: Callable[[Any], dict] | None = None
    export_rows: Callable[[Any], Iterable[list[Any]]] | None = None
    publish_refusal: Callable[[Any], Any] | None = None
    order: int = 100


_KINDS: dict[str, ConsultationKind] = {}


def register(kind: ConsultationKind) -> None:
    if kind.action_phase not in kind.phases:
        raise ValueError(f"{kind.key}: the action phase must be one of its phases")
    for phase in kind.phases:
        PhaseKind(phase)  # raises on an unknown phase
    _KINDS[kind.key] = kind


def get(key: str) -> ConsultationKind:
    """The registered kind (KeyError for an unknown key)."""
    return _KINDS[key]


def kinds() -> list[ConsultationKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def choices() -> list[tuple[str, Any]]:
    return [(kind.key, kind.name) for kind in kinds()]
