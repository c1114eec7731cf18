"""Demo recognition. Idempotent: what exists is left as it is, then the daily evaluation runs.

The platform's criterion "Digital starter" (overall maturity at least 2.5/5); the MRC de
Témiscamingue's "Participation citoyenne" (citizen participation score at least 3/5); Idées
collectives' "Signalements traités" (70 % of problem reports closed within 7 days over 12
months). Ville-Marie has a completed diagnostic (made here unless the diagnostic's demo made one)
and earns the first two.
"""

from datetime import timedelta

from django.utils import timezone

from milieu.accounts.models import User
from milieu.territory.models import Municipality, Region

from .models import Criterion, Diagnostic, DiagnosticStatus
from .services_recognition import recognition_evaluate

VILLE_MARIE_SCORES = {
    "strategy": 3.4,
    "connectivity": 2.6,
    "services": 3.0,
    "data": 2.2,
    "participation": 3.6,
    "skills": 2.8,
    "security": 2.4,
}
CRITERIA = [
    (
        None,
        {
            "name_fr": "Pionnier numérique",
            "name_en": "Digital starter",
            "name_es": "Pionero digital",
            "description_fr": "Une maturité numérique globale d'au moins 2,5 sur 5 au dernier "
            "autodiagnostic.",
            "description_en": "An overall digital maturity of at least 2.5 out of 5 in the "
            "latest self-diagnostic.",
            "description_es": "Una madurez digital global de al menos 2,5 sobre 5 en el último "
            "autodiagnóstico.",
            "kind": "maturity_overall",
            "threshold": 2.5,
        },
    ),
    (
        "temiscamingue",
        {
            "name_fr": "Participation citoyenne",
            "name_en": "Citizen participation",
            "name_es": "Participación ciudadana",
            "description_fr": "La MRC reconnaît les municipalités dont la participation citoyenne "
            "atteint 3 sur 5.",
            "description_en": "The MRC recognises the towns whose citizen participation reaches "
            "3 out of 5.",
            "description_es": "La MRC reconoce a los municipios cuya participación ciudadana "
            "alcanza 3 sobre 5.",
            "kind": "maturity_dimension",
            "threshold": 3.0,
            "params": {"dimension": "participation"},
        },
    ),
    (
        "idees-collectives",
        {
            "name_fr": "Signalements traités",
            "name_en": "Reports handled",
            "name_es": "Reportes atendidos",
            "description_fr": "Au moins 70 % des signalements fermés en 7 jours sur 12 mois.",
            "description_en": "At least 70 % of problem reports closed within 7 days over 12 "
            "months.",
            "description_es": "Al menos el 70 % de los reportes cerrados en 7 días en 12 meses.",
            "kind": "reports_closed_within_7_days",
            "threshold": 70.0,
        },
    ),
]


def _diagnostic(town: Municipality) -> None:
    if Diagnostic.objects.filter(municipality=town, status=DiagnosticStatus.COMPLETED).exists():
        return
    done = timezone.now() - timedelta(days=35)
    Diagnostic.objects.create(
        municipality=town,
        status=DiagnosticStatus.COMPLETED,
        started_at=done - timedelta(days=2),
        completed_at=done,
        scores=VILLE_MARIE_SCORES,
        overall=round(sum(VILLE_MARIE_SCORES.values()) / len(VILLE_MARIE_SCORES), 2),
    )


def load() -> list[str]:
    operator = User.objects.filter(email="operateur@demo.milieu.test").first()
    made = 0
    for region_slug, values in CRITERIA:
        region = None
        if region_slug is not None:
            region = Region.objects.filter(slug=region_slug).first()
            if region is None:
                continue
        if Criterion.objects.filter(region=region, name_en=values["name_en"]).exists():
            continue
        Criterion.objects.create(region=region, created_by=operator, **values)
        made += 1
    town = Municipality.objects.filter(slug="ville-marie").first()
    if town is not None:
        _diagnostic(town)
    result = recognition_evaluate()
    return [
        f"Recognition: {made} criteria added; {result.awarded} badge(s) awarded, "
        f"{result.confirmed} confirmed, {result.lapsed} lapsed.",
        "  Badges at /fr/recognition/ (Ville-Marie: /fr/recognition/ville-marie/); "
        "admin.mrc@demo.milieu.test sets the MRC's at /fr/regions/temiscamingue/recognition/, "
        "operateur@demo.milieu.test the platform's at /fr/recognition/manage/.",
    ]
