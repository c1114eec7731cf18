"""Demo calls for proposals (filled below)."""


def load() -> list[str]:
    return []
