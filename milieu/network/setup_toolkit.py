"""Registrations of the toolkit part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
    from milieu.core import bench, demo

    from . import (
        bench_toolkit,
        demo_toolkit,
        permissions_toolkit,  # noqa: F401  (registers the rules)
    )

    demo.register("toolkit", demo_toolkit.load, order=220)
    bench.register("toolkit", bench_toolkit.generate, order=220)
