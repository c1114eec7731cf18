"""Registrations of the proposals part (modules, kinds, topics, demo, bench)."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    """Called once from `ParticipationConfig.ready()`."""
    from milieu.core import bench, demo
    from milieu.notifications import registry as notifications

    from . import (
        bench_proposals,
        demo_proposals,
        permissions_proposals,  # noqa: F401  (registers the rules)
        registry,
        selectors_proposals,
    )
    from .models import PhaseKind
    from .views_consultations import register_pages
    from .views_proposals import call_section, results_section, staff_links

    registry.register(
        registry.ConsultationKind(
            key="proposals",
            name=_("Call for proposals"),
            description=_(
                "Residents submit ideas and support those of others; above a number of "
                "supports, the city publishes an answer."
            ),
            phases=(PhaseKind.INFORMATION, PhaseKind.SUBMISSION, PhaseKind.RESULTS),
            action_phase=PhaseKind.SUBMISSION,
            detail=call_section,
            compute_results=selectors_proposals.compute_results,
            export_rows=selectors_proposals.export_rows,
            order=20,
        )
    )
    register_pages("proposals", results=results_section, staff_links=staff_links)
    # The participation topic is shared by the parts of the app: whichever registers first.
    try:
        notifications.topic("participation")
    except KeyError:
        notifications.register_topic(
            notifications.Topic(
                "participation",
                _("Participation"),
                _(
                    "Consultations you took part in: your ideas, their supports, the city's answers."
                ),
                frozenset({notifications.IN_APP, notifications.EMAIL}),
                order=110,
            )
        )
    demo.register("participation_proposals", demo_proposals.load, order=125)
    bench.register("participation_proposals", bench_proposals.generate, order=125)
