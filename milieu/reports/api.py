"""The problem-reports API (tag `reports`)."""

from ninja import Router

router = Router(tags=["reports"])
