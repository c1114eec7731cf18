"""The load driver of the harness: a closed loop of N concurrent clients (aiohttp, one event loop)
sending one scenario's requests to the server on the loopback, bounded in requests and time.

A scenario is a function from the request's index to a `Call`; each client takes the next index,
sends it, reads the whole response, records the latency (from sending to the last byte), and
starts again. Latencies therefore include the time a request waits for a free server worker,
which is what a person waits for too.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect: int = 200
    must_contain: bytes | None = None  # a cheap check that the answer is the right one


@dataclass
class Stats:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    client_cpu_seconds: float = 0.0  # what the load client itself used meanwhile
    machine_cpu_seconds: float | None = None  # what every process of the machine used meanwhile
    database_cpu_seconds: float | None = None  # of which the database server's processes
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    bytes: int = 0
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float | None:
            if not ordered:
                return None
            rank = max(1, -(-len(ordered) * p // 100))  # nearest rank
            return round(ordered[int(rank) - 1] * 1000, 2)

        return {
            "requests": self.requests,
            "errors": self.errors,
            "error_rate": round(self.errors / self.requests, 4) if self.requests else None,
            "seconds": round(self.seconds, 2),
            "client_cpu": round(self.client_cpu_seconds / self.seconds, 2)
            if self.seconds
            else None,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else None,
            # The machine's CPU time per request, the load client's own left out: the server,
            # PostgreSQL, Redis and the task worker together (and anything else running). It
            # compares runs on machines of different speeds better than requests per second.
            "server_cpu_ms": round(
                (self.machine_cpu_seconds - self.client_cpu_seconds) / self.requests * 1000, 2
            )
            if self.machine_cpu_seconds is not None and self.requests
            else None,
            # Of that, what PostgreSQL's processes used (None on SQLite, which runs inside the
            # server's own processes): where a page's cost lies, Python or the database.
            "database_cpu_ms": round(self.database_cpu_seconds / self.requests * 1000, 2)
            if self.database_cpu_seconds is not None and self.requests
            else None,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "mean_ms": round(sum(ordered) / len(ordered) * 1000, 2) if ordered else None,
            "max_ms": round(ordered[-1] * 1000, 2) if ordered else None,
            "bytes": self.bytes,
            "bytes_per_response": round(self.bytes / self.requests) if self.requests else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "error_samples": self.error_samples,
        }


def machine_cpu_seconds() -> float | None:
    """CPU time spent by every process of the machine since boot (Linux's /proc/stat: user,
    nice, system, irq and softirq; not idle, iowait or the time a hypervisor stole), or None
    elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float | None:
    """CPU time (user and system) spent so far by the PostgreSQL processes running now on this
    machine, or None where there are none or no /proc. A backend that exits between two readings
    takes its time with it; the server's pooled connections live through a scenario."""
    total, found = 0, False
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                line = stat.read()
        except OSError:
            continue  # gone meanwhile
        name_end = line.rfind(")")
        name = line[line.find("(") + 1 : name_end]
        if not name.startswith("postgres"):
            continue
        fields = line[name_end + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat
        found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None


def new_session(concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=concurrency, limit_per_host=concurrency, ttl_dns_cache=None
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # each call carries its own session cookie
        timeout=aiohttp.ClientTimeout(total=60),
        auto_decompress=False,
    )


async def send(session: aiohttp.ClientSession, base_url: str, call: Call) -> tuple[int, bytes]:
    async with session.request(
        call.method,
        base_url + call.path,
        headers=call.headers,
        data=call.body,
        allow_redirects=False,
    ) as response:
        return response.status, await response.read()


async def drive(
    session: aiohttp.ClientSession,
    base_url: str,
    make_call: Callable[[int], Call],
    *,
    concurrency: int,
    max_requests: int,
    duration: float,
    first_index: int = 0,
) -> Stats:
    """Run the closed loop until `max_requests` were started or `duration` seconds passed (the
    requests in flight then finish and count)."""
    stats = Stats()
    indexes = itertools.count(first_index)
    last = first_index + max_requests
    started, cpu, machine = time.perf_counter(), time.process_time(), machine_cpu_seconds()
    database = database_cpu_seconds()
    deadline = started + duration

    async def client() -> None:
        while True:
            index = next(indexes)
            if index >= last or time.perf_counter() >= deadline:
                return
            call = make_call(index)
            sent = time.perf_counter()
            try:
                status, body = await send(session, base_url, call)
                problem = None
                if status != call.expect:
                    problem = f"HTTP {status}: {body[:300].decode(errors='replace')}"
                elif call.must_contain is not None and call.must_contain not in body:
                    problem = f"HTTP {status} without {call.must_contain!r}: {body[:300]!r}"
            except (aiohttp.ClientError, TimeoutError) as error:
                status, body, problem = 0, b"", f"{type(error).__name__}: {error}"
            stats.latencies.append(time.perf_counter() - sent)
            stats.requests += 1
            stats.bytes += len(body)
            stats.statuses[status] += 1
            if problem is not None:
                stats.errors += 1
                if len(stats.error_samples) < 5:
                    stats.error_samples.append(f"{call.method} {call.path}: {problem}")

    await asyncio.gather(*(client() for _ in range(concurrency)))
    stats.seconds = time.perf_counter() - started
    stats.client_cpu_seconds = time.process_time() - cpu
    machine_after = machine_cpu_seconds()
    if machine is not None and machine_after is not None:
        stats.machine_cpu_seconds = machine_after - machine
    database_after = database_cpu_seconds()
    if database is not None and database_after is not None:
        stats.database_cpu_seconds = max(0.0, database_after - database)
    return stats
