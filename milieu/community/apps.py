from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "milieu.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from milieu.core import demo, modules
        from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic

        from . import demo as community_demo
        from . import (
            permissions,  # noqa: F401  (registers the rules)
            signals,  # noqa: F401  (keeps people's search entries true)
        )

        demo.register("community", community_demo.load, order=60)
        modules.register(
            modules.Module(
                key="community",
                name=_("Community"),
                description=_(
                    "Your neighbourhood's news, interest groups, and conversations with "
                    "your neighbours."
                ),
                url_name="community:home",
                order=20,
            )
        )
        modules.register(
            modules.Module(
                key="newcomers",
                name=_("Newcomers"),
                description=_(
                    "Services for people who just arrived, and a resident buddy to help them "
                    "settle in."
                ),
                url_name="newcomers:home",
                order=25,
            )
        )
        for topic in (
            Topic(
                "community_activity",
                _("Replies and mentions"),
                _("Comments on your posts, and posts that mention you."),
                order=82,
            ),
            Topic(
                "private_messages",
                _("Private messages"),
                _("New messages in your conversations."),
                order=84,
            ),
            Topic(
                "newcomer_pairing",
                _("Newcomer pairing"),
                _("Proposed buddies, pairings and check-ins."),
                frozenset({IN_APP, EMAIL}),
                order=86,
            ),
            Topic(
                "moderation",
                _("Moderation"),
                _("Decisions of the moderators about what you published."),
                frozenset({IN_APP, EMAIL}),
                order=88,
            ),
        ):
            register_topic(topic)

        from milieu.core import bench

        from . import bench as community_bench

        bench.register("community", community_bench.generate, order=50)
