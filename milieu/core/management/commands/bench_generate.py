"""Build the benchmark dataset in the configured database (see `milieu.core.bench`)."""

import json
import time
from datetime import UTC, datetime

from django.core.management import BaseCommand, CommandError

from milieu.core import bench


class Command(BaseCommand):
    help = "Build the deterministic benchmark dataset (300,000 residents at --scale 1)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Share of the population.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--date", help="The dataset's day (YYYY-MM-DD, default today): same seed, same rows."
        )
        parser.add_argument("--only", nargs="*", help="Generators to run (default: all).")
        parser.add_argument("--manifest", help="Write the manifest (JSON) to this file.")

    def handle(self, *args, scale: float, seed: int, date, only, manifest, **options):
        from milieu.accounts.models import User

        if not 0 < scale <= 10:
            raise CommandError("--scale must be between 0 and 10.")
        names = [g.name for g in bench.generators()]
        unknown = set(only or []) - set(names)
        if unknown:
            raise CommandError(f"Unknown generators: {', '.join(sorted(unknown))}. Known: {names}")
        if User.objects.filter(email__endswith=f"@{bench.BENCH_EMAIL_DOMAIN}").exists():
            raise CommandError(
                "This database already holds a benchmark dataset; build it in an empty database."
            )
        day = datetime.strptime(date, "%Y-%m-%d") if date else datetime.now(UTC)
        now = datetime(day.year, day.month, day.day, tzinfo=UTC)
        started = time.perf_counter()
        result, timings = bench.generate(
            scale=scale, seed=seed, now=now, only=only, log=self.stdout.write
        )
        result.update(
            scale=scale,
            seed=seed,
            built_on=now.date().isoformat(),
            seconds=round(time.perf_counter() - started, 1),
            timings=timings,
        )
        if manifest:
            with open(manifest, "w") as handle:
                json.dump(result, handle, indent=1, sort_keys=True)
        self.stdout.write(f"Benchmark dataset built in {result['seconds']:.1f} s.")
