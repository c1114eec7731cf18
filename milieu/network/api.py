"""The network API: one router per part, mounted by `config.api`."""

from ninja import Router


def routers() -> list[Router]:
    from .api_diagnostic import router as diagnostic
    from .api_plans import router as plans
    from .api_practices import router as practices
    from .api_recognition import router as recognition
    from .api_toolkit import router as toolkit

    return [diagnostic, plans, toolkit, practices, recognition]
