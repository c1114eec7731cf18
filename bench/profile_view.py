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
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--top", type=int, default=40)
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


if __name__ == "__main__":
    main()
