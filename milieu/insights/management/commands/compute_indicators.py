from django.core.management.base import BaseCommand, CommandError

from milieu.insights.services_indicators import indicators_compute
from milieu.territory.models import Municipality


class Command(BaseCommand):
    help = (
        "Compute the indicators (summary table) of every municipality and region for the last "
        "months from the data of every app. Run it daily (cron or a systemd timer), e.g. at "
        "03:00; a run replaces the figures of its months, so running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=13, help="Months back (default 13).")
        parser.add_argument(
            "--municipality",
            action="append",
            default=[],
            help="Only this municipality (slug; repeatable). Regions are then left as they are.",
        )

    def handle(self, *args, **options):
        if options["months"] < 1:
            raise CommandError("--months must be at least 1.")
        ids = None
        if options["municipality"]:
            found = dict(
                Municipality.objects.filter(slug__in=options["municipality"]).values_list(
                    "slug", "pk"
                )
            )
            missing = sorted(set(options["municipality"]) - set(found))
            if missing:
                raise CommandError(f"Unknown municipality: {', '.join(missing)}")
            ids = list(found.values())
        result = indicators_compute(months=options["months"], municipality_ids=ids)
        self.stdout.write(
            f"{result.municipality_rows} municipal and {result.region_rows} regional figures "
            f"for {result.months[0]:%Y-%m} to {result.months[-1]:%Y-%m} "
            f"({sum(result.seconds.values()):.1f} s)."
        )
