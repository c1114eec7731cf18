"""The indicators API (tag `indicators`)."""

from ninja import Router

router = Router(tags=["indicators"])
