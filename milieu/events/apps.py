from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "milieu.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from milieu.core import bench, demo, modules
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic

        from . import bench as events_bench
        from . import demo as events_demo
        from . import permissions  # noqa: F401  (registers the rules)

        modules.register(
            modules.Module(
                key="events",
                name=_("Events and outings"),
                description=_(
                    "Culture, sport, family outings and places to visit, across the cities of "
                    "your region; register, and earn points for taking part."
                ),
                url_name="events:agenda",
                order=50,
            )
        )
        demo.register("events", events_demo.load, order=90)
        bench.register("events", events_bench.generate, order=80)
        register_topic(
            Topic(
                "events",
                _("My events"),
                _("Your registrations: a place freed for you, a date cancelled or changed."),
                frozenset({IN_APP, EMAIL}),
                order=105,
            )
        )
