"""Demo problem reports (see `core.demo`)."""


def load() -> list[str]:
    """Load the demo categories and reports (idempotent); returns lines to print."""
    return []
