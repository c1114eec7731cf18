"""The API of the budgets part."""

from ninja import Router

router = Router(tags=["budgets"])
