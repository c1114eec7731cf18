"""Registrations of the diagnostic part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
    from milieu.core import bench, demo

    from . import (
        bench_diagnostic,
        demo_diagnostic,
        permissions_diagnostic,  # noqa: F401  (registers the rules)
    )

    demo.register("diagnostic", demo_diagnostic.load, order=200)
    bench.register("diagnostic", bench_diagnostic.generate, order=200)
