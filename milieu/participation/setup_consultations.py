"""Registrations of the consultations part (modules, kinds, topics, demo, bench)."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    """Called once from `ParticipationConfig.ready()`."""
    from milieu.core import modules

    from . import permissions  # noqa: F401  (registers the rules)

    modules.register(
        modules.Module(
            key="participation",
            name=_("Consultations"),
            description=_(
                "Surveys, calls for proposals and participatory budgets: have your say on "
                "your city's projects, and see the results."
            ),
            url_name="participation:list",
            order=60,
        )
    )
