"""The recognition API (tag `recognition`)."""

from ninja import Router

router = Router(tags=["recognition"])
