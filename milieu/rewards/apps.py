from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "milieu.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
