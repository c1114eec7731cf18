from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "milieu.territory"
    label = "territory"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from milieu.core import bench, demo, modules

        from . import bench as territory_bench
        from . import demo as territory_demo
        from . import (
            permissions,  # noqa: F401  (registers the rules)
            signals,  # noqa: F401  (keeps the municipality cache true)
        )

        modules.register(
            modules.Module(
                key="districts",
                name=_("Neighbourhoods"),
                description=_("The districts of the municipality and what each one covers."),
                url_name="territory:district_list",
                order=10,
            )
        )
        demo.register("territory", territory_demo.load, order=10)
        bench.register("territory", territory_bench.generate, order=10)
