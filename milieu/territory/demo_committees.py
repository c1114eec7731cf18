"""Demo committees (filled in below)."""


def load() -> list[str]:
    return []
