from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part registers its metrics, datasets, modules, demo loader and bench generator from its
# own `setup_<part>.ready()`.
PARTS = ("setup_indicators", "setup_opendata")


class InsightsConfig(AppConfig):
    name = "milieu.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        for part in PARTS:
            import_module(f"{self.name}.{part}").ready()
