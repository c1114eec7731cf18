from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "milieu.volunteering"
    label = "volunteering"
    verbose_name = _("Volunteering")

    def ready(self) -> None:
        from milieu.core import bench, demo, modules
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic

        from . import bench as volunteering_bench
        from . import demo as volunteering_demo
        from . import permissions  # noqa: F401  (registers the rules)

        modules.register(
            modules.Module(
                key="volunteering",
                name=_("Volunteering"),
                description=_(
                    "Find a volunteering opportunity that fits your skills and your time, and "
                    "help the organisations of your municipality recruit."
                ),
                url_name="volunteering:opportunities",
                order=40,
            )
        )
        demo.register("volunteering", volunteering_demo.load, order=80)
        bench.register("volunteering", volunteering_bench.generate, order=70)
        register_topic(
            Topic(
                "volunteering",
                _("Volunteering"),
                _("Applications to your opportunities, answers to yours, and hours to confirm."),
                frozenset({IN_APP, EMAIL}),
                order=100,
            )
        )
