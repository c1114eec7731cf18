"""Bench data of participatory budgets (placeholder)."""


def generate(ctx) -> dict[str, int]:
    return {}
