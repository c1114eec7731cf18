"""Postings per second through the points ledger (`milieu.rewards.ledger.post`).

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/rewards_postings.py
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/rewards_postings.py \
        --database-url postgres://postgres@127.0.0.1:5432/postgres

Creates a throwaway database (as `notifications_fanout.py` does), a program and `--wallets`
citizens, then times `--postings` awards (issuance → wallet) followed by as many redemptions
(wallet → municipal services), each its own transaction with its row locks, one writer at a time
and then with `--threads` writers; checks the ledger afterwards. Prints one JSON object.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from notifications_fanout import Throwaway


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--wallets", type=int, default=1_000)
    parser.add_argument("--postings", type=int, default=5_000)
    parser.add_argument("--threads", type=int, default=4)
    return parser.parse_args()


def measure(args) -> dict:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as UNUSABLE
    from django.db import connections

    from milieu.accounts.models import User
    from milieu.rewards import ledger
    from milieu.rewards.models import Account, Program
    from milieu.territory.models import Municipality, Region

    region = Region.objects.create(slug="r", name="Region", kind="consortium")
    municipality = Municipality.objects.create(
        region=region,
        slug="brossard",
        name="Brossard",
        id_code="BRO",
        kind="city",
        latitude=45.45,
        longitude=-73.47,
    )
    program = Program.objects.create(municipality=municipality, name="Points")
    User.objects.bulk_create(
        [User(email=f"wallet{i}@bench.invalid", password=UNUSABLE) for i in range(args.wallets)]
    )
    users = list(User.objects.order_by("pk"))
    issuance = ledger.program_account(program, Account.Kind.ISSUANCE)
    services = ledger.program_account(program, Account.Kind.MUNICIPAL_SERVICES)
    wallets = [ledger.wallet(program, user) for user in users]

    def award(i: int) -> None:
        wallet = wallets[i % len(wallets)]
        ledger.post(
            program=program, key=f"a{i}", kind="award", entries=[(issuance, -10), (wallet, 10)]
        )

    def redeem(i: int) -> None:
        wallet = wallets[i % len(wallets)]
        ledger.post(
            program=program, key=f"r{i}", kind="redeem", entries=[(wallet, -10), (services, 10)]
        )

    start = time.perf_counter()
    for i in range(args.postings):
        award(i)
    awards_seconds = time.perf_counter() - start

    start = time.perf_counter()
    errors: list[str] = []

    def worker(offset: int) -> None:
        try:
            for i in range(offset, args.postings, args.threads):
                redeem(i)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    redeems_seconds = time.perf_counter() - start
    report = ledger.check()
    return {
        "engine": connections["default"].vendor,
        "postings": args.postings * 2,
        "awards_one_writer_per_second": round(args.postings / awards_seconds, 1),
        "redemptions_per_second": round(args.postings / redeems_seconds, 1),
        "redemption_threads": args.threads,
        "errors": errors[:5],
        "ledger_consistent": report.ok,
    }


def main() -> None:
    args = parse_args()
    db = Throwaway(args.database_url)
    os.environ["DATABASE_URL"] = db.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        result = measure(args)
    finally:
        db.drop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
