from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part registers its modules, criteria, demo loader and bench generator from its own
# `setup_<part>.ready()`.
PARTS = (
    "setup_diagnostic",
    "setup_plans",
    "setup_toolkit",
    "setup_practices",
    "setup_recognition",
)


class NetworkConfig(AppConfig):
    name = "milieu.network"
    label = "network"
    verbose_name = _("Network of municipalities")

    def ready(self) -> None:
        for part in PARTS:
            import_module(f"{self.name}.{part}").ready()
