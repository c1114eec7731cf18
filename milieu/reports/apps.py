from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "milieu.reports"
    label = "reports"
    verbose_name = _("Problem reports")

    def ready(self) -> None:
        from milieu.core import bench, demo, modules
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic

        from . import bench as reports_bench
        from . import demo as reports_demo
        from . import permissions  # noqa: F401  (registers the rules)

        modules.register(
            modules.Module(
                key="reports",
                name=_("Report a problem"),
                description=_(
                    "A pothole, a broken street light, graffiti: tell the municipality where, "
                    "with a photo, and follow what it does about it."
                ),
                url_name="reports:home",
                order=60,
            )
        )
        demo.register("reports", reports_demo.load, order=110)
        bench.register("reports", reports_bench.generate, order=100)
        register_topic(
            Topic(
                "reports",
                _("My problem reports"),
                _("What the town does about the problems you reported."),
                frozenset({IN_APP, EMAIL}),
                order=110,
            )
        )
