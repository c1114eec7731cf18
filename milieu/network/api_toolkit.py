"""The toolkit API (tag `toolkit`)."""

from ninja import Router

router = Router(tags=["toolkit"])
