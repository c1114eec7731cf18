"""Demo participatory budgets (placeholder, filled below)."""


def load() -> list[str]:
    return []
