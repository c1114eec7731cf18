"""Registrations of the council part (modules, kinds, topics, demo, bench)."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    """Called once from `ParticipationConfig.ready()`."""
    from milieu.core import bench, demo, modules
    from milieu.notifications.registry import EMAIL, IN_APP, Topic, register_topic, topics

    from . import (
        bench_council,
        demo_council,
        permissions_council,  # noqa: F401  (registers the rules)
    )

    modules.register(
        modules.Module(
            key="council",
            name=_("Council meetings"),
            description=_(
                "The municipal council's meetings: agenda, documents, live stream and minutes; "
                "residents send their questions before the meeting."
            ),
            url_name="council:meetings",
            order=75,
        )
    )
    if "participation" not in {topic.key for topic in topics()}:
        register_topic(
            Topic(
                "participation",
                _("Participation"),
                _(
                    "Consultations, council meetings and their follow-up: results, answers, minutes."
                ),
                frozenset({IN_APP, EMAIL}),
                order=110,
            )
        )
    demo.register("council", demo_council.load, order=120)
    bench.register("council", bench_council.generate, order=120)
