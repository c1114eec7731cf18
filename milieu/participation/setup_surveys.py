"""Registrations of the surveys part (modules, kinds, topics, demo, bench)."""

from django.utils.translation import gettext_lazy as _


def _detail(request, consultation) -> str:
    from .views_surveys import consultation_section

    return consultation_section(request, consultation)


def _compute(consultation) -> dict:
    from .results_surveys import compute

    return compute(consultation)


def _export(consultation):
    from .results_surveys import csv_rows

    return csv_rows(consultation)


def ready() -> None:
    """Called once from `ParticipationConfig.ready()`."""
    from milieu.core import bench, demo

    from . import bench_surveys, demo_surveys, registry, services_surveys, views_consultations
    from .models import PhaseKind

    registry.register(
        registry.ConsultationKind(
            key="survey",
            name=_("Survey"),
            description=_("Questions to answer: choices, scales, rankings and free texts."),
            phases=(PhaseKind.INFORMATION, PhaseKind.ANSWERING, PhaseKind.RESULTS),
            action_phase=PhaseKind.ANSWERING,
            detail=_detail,
            compute_results=_compute,
            export_rows=_export,
            publish_refusal=services_surveys.publish_refusal,
            order=10,
        )
    )
    views_consultations.register_pages("survey", results=_results, staff_links=_staff_links)
    demo.register("participation-surveys", demo_surveys.load, order=95)
    bench.register("participation-surveys", bench_surveys.generate, order=90)


def _results(request, consultation, results) -> str:
    from .views_surveys import results_section

    return results_section(request, consultation, results)


def _staff_links(consultation) -> list[tuple[str, str]]:
    from .views_surveys import staff_links

    return staff_links(consultation)
