"""Registrations of the practices part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
    from milieu.core import bench, demo

    from . import (
        bench_practices,
        demo_practices,
        permissions_practices,  # noqa: F401  (registers the rules)
    )

    demo.register("practices", demo_practices.load, order=230)
    bench.register("practices", bench_practices.generate, order=230)
