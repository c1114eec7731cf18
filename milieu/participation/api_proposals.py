"""The API of the proposals part."""

from ninja import Router

router = Router(tags=["proposals"])
