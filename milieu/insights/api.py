"""The insights API: one router per part, mounted by `config.api`."""

from ninja import Router


def routers() -> list[Router]:
    from .api_indicators import router as indicators
    from .api_opendata import router as opendata

    return [indicators, opendata]
