"""Registrations of the recognition part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
