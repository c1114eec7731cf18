"""The API of council meetings."""

from ninja import Router

router = Router(tags=["council"])
