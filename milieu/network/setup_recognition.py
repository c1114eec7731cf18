"""Registrations of the recognition part: its criterion kinds, its rules, its demo loader and its
benchmark generator."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
    from milieu.core import bench, demo

    from . import (
        bench_recognition,
        demo_recognition,
        permissions_recognition,  # noqa: F401  (registers the recognition rules)
        recognition_kinds,
    )

    recognition_kinds.register_defaults()
    demo.register("recognition", demo_recognition.load, order=310)
    bench.register("recognition", bench_recognition.generate, order=310)
