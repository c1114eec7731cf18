from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "milieu.territory"
    label = "territory"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from milieu.core import bench, demo, modules

        from . import bench as territory_bench
        from . import (
            bench_committees,
            demo_committees,
            permissions,  # noqa: F401  (registers the rules)
            permissions_committees,  # noqa: F401  (registers the committees' rules)
            signals,  # noqa: F401  (keeps the municipality cache true)
        )
        from . import demo as territory_demo

        modules.register(
            modules.Module(
                key="districts",
                name=_("Neighbourhoods"),
                description=_("The districts of the municipality and what each one covers."),
                url_name="territory:district_list",
                order=10,
            )
        )
        demo.register("territory", territory_demo.load, order=10)
        bench.register("territory", territory_bench.generate, order=10)
        demo.register("committees", demo_committees.load, order=35)
        bench.register("committees", bench_committees.generate, order=25)
        self._register_topic()

    @staticmethod
    def _register_topic() -> None:
        """The committees' notifications topic (once, however often `ready` runs)."""
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic, topic

        try:
            topic("committees")
        except KeyError:
            register_topic(
                Topic(
                    "committees",
                    _("Inter-municipal committees"),
                    _("For delegates: a motion open for your vote, a weighted vote asked for."),
                    frozenset({IN_APP, EMAIL}),
                    order=160,
                )
            )
