from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "milieu.exchange"
    label = "exchange"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from milieu.core import demo, modules

        from . import demo as exchange_demo
        from . import permissions  # noqa: F401  (registers the rules)

        modules.register(
            modules.Module(
                key="exchange",
                name=_("Sharing"),
                description=_(
                    "Lend, give and swap objects with your neighbours, and offer or ask for a "
                    "helping hand."
                ),
                url_name="exchange:listings",
                order=30,
            )
        )
        demo.register("exchange", exchange_demo.load, order=70)
