"""Keep cached copies true (`accounts.access`, the cached user of `accounts.backends`).

Signals here only forget cache entries; they hold no business logic.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .access import access_forget
from .backends import user_forget
from .models import (
    BackgroundCheck,
    CitizenId,
    Membership,
    ResidencyShareConsent,
    RoleAssignment,
    User,
)

ACCESS_MODELS = [
    RoleAssignment,
    Authenticator,
    Membership,
    ResidencyShareConsent,
    CitizenId,
    BackgroundCheck,
    EmailAddress,
]


def _access_changed(sender, instance, **kwargs) -> None:
    access_forget(instance.user_id)


for _model in ACCESS_MODELS:  # connected to these models only: no call for every other save
    post_save.connect(_access_changed, sender=_model, dispatch_uid=f"access:{_model.__name__}")
    post_delete.connect(_access_changed, sender=_model, dispatch_uid=f"access-:{_model.__name__}")


@receiver([post_save, post_delete], sender=User)
def _user_changed(sender, instance: User, **kwargs) -> None:
    user_forget(instance.pk)
    access_forget(instance.pk)
