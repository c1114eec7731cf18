from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "milieu.exchange"
    label = "exchange"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
