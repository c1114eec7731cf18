from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "milieu.exchange"
    label = "exchange"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from milieu.core import bench
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic

        from . import bench as exchange_bench
        from . import permissions  # noqa: F401  (registers the rules)

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
