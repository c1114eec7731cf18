from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "milieu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from milieu.core import bench, demo, prefetch

        from . import bench as accounts_bench
        from . import demo as accounts_demo
        from . import (
            permissions,  # noqa: F401  (registers the rules)
            signals,  # noqa: F401  (keeps the cached users and access facts true)
            verification,  # noqa: F401  (registers the verification methods)
        )

        demo.register("accounts", accounts_demo.load, order=20)
        demo.register("identity", accounts_demo.load_identity, order=30)
        bench.register("accounts", accounts_bench.generate, order=20)
        from .access import access_cache_key

        prefetch.register(access_cache_key)  # read with the logged-in user
