"""Registrations of the plans part."""


def ready() -> None:
    """Called once from `NetworkConfig.ready()`."""
