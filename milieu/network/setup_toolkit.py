"""Registrations of the toolkit part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
