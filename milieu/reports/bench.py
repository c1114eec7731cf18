"""The benchmark dataset of problem reports (see `core.bench`)."""

from milieu.core.bench import BenchContext


def generate(context: BenchContext) -> dict[str, int]:
    """Generate categories and reports for the benchmark; returns row counts by table."""
    return {}
