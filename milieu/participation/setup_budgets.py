"""Registrations of the budgets part (modules, kinds, topics, demo, bench)."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    """Called once from `ParticipationConfig.ready()`."""
    from milieu.core import bench, demo

    from . import (
        bench_budgets,
        demo_budgets,
        permissions_budgets,
        registry,
        results_budgets,
        services_budgets,
        views_budgets,
    )
    from .models import PhaseKind

    del permissions_budgets  # imported for its rules
    registry.register(
        registry.ConsultationKind(
            key="budget",
            name=_("Participatory budget"),
            description=_(
                "Residents share an amount of the city's budget among projects: each picks the "
                "projects they want within the budget, and the most wanted are funded."
            ),
            phases=(PhaseKind.INFORMATION, PhaseKind.VOTING, PhaseKind.RESULTS),
            action_phase=PhaseKind.VOTING,
            detail=views_budgets.consultation_section,
            compute_results=results_budgets.compute,
            export_rows=results_budgets.csv_rows,
            publish_refusal=services_budgets.publish_refusal,
            order=30,
        )
    )
    from . import views_consultations

    views_consultations.register_pages(
        "budget", results=views_budgets.results_section, staff_links=views_budgets.staff_links
    )
    demo.register("participation_budgets", demo_budgets.load, order=130)
    bench.register("participation_budgets", bench_budgets.generate, order=130)
