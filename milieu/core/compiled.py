"""Hot read queries compiled to SQL once per process, then run with the caller's values.

Building a queryset and compiling it to SQL costs the ORM about half a millisecond to several
milliseconds of Python for each query; on the queries that the first request of every logged-in
person runs (their access facts, their account for `/api/v1/me`), that was most of the request.
A `CompiledQuery` builds its queryset once per database alias with sentinel values in place of
the caller's, finds those sentinels among the compiled parameters, and from then on only swaps
in the real values and executes the SQL. Each query stays written with the ORM (and runs through
it in `reference()`, which tests compare against).

Only `values_list()` querysets: rows come back as tuples, without model instances; with
`converted=True` the ORM's own converters are applied to them (what a backend returns as text or
integers becomes datetimes, booleans...), else `aware()` gives a timestamp column what the ORM
would have given.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# Values no caller passes: negative ids far outside any sequence, one per parameter.
SENTINELS = (-7_300_000_000_001, -7_300_000_000_002, -7_300_000_000_003)


class CompiledQuery:
    def __init__(
        self, build: Callable[..., QuerySet], *, arguments: int = 1, converted: bool = False
    ) -> None:
        """`build(*values)` returns the `values_list()` queryset for those values (ids)."""
        self.build = build
        self.sentinels = SENTINELS[:arguments]
        self.converted = converted
        self._compiled: dict[str, tuple[str, tuple, list[tuple[int, int]], Any]] = {}

    def _compile(self) -> tuple[str, tuple, list[tuple[int, int]], Any]:
        compiler = self.build(*self.sentinels).query.get_compiler(connection.alias)
        sql, params = compiler.as_sql()
        convert = None
        if self.converted:
            converters = compiler.get_converters(
                [column[0] for column in compiler.select[: compiler.col_count]]
            )
            if converters:
                convert = (compiler, converters)
        slots = [
            (index, self.sentinels.index(value))
            for index, value in enumerate(params)
            if isinstance(value, int) and value in self.sentinels
        ]
        if {which for _index, which in slots} != set(range(len(self.sentinels))):
            raise RuntimeError(f"{self.build.__qualname__}: a value is not a query parameter.")
        return sql, tuple(params), slots, convert

    def rows(self, *values: Any) -> list[tuple]:
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            compiled = self._compiled[connection.alias] = self._compile()
        sql, template, slots, convert = compiled
        params = list(template)
        for index, which in slots:
            params[index] = values[which]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if convert is not None:
            compiler, converters = convert
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def reference(self, *values: Any) -> Sequence[tuple]:
        """The same rows through the ORM (for tests)."""
        return list(self.build(*values))


def aware(value: Any) -> Any:
    """A timestamp column as the ORM gives it (SQLite answers text, PostgreSQL a datetime)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value
