"""Where a request spends its time: one path, served in-process by the production settings against
the benchmark run database, under cProfile.

    .venv/bin/python bench/profile_view.py /fr/card/ --as resident-brossard-000001@bench.milieu.test
    .venv/bin/python bench/profile_view.py /fr/brossard/ --requests 500 --sort tottime

Run `make bench` once first (it leaves the run database `milieu_bench` and its Redis cache);
this reads and writes that copy, never the seed. Prints the mean time per request, the SQL
queries of one request, then the profile's top functions. The numbers are one
process without concurrency: use them to compare two versions of a view, and `make bench` for
the budgets.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="email", help="log in as this account first")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--cycle",
        type=int,
        default=0,
        help="instead of --as: this many bench residents of the path's municipality, each asked "
        "once cold (first time since the cache was flushed) then once warm",
    )
    parser.add_argument("--start", type=int, default=40_000, help="first resident for --cycle")
    parser.add_argument(
        "--skip", type=int, default=0, help="with --cycle --members: leave out the first N"
    )
    parser.add_argument(
        "--after", help="with --cycle: each resident first asks for this path (not measured)"
    )
    parser.add_argument(
        "--members",
        action="store_true",
        help="with --cycle: the community's residents of the dataset's manifest (for the "
        "community's paths), instead of the path's municipality's residents",
    )
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--sql", action="store_true", help="with --cycle: the SQL statements, runs and time"
    )
    parser.add_argument(
        "--collector",
        choices=["frozen", "plain"],
        help="with --cycle: report the cycle collector's time per request, with the process's "
        "objects frozen once warm as the server's are (`core.collector`) or not",
    )
    parser.add_argument("--dump", help="also write the profile to this file (read it with pstats)")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/milieu_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    from harness import DATA, production_env

    env = production_env(
        database_url=args.database, redis_url=args.redis, smtp_port=2525, site_port=8000
    )
    marker = DATA / "postgresql-seed.json"  # the dataset's SECRET_KEY (its card keys need it)
    if marker.exists():
        env["SECRET_KEY"] = json.loads(marker.read_text())["secret_key"]
    os.environ.update(env)
    os.environ["DEBUG_PROPAGATE_EXCEPTIONS"] = "1"

    import django

    django.setup()
    import logging

    logging.getLogger("milieu.request").disabled = True  # one line per request otherwise
    from django.core.signals import request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from milieu.accounts.models import User

    # Persistent connections as in the server, not one per request as the test client does.
    request_started.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1")
    if args.email:
        client.force_login(User.objects.get(email=args.email))

    def once() -> int:
        response = client.get(args.path)
        if response.status_code != 200:
            raise SystemExit(f"{args.path} answered {response.status_code}")
        return len(response.content)

    if args.cycle:
        cycle(args, client)
        return
    size = once()  # warm: templates compiled, caches filled
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        once()

    started = time.perf_counter()
    for _ in range(args.requests):
        once()
    plain = (time.perf_counter() - started) / args.requests
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.requests):
        once()
    profile.disable()
    profiled = (time.perf_counter() - started) / args.requests
    print(
        f"{args.path}: {plain * 1000:.2f} ms per request ({profiled * 1000:.2f} ms under the "
        f"profiler), {len(queries)} queries, {size:,} bytes"
    )
    for sql in queries:
        print(f"  {sql[:200]}")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    if args.dump:
        profile.dump_stats(args.dump)


def cycle(args: argparse.Namespace, client) -> None:
    """The first visit of each of many residents, then their second: the cold path of the load
    harness's scenarios, which cycle through their sample residents."""
    from http.cookies import SimpleCookie

    from django.utils import timezone

    from milieu.accounts.models import User

    parts = args.path.strip("/").split("/")
    slug = parts[1] if len(parts) > 1 and parts[1] not in ("card", "notifications") else "brossard"
    emails = [
        f"resident-{slug}-{n:06d}@bench.milieu.test" for n in range(args.start, args.start + 4000)
    ]
    if args.members:
        from harness import DATA

        manifest = json.loads((DATA / "postgresql-manifest.json").read_text())
        emails = [
            email
            for _slug, town in sorted(manifest.get("community", {}).items())
            for email in town.get("residents", [])
        ]
    users = User.objects.filter(email__in=emails).order_by("email")
    if "/card/" in args.path:  # the harness asks for the card of residents who have one
        users = users.filter(
            citizen_ids__revoked_at__isnull=True, citizen_ids__expires_at__gt=timezone.now()
        ).distinct()
    users = list(users[args.skip : args.skip + args.cycle])
    jars = []
    for user in users:  # one client (one handler, as in a worker), a cookie jar per resident
        client.cookies = SimpleCookie()
        client.force_login(user)
        jars.append(client.cookies)
    client.cookies = SimpleCookie()
    client.get(args.path)  # templates compiled
    collections = {"seconds": 0.0, "started": 0.0}
    if args.collector:
        import gc

        def timed(phase: str, _info: dict) -> None:
            if phase == "start":
                collections["started"] = time.perf_counter()
            else:
                collections["seconds"] += time.perf_counter() - collections["started"]

        if args.collector == "frozen":
            from milieu.core import collector

            collector.settle()
        gc.callbacks.append(timed)
    if args.after:  # what an earlier scenario of the harness leaves in the cache
        for jar in jars:
            client.cookies = jar
            client.get(args.after)
    from django.db import connection
    from redis import Redis

    redis = Redis.from_url(args.redis)
    queries = [0]
    statements: dict[str, list[float]] = {}  # the first 150 characters: [runs, seconds]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements.setdefault(sql[:150], [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    def commands() -> int:  # the Redis server's, the INFO command itself left out
        return int(redis.info("stats")["total_commands_processed"])

    for label in ("cold", "warm"):
        profile = cProfile.Profile()
        queries[0], commands_before = 0, commands()
        started, cpu = time.perf_counter(), time.process_time()
        if (args.top or args.dump) and label == "cold":
            profile.enable()
        with connection.execute_wrapper(count):
            for jar in jars:
                client.cookies = jar
                response = client.get(args.path)
                if response.status_code != 200:
                    raise SystemExit(f"{args.path} answered {response.status_code}")
        profile.disable()
        spent = (time.perf_counter() - started) / len(jars)
        spent_cpu = (time.process_time() - cpu) / len(jars)
        if args.collector:
            print(
                f"{label}: cycle collector ({args.collector}) "
                f"{collections['seconds'] / len(jars) * 1000:.2f} ms per request"
            )
            collections["seconds"] = 0.0
        redis_commands = (commands() - commands_before - 1) / len(jars)
        print(
            f"{args.path}, {label}, {len(jars)} residents: {spent * 1000:.2f} ms per request "
            f"({spent_cpu * 1000:.2f} ms of this process's CPU), "
            f"{queries[0] / len(jars):.1f} SQL queries and {redis_commands:.1f} Redis commands "
            "per request"
        )
        if args.sql:
            for sql, (runs, seconds) in sorted(statements.items(), key=lambda kv: -kv[1][1]):
                print(f"  {runs / len(jars):4.2f} × {seconds / runs * 1000:6.3f} ms  {sql}")
        statements.clear()
        if label == "cold" and (args.top or args.dump):
            # Python function calls: a measure of the work that the machine's noise leaves alone.
            calls = pstats.Stats(profile).total_calls / len(jars)
            print(f"{label}: {calls:,.0f} Python function calls per request (under the profiler)")
        if label == "cold" and args.top:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        if label == "cold" and args.dump:
            profile.dump_stats(args.dump)


if __name__ == "__main__":
    main()
