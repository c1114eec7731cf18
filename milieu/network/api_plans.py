"""The plans API (tag `plans`)."""

from ninja import Router

router = Router(tags=["plans"])
