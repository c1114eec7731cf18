"""The benchmark dataset: a registry of generators, one per app, and the bulk writer they share.

Each app registers a generator in its `AppConfig.ready()` (like the demo loaders). `manage.py
bench_generate` runs them in order against the configured database: every generator writes its
rows through `BenchContext.writer`, which uses `COPY` on PostgreSQL and batched `executemany` on
SQLite, and assigns primary keys itself, so that no row makes a round trip. Generators are
deterministic: the same seed, scale and day give the same rows.

A generator reads what earlier ones made from `ctx.state` (for instance `ctx.state["residents"]`)
and leaves there what later ones, and the load harness, need. The harness reads the manifest
that the command prints: the accounts it logs in as and the objects it acts on.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from typing import Any

from django.db import connection, models

BENCH_PASSWORD = "bench-milieu-2026"  # noqa: S105 - every benchmark account; never a real one
BENCH_EMAIL_DOMAIN = "bench.milieu.test"


@dataclass(frozen=True)
class Generator:
    name: str
    generate: Callable[[BenchContext], dict[str, int]]  # returns row counts by table
    order: int


_generators: dict[str, Generator] = {}


def register(name: str, generate: Callable[[BenchContext], dict[str, int]], *, order: int) -> None:
    _generators[name] = Generator(name=name, generate=generate, order=order)


def generators() -> list[Generator]:
    return sorted(_generators.values(), key=lambda g: (g.order, g.name))


@dataclass
class BenchContext:
    """What a generator needs: the scale, a seeded random source per generator, the clock of the
    dataset (midnight UTC of the day it is built), the writer, and the state shared between
    generators."""

    scale: float
    seed: int
    now: datetime
    writer: BulkWriter
    state: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def rng(self, name: str) -> random.Random:
        """A random source of its own for `name`: adding a generator changes no other's rows."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - test data, not secrets

    def scaled(self, count: float, *, minimum: int = 1) -> int:
        return max(minimum, round(count * self.scale))


class BulkWriter:
    """Inserts rows fast, with primary keys chosen by the caller (`reserve`).

    Values are Python values as a model would hold them (aware datetimes, dicts for JSON); the
    writer converts them for the backend once per column, not per field object.
    """

    def __init__(self, *, now: datetime, batch_size: int = 10_000) -> None:
        self.now = now  # what automatic timestamps get: the dataset's clock, for determinism
        self.batch_size = batch_size
        self.vendor = connection.vendor
        self._next_id: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of `count` new primary keys for `model`'s table (then first, first+1, ...)."""
        table = model._meta.db_table
        if table not in self._next_id:
            with connection.cursor() as cursor:
                pk = model._meta.pk.column
                cursor.execute(f"SELECT MAX({pk}) FROM {table}")  # noqa: S608 - model metadata
                self._next_id[table] = (cursor.fetchone()[0] or 0) + 1
        first = self._next_id[table]
        self._next_id[table] = first + count
        return first

    def insert(
        self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        opts = model._meta
        # Columns not given take the model's default, as `Model.save()` would write it.
        given = set(fields)
        missing = [
            f
            for f in opts.concrete_fields
            if not ({f.name, f.attname} & given) and not f.primary_key
        ]
        defaults = tuple(self._default(f) for f in missing)
        if missing:
            fields = [*fields, *(f.name for f in missing)]
            rows = (tuple(row) + defaults for row in rows)
        quote = connection.ops.quote_name
        columns = [quote(self._column(opts, name)) for name in fields]
        converters = [self._converter(opts.get_field(name)) for name in fields]
        if any(converters):
            rows = (
                tuple(
                    convert(value) if convert and value is not None else value
                    for convert, value in zip(converters, row, strict=True)
                )
                for row in rows
            )
        if self.vendor == "postgresql":
            count = self._copy(opts.db_table, columns, rows)
        else:
            count = self._executemany(opts.db_table, columns, rows)
        self.counts[opts.db_table] = self.counts.get(opts.db_table, 0) + count
        return count

    @staticmethod
    def _column(opts: Any, name: str) -> str:
        return opts.get_field(name).column

    def _default(self, model_field: Any) -> Any:
        from django.utils import timezone

        if (
            getattr(model_field, "auto_now", False)
            or getattr(model_field, "auto_now_add", False)
            or model_field.default is timezone.now
        ):
            return self.now
        return model_field.get_default()

    def _converter(self, model_field: Any) -> Callable[[Any], Any] | None:
        if isinstance(model_field, models.JSONField):
            return json.dumps
        if self.vendor == "postgresql":
            return None
        ops = connection.ops
        if isinstance(model_field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(model_field, models.DateField):
            return date.isoformat
        if isinstance(model_field, models.TimeField):
            return dtime.isoformat
        if isinstance(model_field, models.BooleanField):
            return int
        if isinstance(model_field, models.DecimalField):
            return str
        return None

    def _copy(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            sql = f"COPY {connection.ops.quote_name(table)} ({', '.join(columns)}) FROM STDIN"
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count

    def _executemany(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        sql = (
            f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(columns)}) "  # noqa: S608 - model metadata
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        count = 0
        raw = connection.connection
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.batch_size:
                raw.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
            count += len(batch)
        return count

    def finish(self) -> None:
        """Move the sequences past the keys we chose, and refresh the planner's statistics."""
        from django.apps import apps
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                tables = set(self._next_id)
                touched = [m for m in apps.get_models() if m._meta.db_table in tables]
                for statement in connection.ops.sequence_reset_sql(no_style(), touched):
                    cursor.execute(statement)
            cursor.execute("ANALYZE")


def generate(
    *,
    scale: float,
    seed: int,
    now: datetime,
    only: Sequence[str] | None = None,
    log: Callable[[str], None] = print,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Run every registered generator (or those named in `only`); return the manifest and the
    seconds each took."""
    from django.db import transaction

    writer = BulkWriter(now=now)
    ctx = BenchContext(scale=scale, seed=seed, now=now, writer=writer, log=log)
    timings: dict[str, float] = {}
    for generator in generators():
        if only and generator.name not in only:
            continue
        started = time.perf_counter()
        with transaction.atomic():
            counts = generator.generate(ctx)
        timings[generator.name] = round(time.perf_counter() - started, 2)
        summary = ", ".join(f"{table} {n:,}" for table, n in counts.items())
        log(f"{generator.name}: {summary} ({timings[generator.name]:.1f} s)")
    started = time.perf_counter()
    writer.finish()
    timings["finish"] = round(time.perf_counter() - started, 2)
    ctx.manifest["counts"] = dict(sorted(writer.counts.items()))
    return ctx.manifest, timings
