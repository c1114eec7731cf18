from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "milieu.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from milieu.core import bench, demo, prefetch

        from . import bench as notifications_bench
        from . import channels, permissions  # noqa: F401  (registers the rules)
        from . import demo as notifications_demo

        demo.register("notifications", notifications_demo.load, order=40)
        bench.register("notifications", notifications_bench.generate, order=30)
        from .selectors import unread_cache_key

        prefetch.register(unread_cache_key)  # the badge of every page, read with the user
        from milieu.core import pagecache

        from .rendering import badge_for

        pagecache.register_hole("notification-badge", badge_for)
        from .registry import EMAIL, IN_APP, Topic, register_channel, register_topic

        for channel in (channels.InAppChannel(), channels.EmailChannel(), channels.SmsChannel()):
            register_channel(channel)
        # Sensible, minimal defaults: the notification centre for everything, email only for
        # urgent advisories and for what concerns the person's own account.
        topics = [
            Topic(
                "urgent",
                _("Urgent advisories"),
                _("Boil-water notices, evacuations, road closures."),
                frozenset({IN_APP, EMAIL}),
                geotargeted=True,
                urgent=True,
                staff_alerts=True,
                order=10,
            ),
            Topic(
                "snow_removal",
                _("Snow removal"),
                _("Snow-removal operations in your district."),
                geotargeted=True,
                staff_alerts=True,
                order=20,
            ),
            Topic(
                "waste_collection",
                _("Waste collection"),
                _("Changes to garbage, recycling and compost collection."),
                geotargeted=True,
                staff_alerts=True,
                order=30,
            ),
            Topic(
                "registrations",
                _("Registrations"),
                _("Registration periods and deadlines for activities."),
                staff_alerts=True,
                order=40,
            ),
            Topic(
                "municipal_news",
                _("Municipal news"),
                _("Other news from your municipality."),
                staff_alerts=True,
                order=50,
            ),
            Topic(
                "account",
                _("My account and identity"),
                _("Your citizen id, its renewal and your account's security."),
                frozenset({IN_APP, EMAIL}),
                order=60,
            ),
            Topic(
                "my_exchanges",
                _("My exchanges"),
                _("Requests and replies about what you lend, give or swap."),
                order=70,
            ),
            Topic("my_groups", _("My groups"), _("Activity in the groups you follow."), order=80),
            Topic(
                "consultations", _("Consultations"), _("New consultations and results."), order=90
            ),
            Topic(
                "rewards",
                _("Rewards"),
                _("Points earned and offers from local merchants."),
                order=100,
            ),
        ]
        for topic in topics:
            register_topic(topic)
