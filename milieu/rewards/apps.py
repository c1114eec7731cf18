from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "milieu.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from milieu.core import bench

        from . import bench as rewards_bench
        from . import (
            permissions,  # noqa: F401  (registers the rules)
            signals,  # noqa: F401  (keeps the cached offer lists true)
        )

        bench.register("rewards", rewards_bench.generate, order=40)
        from milieu.core import prefetch

        from .selectors import wallets_cache_key

        prefetch.register(wallets_cache_key)  # read with the logged-in user
