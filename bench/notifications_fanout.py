"""Measure the fan-out of one municipal alert to a whole city, and email delivery through SMTP.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/notifications_fanout.py \
        --residents 85721 [--database-url postgres://user:pass@host:5432/postgres] [--emails 5000]

It creates a throwaway database (a SQLite file in a temporary directory, or a new database on the
PostgreSQL server of --database-url, dropped at the end), migrates it, bulk-creates the residents
of Brossard spread over its districts (a share of them opted in to email for snow removal), and
then, through the real code paths:

1. `alerts.alert_send` by a staff member: the request's part (the alert marked sending, the
   fan-out task written to the database-backed task queue);
2. `alerts.fan_out`, as the worker would run it: notifications and deliveries in batches of
   1,000 people, and the delivery tasks enqueued (the "time to enqueue");
3. the `deliver` task (as the worker runs it, in batches of 100) over the first --emails email
   deliveries, to a local aiosmtpd server on the loopback: messages per second.

It prints one JSON object. Nothing leaves the machine.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 5_000  # rows per bulk insert while seeding
DISTRICTS = [
    "Secteur A",
    "Secteur B",
    "Secteur C",
    "Secteur D",
    "Secteur E",
    "Secteur L",
    "Secteur M",
    "Secteur N",
    "Secteur P",
    "Secteur R",
    "Secteur S",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=85_721, help="people to create")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server (any database on it): a throwaway database is created there "
        "and dropped at the end. Default: a SQLite file in a temporary directory.",
    )
    parser.add_argument(
        "--email-share", type=float, default=0.3, help="share of residents who opted in to email"
    )
    parser.add_argument(
        "--emails", type=int, default=5_000, help="email deliveries to send through SMTP"
    )
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- A throwaway database -----------------------------------------------------------------------


class Throwaway:
    """The database URL to use, and its removal at the end."""

    def __init__(self, server_url: str):
        self.tmp = Path(tempfile.mkdtemp(prefix="milieu-bench-"))
        self.server_url = server_url
        self.name = ""
        if not server_url:
            self.url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"
            return
        self.name = f"milieu_bench_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(server_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(sql)

    @property
    def engine(self) -> str:
        return "postgresql" if self.name else "sqlite"

    def drop(self) -> None:
        if self.name:
            from django.db import connections

            connections.close_all()
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- A local SMTP server ------------------------------------------------------------------------


class CountingHandler:
    def __init__(self) -> None:
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received += 1
        return "250 Message accepted for delivery"


def start_smtp(handler: CountingHandler):
    """aiosmtpd on 127.0.0.1, on a port the kernel picks (as in milieu/conftest.py)."""
    from aiosmtpd.controller import Controller

    class EphemeralPortController(Controller):
        def _create_server(self):
            return self._bind()

        async def _bind(self) -> asyncio.AbstractServer:
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=0
            )
            self.port = server.sockets[0].getsockname()[1]
            return server

    controller = EphemeralPortController(handler, hostname="127.0.0.1")
    controller.start()
    return controller


# --- The measurement ----------------------------------------------------------------------------


def seed(residents: int, email_share: float, rng: random.Random):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from milieu.accounts.models import Membership, Role, RoleAssignment, User
    from milieu.notifications.models import Preference
    from milieu.territory.models import District, Municipality, Region

    region = Region.objects.create(
        slug="idees-collectives", name="Idées collectives", kind="consortium"
    )
    brossard = Municipality.objects.create(
        region=region,
        slug="brossard",
        name="Ville de Brossard",
        id_code="BRO",
        kind="city",
        population=residents,
        latitude=45.45,
        longitude=-73.47,
        languages=["fr", "en", "es"],
        enabled_modules=["districts"],
    )
    districts = [
        District.objects.create(
            municipality=brossard, name=name, slug=name.lower().replace(" ", "-")
        )
        for name in DISTRICTS
    ]
    staff = User.objects.create_user("agent@brossard.example", "unused-password-2026")
    RoleAssignment.objects.create(user=staff, role=Role.STAFF, municipality=brossard)
    TOTP.activate(staff, generate_totp_secret())

    languages = ["fr"] * 80 + ["en"] * 15 + ["es"] * 5
    opted_in = 0
    for start in range(0, residents, CHUNK):
        count = min(CHUNK, residents - start)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"resident{start + i}@brossard.example",
                    password=UNUSABLE_PASSWORD_PREFIX,  # nobody logs in
                    preferred_language=rng.choice(languages),
                )
                for i in range(count)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user, municipality=brossard, district=rng.choice(districts), is_home=True
                )
                for user in users
            ]
        )
        chosen = [user for user in users if rng.random() < email_share]
        opted_in += len(chosen)
        Preference.objects.bulk_create(
            [
                Preference(user=user, topic="snow_removal", channel="email", enabled=True)
                for user in chosen
            ]
        )
    return brossard, staff, opted_in


def measure(args: argparse.Namespace, db: Throwaway) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from milieu.notifications import alerts
    from milieu.notifications.models import Delivery, Notification
    from milieu.notifications.tasks import deliver

    rng = random.Random(args.seed)  # noqa: S311 - test data, not secrets
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    brossard, staff, opted_in = seed(args.residents, args.email_share, rng)
    seed_seconds = time.perf_counter() - started

    alert = alerts.alert_create(
        actor=staff,
        municipality=brossard,
        topic="snow_removal",
        title_fr="Opération de déneigement cette nuit",
        body_fr="Stationnement interdit dans les rues de la ville à partir de 23 h.",
        title_en="Snow removal tonight",
        body_en="No parking in the streets of the city from 11 p.m.",
    )
    preview_started = time.perf_counter()
    audience = alerts.alert_audience(alert=alert)
    preview_seconds = time.perf_counter() - preview_started

    # 1. The request: the alert is marked sending, the fan-out task written to the queue.
    started = time.perf_counter()
    alerts.alert_send(actor=staff, alert=alert)
    send_seconds = time.perf_counter() - started
    fan_out_tasks = DBTaskResult.objects.filter(task_path__endswith="alert_fan_out").count()

    # 2. The worker's fan-out task.
    started = time.perf_counter()
    size = alerts.fan_out(alert_id=alert.pk)
    fan_out_seconds = time.perf_counter() - started
    alert.refresh_from_db()
    deliveries = {
        f"{row['channel']}/{row['status']}": row["n"]
        for row in Delivery.objects.values("channel", "status").annotate(n=Count("pk"))
    }
    delivery_tasks = DBTaskResult.objects.filter(task_path__endswith=".deliver").count()

    # 3. The worker's delivery tasks for the first emails, to the local SMTP server.
    handler = CountingHandler()
    controller = start_smtp(handler)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    email_ids = list(
        Delivery.objects.filter(channel="email", status="queued")
        .order_by("pk")
        .values_list("pk", flat=True)[: args.emails]
    )
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    for start in range(0, len(email_ids), 100):
        for status, n in deliver.call(delivery_ids=email_ids[start : start + 100]).items():
            outcomes[status] = outcomes.get(status, 0) + n
    drain_seconds = time.perf_counter() - started
    controller.stop()

    return {
        "benchmark": "notifications_fanout",
        "database": db.engine,
        "database_version": connection.Database.sqlite_version
        if db.engine == "sqlite"
        else connection.cursor().connection.info.server_version,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "residents": args.residents,
        "residents_opted_in_to_email": opted_in,
        "seed_seconds": round(seed_seconds, 2),
        "audience_preview": audience,
        "audience_preview_seconds": round(preview_seconds, 3),
        "send_request_seconds": round(send_seconds, 3),
        "fan_out_tasks_enqueued": fan_out_tasks,
        "fan_out_seconds": round(fan_out_seconds, 2),
        "fan_out_people_per_second": round(size / fan_out_seconds) if fan_out_seconds else None,
        "alert_status": alert.status,
        "audience_size": alert.audience_size,
        "notifications_created": Notification.objects.filter(alert=alert).count(),
        "deliveries_created": sum(deliveries.values()),
        "deliveries_by_channel_and_status": deliveries,
        "delivery_tasks_enqueued": delivery_tasks,
        "emails_drained": len(email_ids),
        "email_outcomes": outcomes,
        "emails_received_by_smtp_server": handler.received,
        "drain_seconds": round(drain_seconds, 2),
        "emails_per_second": round(handler.received / drain_seconds, 1) if drain_seconds else None,
    }


def main() -> None:
    args = parse_args()
    db = Throwaway(args.database_url)
    os.environ["DATABASE_URL"] = db.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        import django
        from django.conf import settings

        django.setup()
        # The production task backend: tasks are rows in the database, as the worker sees them.
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        }
        result = measure(args, db)
    finally:
        db.drop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
