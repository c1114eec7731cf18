"""The load harness's in-process scenarios: one selector called again and again, without HTTP.

Run by `bench/harness.py` in a subprocess with the production environment of the run (the same
settings, database and cache as the server), while the server is idle. Reads a JSON request on
stdin and writes the scenario's numbers on stdout, in the shape of `load.Stats.summary()`:

    {"target": "milieu.volunteering.bench:suggestions_match", "manifest": {...},
     "requests": 4000, "duration": 15, "warmup": 2}

The target is a function of an app's `bench.py` that takes the dataset's manifest and returns
`make(i)`: the i-th call, prepared (the objects it needs are read then, not timed), as a function
without arguments that runs the selector and returns how many results it gave. The first call
must give at least one, as a page scenario's first answer must be right: a misconfigured scenario
is an error, never a fast number. Each call is timed alone (one client), from the call to its
last row: the latency of the selector, and the process's CPU time per call.
"""

from __future__ import annotations

import json
import os
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile, as `load.Stats` computes it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def measure(make: Any, *, requests: int, duration: float, warmup: float) -> dict[str, Any]:
    errors: list[str] = []
    probe = make(0)()
    if not probe:
        failed = dict.fromkeys(("rps", "p50_ms", "p95_ms", "p99_ms", "bytes_per_response"))
        return failed | {
            "requests": 1,
            "errors": 1,
            "error_samples": ["the first call found nothing"],
        }
    index = 1
    deadline = time.perf_counter() + warmup
    while time.perf_counter() < deadline:
        make(index)()
        index += 1
    latencies: list[float] = []
    cpu = 0.0
    empty = 0  # calls that found nothing (counted, not failed: a page may be empty)
    started = time.perf_counter()
    while len(latencies) < requests and time.perf_counter() - started < duration:
        call = make(index)
        index += 1
        cpu_before, before = time.process_time(), time.perf_counter()
        try:
            found = call()
        except Exception as error:  # counted and reported, as a failed request
            found = None
            errors.append(f"{type(error).__name__}: {error}"[:300])
        latencies.append(time.perf_counter() - before)
        cpu += time.process_time() - cpu_before
        empty += found == 0
    seconds = time.perf_counter() - started
    count = len(latencies)
    ms = [value * 1000 for value in latencies]

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return {
        "requests": count,
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(seconds, 2),
        "empty": empty,
        "error_rate": round(len(errors) / count, 4) if count else None,
        # One caller: calls per second of busy time, the inverse of the mean latency.
        "rps": round(count / sum(latencies), 1) if count else None,
        "p50_ms": rounded(percentile(ms, 50)),
        "p95_ms": rounded(percentile(ms, 95)),
        "p99_ms": rounded(percentile(ms, 99)),
        "max_ms": rounded(max(ms, default=None)),
        "bytes_per_response": None,
        # This process's CPU time per call (Python and, on SQLite, the database).
        "server_cpu_ms": rounded(cpu / count * 1000) if count else None,
        "database_cpu_ms": None,
    }


def main() -> None:
    import django

    django.setup()
    request = json.load(sys.stdin)
    module, name = request["target"].split(":")
    make = getattr(import_module(module), name)(request["manifest"])
    answer = measure(
        make,
        requests=int(request["requests"]),
        duration=float(request["duration"]),
        warmup=float(request["warmup"]),
    )
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
