"""Registrations of the diagnostic part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
