"""Registrations of the indicators part: the metrics, the module, the demo loader and the bench
generator."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    """Called once from `InsightsConfig.ready()`."""
    from milieu.core import bench, demo, modules

    from . import bench_indicators, demo_indicators, metrics

    metrics.register_all()
    modules.register(
        modules.Module(
            key="indicators",
            name=_("Indicators"),
            description=_(
                "Public figures of the platform's use, month by month: accounts, verified "
                "residents, exchanges, volunteering, participation, problem reports."
            ),
            url_name="indicators:town",
            order=200,
        )
    )
    demo.register("indicators", demo_indicators.load, order=300)
    bench.register("indicators", bench_indicators.generate, order=300)
