"""The participation API: one router per part, mounted by `config.api`."""

from ninja import Router


def routers() -> list[Router]:
    from .api_budgets import router as budgets
    from .api_consultations import router as consultations
    from .api_council import router as council
    from .api_proposals import router as proposals
    from .api_surveys import router as surveys

    return [consultations, surveys, proposals, budgets, council]
