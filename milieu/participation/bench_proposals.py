"""Bench data of calls for proposals (filled below)."""


def generate(context) -> dict[str, int]:
    return {}
