"""Registrations of the opendata part."""


def ready() -> None:
    """Called once from `InsightsConfig.ready()`: the datasets of the open-data catalogue."""
    from . import datasets_sources

    datasets_sources.register()
