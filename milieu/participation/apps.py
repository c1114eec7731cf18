from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the app registers its modules, consultation kinds, notification topics, demo
# loader and bench generator from its own `setup_<part>.ready()`.
PARTS = (
    "setup_consultations",
    "setup_surveys",
    "setup_proposals",
    "setup_budgets",
    "setup_council",
)


class ParticipationConfig(AppConfig):
    name = "milieu.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        for part in PARTS:
            import_module(f"{self.name}.{part}").ready()
