"""The inter-municipal committees API (tag `committees`)."""

from ninja import Router

router = Router(tags=["committees"])
