"""Registrations of the plans part (its rules are in `permissions_diagnostic`)."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
    from milieu.core import bench, demo

    from . import bench_plans, demo_plans

    demo.register("plans", demo_plans.load, order=210)
    bench.register("plans", bench_plans.generate, order=210)
