"""Registrations of the practices part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
