"""Registrations of the surveys part (modules, kinds, topics, demo, bench)."""


def ready() -> None:
    """Called once from `ParticipationConfig.ready()`."""
