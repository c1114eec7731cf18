from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "milieu.exchange"
    label = "exchange"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from milieu.core import bench, demo, modules
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic

        from . import bench as exchange_bench
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
        bench.register("exchange", exchange_bench.generate, order=60)
        register_topic(
            Topic(
                "exchanges",
                _("Sharing"),
                _("Requests for your listings, and the steps of your exchanges."),
                frozenset({IN_APP, EMAIL}),
                order=90,
            )
        )
