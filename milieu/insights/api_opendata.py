"""The opendata API (tag `opendata`)."""

from ninja import Router

router = Router(tags=["opendata"])
