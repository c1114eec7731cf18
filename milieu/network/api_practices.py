"""The practices API (tag `practices`)."""

from ninja import Router

router = Router(tags=["practices"])
