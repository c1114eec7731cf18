"""Registrations of the indicators part."""


def ready() -> None:
    """Called once from `InsightsConfig.ready()`."""
