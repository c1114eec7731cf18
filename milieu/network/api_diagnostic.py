"""The diagnostic API (tag `diagnostic`)."""

from ninja import Router

router = Router(tags=["diagnostic"])
