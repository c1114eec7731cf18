"""Forget the cached offer lists when what they show changes (see `api_offers.offers_list`).

Signals here only keep a cache true; they hold no business logic.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Merchant, Offer, Program
from .services_offers import offers_changed


@receiver([post_save, post_delete], sender=Offer)
@receiver([post_save, post_delete], sender=Merchant)  # a verification shows its offers
@receiver([post_save, post_delete], sender=Program)
def _offers_changed(sender, **kwargs) -> None:
    offers_changed()
