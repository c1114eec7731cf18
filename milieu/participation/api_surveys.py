"""The API of the surveys part."""

from ninja import Router

router = Router(tags=["surveys"])
