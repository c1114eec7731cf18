"""Registrations of the opendata part."""


def ready() -> None:
    """Called once from `InsightsConfig.ready()`."""
