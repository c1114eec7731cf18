"""The load harness's arithmetic (`bench/load.py`, `bench/report.py`): what the results say about
a run's cost, and which run `docs/performance.md` shows. The harness itself runs in `make bench`.
"""

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

import load  # noqa: E402
import report  # noqa: E402


def test_cpu_per_request_leaves_out_the_load_client():
    stats = load.Stats(requests=1000, seconds=2.0, client_cpu_seconds=0.5)
    stats.machine_cpu_seconds = 2.5
    stats.latencies = [0.01] * 1000

    summary = stats.summary()

    assert summary["server_cpu_ms"] == 2.0  # (2.5 - 0.5) s over 1,000 requests
    assert summary["client_cpu"] == 0.25
    assert summary["rps"] == 500.0


def test_cpu_per_request_is_absent_without_a_reading():
    stats = load.Stats(requests=10, seconds=1.0)
    stats.latencies = [0.01] * 10

    assert stats.summary()["server_cpu_ms"] is None


def test_the_database_share_of_cpu_is_per_request():
    stats = load.Stats(requests=1000, seconds=2.0, client_cpu_seconds=0.5)
    stats.machine_cpu_seconds = 2.5
    stats.database_cpu_seconds = 0.75
    stats.latencies = [0.01] * 1000

    summary = stats.summary()

    assert summary["database_cpu_ms"] == 0.75
    assert load.Stats(requests=10, seconds=1.0).summary()["database_cpu_ms"] is None


@pytest.mark.django_db
def test_database_cpu_seconds_reads_the_postgresql_processes():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("reads the CPU time of PostgreSQL's processes: the suite's PostgreSQL leg")
    before = load.database_cpu_seconds()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")  # about 0.2 s
    after = load.database_cpu_seconds()

    assert before is not None and after is not None
    assert after - before >= 0.02


def test_machine_cpu_seconds_counts_this_process_work():
    before = load.machine_cpu_seconds()
    total = 0
    for i in range(3_000_000):  # about 0.1 s of CPU; the clock ticks every 10 ms
        total += i
    after = load.machine_cpu_seconds()

    assert before is not None and after is not None
    assert after - before >= 0.02


def _outcome(path: Path, *, scale: float, finished_at: str) -> None:
    outcome = {
        "backend": "postgresql",
        "finished_at": finished_at,
        "dataset": {"scale": scale},
    }
    path.write_text(json.dumps(outcome))


def test_performance_page_shows_the_latest_full_scale_run(tmp_path):
    _outcome(tmp_path / "2026-12-05-postgresql.json", scale=1, finished_at="2026-12-05T10:00")
    _outcome(
        tmp_path / "2026-12-06-postgresql-scale0.05.json",
        scale=0.05,
        finished_at="2026-12-06T09:00",
    )

    latest = report._latest(tmp_path)

    assert latest["postgresql"]["_file"] == "2026-12-05-postgresql.json"


def test_performance_page_shows_a_smaller_run_when_there_is_no_full_one(tmp_path):
    _outcome(tmp_path / "2026-12-05-postgresql-scale0.1.json", scale=0.1, finished_at="2026-12-05")
    _outcome(
        tmp_path / "2026-12-06-postgresql-scale0.05.json", scale=0.05, finished_at="2026-12-06"
    )

    latest = report._latest(tmp_path)

    assert latest["postgresql"]["_file"] == "2026-12-06-postgresql-scale0.05.json"


def test_the_table_shows_cpu_per_request():
    result = {
        "kind": "page",
        "requests": 100,
        "errors": 0,
        "rps": 500.0,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "p99_ms": 30.0,
        "bytes_per_response": 2048,
        "server_cpu_ms": 1.75,
        "floor_ratio": 0.5,
    }
    outcome = {"scenarios": {"card": result}, "budgets": []}

    (row,) = report.rows(outcome)

    assert row[report.HEADER.index("CPU ms")] == "1.8"


def _selector(p95_ms: float) -> dict:
    return {
        "kind": "selector",
        "requests": 400,
        "errors": 0,
        "rps": 40.0,
        "p50_ms": p95_ms / 2,
        "p95_ms": p95_ms,
        "p99_ms": p95_ms,
        "bytes_per_response": None,
        "server_cpu_ms": 20.0,
    }


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_selector_scenario_has_the_100_ms_budget_on_every_backend_and_no_floor_ratio(backend):
    outcome = {
        "backend": backend,
        "load": {"concurrency": 32},
        "scenarios": {"fast": _selector(40.0), "slow": _selector(140.0)},
    }

    checks = {(c["scenario"], c["budget"]): c["passed"] for c in report.check_budgets(outcome)}

    assert checks == {
        ("fast", "zero errors"): True,
        ("fast", "p95 < 100 ms in process"): True,
        ("slow", "zero errors"): True,
        ("slow", "p95 < 100 ms in process"): False,
    }
    outcome["budgets"] = report.check_budgets(outcome)
    fast, slow = report.rows(outcome)
    assert fast[report.HEADER.index("kind")] == "selector"
    assert fast[report.HEADER.index("× floor")] == "—"
    assert slow[-1] == "FAIL: p95 < 100 ms in process"


def test_the_in_process_runner_times_each_call_and_fails_a_first_call_that_finds_nothing():
    import in_process

    calls: list[int] = []

    def make(i: int):
        return lambda: calls.append(i) or 20

    result = in_process.measure(make, requests=10, duration=5, warmup=0)

    assert result["requests"] == 10 and result["errors"] == 0 and result["empty"] == 0
    assert calls == list(range(11))  # the probe, then the measured calls
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    nothing = in_process.measure(lambda i: lambda: 0, requests=10, duration=5, warmup=0)
    assert nothing["errors"] == 1 and nothing["requests"] == 1
