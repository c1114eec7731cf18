"""The API of the consultations part."""

from ninja import Router

router = Router(tags=["consultations"])
