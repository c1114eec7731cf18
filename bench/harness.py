"""The load harness behind `make bench`: the production configuration under load, on the loopback.

    .venv/bin/python bench/harness.py --scale 1 --backend postgresql [--reuse] [--concurrency 32]

1. Builds the benchmark dataset (`manage.py bench_generate`) once into a seed database
   (`milieu_bench_seed` on PostgreSQL, `bench/.data/sqlite-seed.sqlite3` on SQLite), then gives
   every run a fresh copy of it (`milieu_bench`, `bench/.data/sqlite-run.sqlite3`): runs write
   (sessions, awards, vouchers, an alert to a whole city), and the next one starts from the same
   data. `--reuse` keeps the seed when it was built at the same scale by the same generators and
   migrations.
2. Starts what production runs: gunicorn serving `config.settings.production` (throwaway keys
   generated for the run, Redis cache, psycopg pool or persistent SQLite connections), the task
   worker (`db_worker`) and an SMTP server on the loopback for the emails the worker sends.
3. Creates sessions in a setup step (`bench/bench_setup.py`, not measured), then drives each
   scenario from this process (`bench/load.py`) with `--concurrency` clients in a closed loop,
   bounded by `--requests` and `--duration`.
4. Writes `bench/results/<date>-<backend>.json`, regenerates `docs/performance.md`
   (`bench/report.py`), prints the budgets table and exits 1 when a budget is missed.

Everything listens on 127.0.0.1 and every process started here is stopped at the end, also on
Ctrl-C or failure. Uses the standard library, aiohttp (the load client), psycopg (already
Django's PostgreSQL driver) for creating databases, and Django in the subprocesses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import report
from load import Call, Stats, drive, new_session, send

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
DB_PREFIX = "milieu_bench"
SEED_DB, RUN_DB = f"{DB_PREFIX}_seed", DB_PREFIX
DEFAULT_DATABASE_SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
ANONYMOUS_MUNICIPALITY = "brossard"
RESIDENT_DRAW_SEED = 1729
RESIDENT_DRAWS = 100_000  # more than any run sends; request i takes draw i
REGION = "idees-collectives"
FAN_OUT_MUNICIPALITY = "brossard"
# Pages the scenarios find by URL name (kwarg `municipality_slug`), reversed by the setup step.
NAMED_PAGES = ("volunteering:opportunities", "volunteering:suggestions")
KEEP_LOGS = 10  # runs whose server logs are kept in .data/logs/
# The events agenda of a town as a visitor filters it: family outings of the coming weekend
# within 20 km of the town's centre (an H3 cell). The page's query parameters.
# The agenda form's fields (milieu/events/forms.py AgendaFilterForm): a shared position's cell.
EVENTS_FILTERS = (
    "category=family&near=position&cell={near}&km=20&when=dates&start={saturday}&end={sunday}"
)
EVENTS_TIME_ZONE = "America/Toronto"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class HarnessError(Exception):
    """A run that cannot go on, with a message that says what to do."""


# --- Processes ------------------------------------------------------------------------------


class Processes:
    """Every long-running process the harness starts, each in its own process group, so that all
    of them (gunicorn's workers included) are stopped at the end whatever happens."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_file = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own commands
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()  # the child has its own descriptor
        self.running.append((name, process))
        return process

    def check_alive(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise HarnessError(
                    f"{name} exited with {process.returncode}; see {self.logs / (name + '.log')}"
                )

    def stop_all(self) -> None:
        for _name, process in reversed(self.running):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, process in reversed(self.running):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (a worker that ignored SIGTERM).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.running.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, processes: Processes, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise HarnessError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    command = [PYTHON, "manage.py", *args]
    result = subprocess.run(  # noqa: S603 - manage.py with our arguments
        command, cwd=ROOT, env=env, text=True, capture_output=capture, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or "")[-3000:] if capture else ""
        raise HarnessError(f"manage.py {' '.join(args)} failed ({result.returncode}) {detail}")
    return result.stdout if capture else ""


# --- Redis ----------------------------------------------------------------------------------


def redis_flush(url: str) -> None:
    """Check that Redis answers and empty the run's database (a few words of RESP, no client)."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise HarnessError(f"Redis must be on the loopback, not {host}")
    database = (parts.path or "/0").lstrip("/") or "0"
    commands = ([["AUTH", parts.password]] if parts.password else []) + [
        ["PING"],
        ["SELECT", database],
        ["FLUSHDB"],
    ]
    try:
        with socket.create_connection((host, port), timeout=5) as connection:
            reader = connection.makefile("rb")
            for command in commands:
                payload = f"*{len(command)}\r\n" + "".join(
                    f"${len(word.encode())}\r\n{word}\r\n" for word in command
                )
                connection.sendall(payload.encode())
                answer = reader.readline().decode().strip()
                if not answer.startswith("+"):
                    raise HarnessError(f"Redis refused {command[0]}: {answer}")
    except OSError as error:
        raise HarnessError(
            f"Redis is not reachable at {host}:{port} ({error}). The benchmark runs the "
            "production configuration, whose cache is Redis: start it (e.g. `apt-get install "
            "redis-server` then `redis-server --daemonize yes`), or set BENCH_REDIS_URL."
        ) from None


# --- Databases ------------------------------------------------------------------------------


@dataclass
class Backend:
    """Where the seed and the run databases live, and how to copy one into the other."""

    name: str
    server: str = ""  # PostgreSQL: postgres://user@host:port

    def url(self, which: str) -> str:
        if self.name == "postgresql":
            return f"{self.server}/{SEED_DB if which == 'seed' else RUN_DB}"
        # SQLite: persistent connections (production keeps PostgreSQL ones in its pool).
        return f"sqlite:///{self.sqlite_path(which)}?conn_max_age=600"

    def sqlite_path(self, which: str) -> Path:
        return DATA / f"sqlite-{which}.sqlite3"

    def _admin(self, database: str = "postgres"):
        import psycopg

        try:
            return psycopg.connect(f"{self.server}/{database}", autocommit=True)
        except psycopg.OperationalError as error:
            raise HarnessError(
                f"PostgreSQL is not reachable at {self.server} ({str(error).strip()}). Start it, "
                "or set BENCH_DATABASE_URL=postgres://user@127.0.0.1:5432 (the harness creates "
                f"and drops only {RUN_DB} and {SEED_DB} there), or run `make bench BACKEND=sqlite`."
            ) from None

    def seed_exists(self) -> bool:
        if self.name == "sqlite":
            return self.sqlite_path("seed").exists()
        with self._admin() as connection:
            row = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [SEED_DB]
            ).fetchone()
        return row is not None

    def recreate(self, which: str, *, template: str | None = None) -> None:
        if self.name == "sqlite":
            path = self.sqlite_path(which)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if template:
                source = sqlite3.connect(self.sqlite_path(template))
                target = sqlite3.connect(path)
                with target:
                    source.backup(target)
                source.close()
                target.close()
            return
        from psycopg import sql

        name = SEED_DB if which == "seed" else RUN_DB
        assert name.startswith(DB_PREFIX)
        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            if template:
                connection.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(SEED_DB)
                    )
                )
            else:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def vacuum_seed(self) -> None:
        """VACUUM ANALYZE after the bulk load, as autovacuum would have done on a database in
        service (visibility maps for index-only scans, planner statistics); not on SQLite, whose
        generator already ran ANALYZE."""
        if self.name == "postgresql":
            with self._admin(SEED_DB) as connection:
                connection.execute("VACUUM (ANALYZE)")

    def version(self) -> str:
        if self.name == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        with self._admin() as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"


def source_fingerprint() -> str:
    """What the seed depends on: the generators and the migrations."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("milieu/*/bench.py")) + sorted(ROOT.glob("milieu/*/migrations/*.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_dataset(
    backend: Backend, env: dict[str, str], *, scale: float, reuse: bool
) -> dict[str, Any]:
    """The seed database and its manifest (built, or reused), then the run's fresh copy.

    The run's throwaway SECRET_KEY belongs to the dataset (what a generator encrypts or signs
    with it must still open): a reused dataset brings back the key it was built with, kept in
    the git-ignored marker file next to it."""
    marker = DATA / f"{backend.name}-seed.json"
    fingerprint = source_fingerprint()
    build: dict[str, Any] | None = None
    if reuse and marker.exists() and backend.seed_exists():
        previous = json.loads(marker.read_text())
        if (
            previous["scale"] == scale
            and previous["fingerprint"] == fingerprint
            and previous.get("secret_key")
        ):
            build = previous
            build["reused"] = True
            env["SECRET_KEY"] = previous["secret_key"]
            log(f"reusing the {backend.name} dataset built {previous['built_at']} (--reuse)")
        else:
            log("the saved dataset was built at another scale or by other generators: rebuilding")
    if build is None:
        marker.unlink(missing_ok=True)
        log(f"building the dataset at scale {scale} into the {backend.name} seed database")
        backend.recreate("seed")
        seed_env = {**env, "DATABASE_URL": backend.url("seed")}
        started = time.perf_counter()
        manage(seed_env, "migrate", "--noinput", "-v0")
        migrate_seconds = time.perf_counter() - started
        manifest_path = DATA / f"{backend.name}-manifest.json"
        started = time.perf_counter()
        manage(seed_env, "bench_generate", "--scale", str(scale), "--manifest", str(manifest_path))
        generate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        backend.vacuum_seed()
        vacuum_seconds = time.perf_counter() - started
        build = {
            "scale": scale,
            "fingerprint": fingerprint,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "manifest": json.loads(manifest_path.read_text()),
            "migrate_seconds": round(migrate_seconds, 1),
            "generate_seconds": round(generate_seconds, 1),
            "vacuum_seconds": round(vacuum_seconds, 1),
            "reused": False,
            "secret_key": env["SECRET_KEY"],
        }
        marker.touch(mode=0o600)
        marker.write_text(json.dumps(build, indent=1))
    started = time.perf_counter()
    backend.recreate("run", template="seed")
    build["copy_seconds"] = round(time.perf_counter() - started, 1)
    log(f"fresh copy of the dataset for this run in {build['copy_seconds']} s")
    return build


# --- The production environment --------------------------------------------------------------


def production_env(*, database_url: str, redis_url: str, smtp_port: int, site_port: int) -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        PYTHONUNBUFFERED="1",
        SECRET_KEY=secrets.token_urlsafe(64),  # throwaway; the dataset's when it is reused
        OIDC_RSA_PRIVATE_KEY=pem,
        OIDC_SUBJECT_SECRET=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback (HTTPS is the proxy's job)
        SITE_URL=f"http://127.0.0.1:{site_port}",
        MEDIA_ROOT=str(DATA / "media"),
        PRIVATE_MEDIA_ROOT=str(DATA / "private-media"),
    )
    return env


@dataclass
class ServerConfig:
    workers: int
    threads: int
    pool_max: int | None
    profile: str | None = None  # a path pattern whose requests are profiled in the workers

    def describe(self, backend: str) -> str:
        kind = f"gthread, {self.threads} threads each" if self.threads > 1 else "sync"
        if backend == "sqlite":
            connections = "persistent SQLite connections"
        else:
            connections = f"psycopg pool of at most {self.pool_max or 10} connections per worker"
        return f"gunicorn, {self.workers} workers ({kind}), {connections}"


def start_services(
    processes: Processes, env: dict[str, str], config: ServerConfig, *, port: int, smtp_port: int
) -> None:
    processes.start(
        "smtp",
        [
            PYTHON,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{smtp_port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        env,
    )
    server = [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(config.workers),
        "--backlog",
        "2048",
        "--worker-tmp-dir",
        "/dev/shm" if Path("/dev/shm").is_dir() else "/tmp",  # noqa: S108
        "--timeout",
        "60",
    ]
    if config.threads > 1:
        server += ["--worker-class", "gthread", "--threads", str(config.threads)]
    server_env = dict(env)
    if config.pool_max:  # otherwise production.py's own default
        server_env["DB_POOL_MAX"] = str(config.pool_max)
    if config.profile:  # bench/gunicorn_profile.py: one cProfile file per worker
        profiles = DATA / "profiles"
        shutil.rmtree(profiles, ignore_errors=True)
        profiles.mkdir(parents=True)
        server += ["--config", str(ROOT / "bench" / "gunicorn_profile.py")]
        server_env |= {"BENCH_PROFILE_PATH": config.profile, "BENCH_PROFILE_DIR": str(profiles)}
    processes.start("gunicorn", server, server_env)
    processes.start("worker", [PYTHON, "manage.py", "db_worker", "--queue-name", "*"], env)
    wait_for_port(smtp_port, processes)
    wait_for_port(port, processes)


# --- Scenarios ------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    kind: str  # floor | page | action | fanout
    what: str
    make_call: Callable[[int], Call] | None = None
    limit: int | None = None  # the plan's size for write scenarios
    warm_up: bool = True
    unit: str = "requests"
    skip: str | None = None
    # Who makes request i (a resident's email), for the share of first visits in the results.
    who: Callable[[int], str] | None = None
    # kind "selector": "module:function" of an app's bench.py, run by bench/in_process.py
    target: str | None = None


@dataclass
class Accounts:
    """The sessions of the accounts the run uses, and what the setup step planned."""

    residents: list[tuple[str, str]]  # (email, home municipality slug), interleaved
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    till_plan: list[list] = field(default_factory=list)
    redeem_plan: list[list] = field(default_factory=list)
    # Pages named by URL name, reversed by the setup step: {url name: {town slug: path}}.
    paths: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, email: str, *, post: bool = False) -> dict[str, str]:
        headers = {"Cookie": self.cookies[email]}
        if post:
            headers |= {"X-CSRFToken": self.csrf, "Content-Type": "application/json"}
        return headers


def coming_weekend(today: date | None = None) -> tuple[date, date]:
    """This weekend's Saturday and Sunday (from Friday on, the coming one; on Sunday, this one),
    in the municipalities' time, as the events agenda reads "this weekend"."""
    today = today or datetime.now(ZoneInfo(EVENTS_TIME_ZONE)).date()
    if today.weekday() == 6:
        return today - timedelta(days=1), today
    saturday = today + timedelta(days=5 - today.weekday())
    return saturday, saturday + timedelta(days=1)


def interleave(groups: dict[str, list[str]]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    longest = max((len(v) for v in groups.values()), default=0)
    for i in range(longest):
        rows += [(emails[i], slug) for slug, emails in sorted(groups.items()) if i < len(emails)]
    return rows


def setup_accounts(
    manifest: dict[str, Any], env: dict[str, str], *, limit: int
) -> tuple[Accounts, dict[str, str]]:
    accounts_manifest = manifest["accounts"]
    residents = interleave(accounts_manifest["residents"])
    merchants = manifest.get("merchants") or []
    admin = accounts_manifest["admins"].get(FAN_OUT_MUNICIPALITY)
    emails = [email for email, _slug in residents] + [m["email"] for m in merchants]
    emails += [admin] if admin else []
    # The newcomers' coordinators (staff with MFA) of the matching scenario.
    emails += [
        town["coordinator"]
        for town in (manifest.get("newcomers") or {}).values()
        if town.get("coordinator")
    ]
    # The volunteering organisations' managers, who ask for the volunteers to suggest.
    volunteering = (manifest.get("volunteering") or {}).get("towns") or {}
    emails += [email for town in volunteering.values() for email, _id in town["opportunities"]]
    emails += [email for town in volunteering.values() for email in town["volunteers"]]
    # The staff (with MFA) who read their town's queue of problem reports.
    reports = (manifest.get("reports") or {}).get("towns") or {}
    emails += [town["staff"] for town in reports.values() if town.get("staff")]
    # The diagnostic's staff (with MFA), and a member town's staff per region (its plans).
    diagnostic = manifest.get("diagnostic") or {}
    emails += [town["staff"] for town in diagnostic.values() if town.get("staff")]
    emails += list((manifest.get("region_plans") or {}).values())
    request: dict[str, Any] = {"sessions": sorted(set(emails))}
    # Pages whose URLs are known by name only (their module may be newer than the harness).
    request["paths"] = {name: sorted(accounts_manifest["residents"]) for name in NAMED_PAGES}
    if merchants:
        request["till"] = {
            "merchants": merchants,
            "residents": accounts_manifest["residents"],
            "limit": limit,
        }
    if manifest.get("offers"):
        request["redeem"] = {
            "offers": manifest["offers"],
            "residents": accounts_manifest["residents"],
            "limit": limit,
        }
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our setup script
        [PYTHON, "bench/bench_setup.py"],
        cwd=ROOT,
        env=env,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise HarnessError(f"the setup step failed:\n{result.stderr[-3000:]}")
    answer = json.loads(result.stdout)
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    accounts = Accounts(
        residents=residents,
        csrf=csrf,
        cookies={
            email: f"{answer['session_cookie']}={key}; {answer['csrf_cookie']}={csrf}"
            for email, key in answer["sessions"].items()
        },
        till_plan=answer.get("till_plan", []),
        redeem_plan=answer.get("redeem_plan", []),
        paths=answer.get("paths", {}),
    )
    log(
        f"setup: {len(accounts.cookies)} sessions, {len(accounts.till_plan)} purchases and "
        f"{len(accounts.redeem_plan)} redemptions planned ({time.perf_counter() - started:.1f} s)"
    )
    return accounts, {"admin": admin or ""}


async def fetch_card_tokens(base_url: str, accounts: Accounts) -> None:
    """Each sample resident's card (GET /api/v1/card), as the phone would show it at the till."""
    session = new_session(16)
    refused: dict[str, str] = {}
    try:
        semaphore = asyncio.Semaphore(16)

        async def one(email: str) -> None:
            async with semaphore:
                status, body = await send(
                    session, base_url, Call("GET", "/api/v1/card", accounts.headers(email))
                )
            if status == 200:
                accounts.tokens[email] = json.loads(body)["token"]
            else:
                refused[email] = f"HTTP {status} {body[:120].decode(errors='replace')}"

        await asyncio.gather(*(one(email) for email, _slug in accounts.residents))
    finally:
        await session.close()
    if not accounts.tokens:
        raise HarnessError("no sample resident got a citizen card from GET /api/v1/card")
    log(f"setup: {len(accounts.tokens)} citizen cards fetched")
    for email, reason in list(refused.items())[:3]:
        log(f"setup: no card for {email}: {reason}")


def scenarios(accounts: Accounts, manifest: dict[str, Any], run_id: str) -> list[Scenario]:
    residents = accounts.residents
    logged_in = b"/fr/accounts/logout/"

    def anonymous(path: str, must: bytes | None = None) -> Callable[[int], Call]:
        call = Call("GET", path, must_contain=must)
        return lambda _i: call

    # Request i of a scenario comes from a resident drawn at random (seeded, with replacement),
    # as visitors arrive in real traffic: each resident's first visit, which finds their cache
    # entries empty, falls anywhere in the run. (Taken in turn, every first visit came in one
    # burst at the start; the results report the share of first visits either way.)
    draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311 - a load pattern
        range(len(residents)), k=RESIDENT_DRAWS
    )

    def resident(i: int) -> tuple[str, str]:
        return residents[draws[i % len(draws)]]

    def as_resident(path: Callable[[str], str], must: bytes | None = None) -> Callable:
        def make(i: int) -> Call:
            email, slug = resident(i)
            return Call("GET", path(slug), accounts.headers(email), must_contain=must)

        return make

    with_cards = [email for email, _slug in residents if email in accounts.tokens]
    card_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(len(with_cards)), k=RESIDENT_DRAWS
    )

    def card_holder(i: int) -> str:
        return with_cards[card_draws[i % len(card_draws)]]

    def who(i: int) -> str:
        return resident(i)[0]

    def card_page(i: int) -> Call:
        return Call("GET", "/fr/card/", accounts.headers(card_holder(i)), must_contain=b"<svg")

    def verify(i: int) -> Call:
        token = accounts.tokens[card_holder(i)]
        body = json.dumps({"token": token}).encode()
        return Call(
            "POST",
            "/api/v1/cards/verify",
            {"Content-Type": "application/json"},
            body,
            must_contain=b'"valid": true',
        )

    till = [row for row in accounts.till_plan if row[2] in accounts.tokens]

    def purchase(i: int) -> Call:
        merchant_email, merchant_id, resident = till[i]
        payload = {
            "merchant_id": merchant_id,
            "card_token": accounts.tokens[resident],
            "amount": "1.00",
            "key": f"bench-{run_id}-{i}",
        }
        headers = accounts.headers(merchant_email, post=True)
        return Call("POST", "/api/v1/rewards/till/purchase", headers, json.dumps(payload).encode())

    def redeem(i: int) -> Call:
        email, offer_id = accounts.redeem_plan[i]
        headers = accounts.headers(email, post=True) | {"Idempotency-Key": f"bench-{run_id}-{i}"}
        return Call("POST", f"/api/v1/rewards/offers/{offer_id}/redeem", headers, expect=201)

    def missing(key: str) -> str | None:
        return None if manifest.get(key) else f"no `{key}` in the dataset's manifest yet"

    # --- The community: each request from a resident with community activity (drawn at random
    # among the municipalities' lists), on what that resident may read.
    community = manifest.get("community") or {}
    members = [
        (email, slug)
        for slug, town in sorted(community.items())
        for email in town.get("residents", [])
        if email in accounts.cookies
    ]
    member_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(members))), k=RESIDENT_DRAWS
    )

    def member(i: int) -> tuple[str, str]:
        return members[member_draws[i % len(member_draws)]]

    def member_who(i: int) -> str:
        return member(i)[0]

    def as_member(path: Callable[[str, str, int], str], must: bytes | None = None) -> Callable:
        def make(i: int) -> Call:
            email, slug = member(i)
            return Call("GET", path(email, slug, i), accounts.headers(email), must_contain=must)

        return make

    def district_of(email: str, slug: str, i: int) -> str:
        districts = community[slug]["districts"]
        return f"/fr/{slug}/community/districts/{districts[i % len(districts)]['slug']}/"

    group_visits = [
        (email, slug, group["slug"])
        for slug, town in sorted(community.items())
        for group in town.get("groups", [])
        for email in group.get("members", [])
        if email in accounts.cookies
    ]
    group_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(group_visits))), k=RESIDENT_DRAWS
    )

    def group_page(i: int) -> Call:
        email, slug, group_slug = group_visits[group_draws[i % len(group_draws)]]
        path = f"/fr/{slug}/community/groups/{group_slug}/"
        return Call("GET", path, accounts.headers(email), must_contain=logged_in)

    def search_word(slug: str, i: int) -> str:
        words = community[slug].get("search") or ["quartier"]
        return urllib.parse.quote(words[i % len(words)])

    conversation_visits = [
        (email, conversation_id)
        for town in community.values()
        for email, ids in sorted(town.get("conversations", {}).items())
        if email in accounts.cookies
        for conversation_id in ids
    ]
    conversation_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(conversation_visits))), k=RESIDENT_DRAWS
    )

    def conversation(i: int) -> Call:
        email, conversation_id = conversation_visits[
            conversation_draws[i % len(conversation_draws)]
        ]
        return Call(
            "GET",
            f"/fr/messages/{conversation_id}/",
            accounts.headers(email),
            must_contain=logged_in,
        )

    commentable = [
        (email, post_id)
        for slug, town in sorted(community.items())
        for district in town.get("districts", [])
        for post_id in district.get("posts", [])[:2]
        for email in town.get("residents", [])[:8]
        if email in accounts.cookies
    ]

    def comment(i: int) -> Call:
        email, post_id = commentable[i % len(commentable)]
        body = json.dumps({"body": f"Merci pour l'information! ({run_id}-{i})", "language": "fr"})
        return Call(
            "POST",
            f"/api/v1/community/posts/{post_id}/comments",
            accounts.headers(email, post=True),
            body.encode(),
            expect=201,
        )

    # --- Newcomer matching: coordinators ask for the ranked buddies of newcomers seeking one.
    newcomers = manifest.get("newcomers") or {}
    matches = [
        (town["coordinator"], slug, profile_id)
        for slug, town in sorted(newcomers.items())
        if town.get("coordinator") in accounts.cookies
        for profile_id in town.get("seeking", [])
    ]

    def match_list(i: int) -> Call:
        email, slug, profile_id = matches[i % len(matches)]
        path = f"/api/v1/municipalities/{slug}/newcomers/{profile_id}/matches"
        return Call("GET", path, accounts.headers(email), must_contain=b'"matches"')

    def match_page(i: int) -> Call:
        email, slug, profile_id = matches[i % len(matches)]
        path = f"/fr/{slug}/staff/newcomers/newcomers/{profile_id}/"
        return Call("GET", path, accounts.headers(email), must_contain=logged_in)

    def without(items: list, what: str) -> str | None:
        return missing("community") or (None if items else f"no {what} in the manifest")

    # --- Sharing: residents search their town's listings within 5 km of their district, and
    # open one of them.
    shared = manifest.get("exchange") or {}
    listing_visits = [
        (email, slug, listing_id)
        for email, slug in residents
        for listing_id in (shared.get(slug) or {}).get("listings", [])[:1]
    ]
    listing_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(listing_visits))), k=RESIDENT_DRAWS
    )

    def listing_visit(i: int) -> tuple[str, str, int]:
        return listing_visits[listing_draws[i % len(listing_draws)]]

    def listing_page(i: int) -> Call:
        email, slug, listing_id = listing_visit(i)
        path = f"/fr/{slug}/sharing/{listing_id}/"
        return Call("GET", path, accounts.headers(email), must_contain=logged_in)

    # --- Volunteering: residents browse their town's opportunities; volunteers (sample residents
    # with a suggestible profile) ask for the opportunities ranked for them; managers of
    # organisations ask for the volunteers ranked for one of their open opportunities.
    volunteering = (manifest.get("volunteering") or {}).get("towns") or {}
    volunteer_visits = [
        (email, slug)
        for slug, town in sorted(volunteering.items())
        for email in town["volunteers"]
        if email in accounts.cookies
    ]
    volunteer_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(volunteer_visits))), k=RESIDENT_DRAWS
    )
    recruiting = [
        (email, slug, opportunity_id)
        for slug, town in sorted(volunteering.items())
        for email, opportunity_id in town["opportunities"]
        if email in accounts.cookies
    ]

    def volunteer(i: int) -> tuple[str, str]:
        return volunteer_visits[volunteer_draws[i % len(volunteer_draws)]]

    def as_volunteer(path: Callable[[str], str], must: bytes) -> Callable[[int], Call]:
        def make(i: int) -> Call:
            email, slug = volunteer(i)
            return Call("GET", path(slug), accounts.headers(email), must_contain=must)

        return make

    def suggested_volunteers(i: int) -> Call:
        email, slug, opportunity_id = recruiting[i % len(recruiting)]
        path = f"/api/v1/municipalities/{slug}/opportunities/{opportunity_id}/volunteers"
        return Call("GET", path, accounts.headers(email), must_contain=b'"score"')

    def named(name: str) -> Callable[[str], str]:
        return lambda slug: accounts.paths[name][slug]

    def unnamed(name: str) -> str | None:
        return None if name in accounts.paths else f"no `{name}` URL yet"

    def no_volunteers(items: list) -> str | None:
        return missing("volunteering") or (None if items else "no volunteer in the manifest")

    # --- Events: visitors without an account read the region's agenda, a town's agenda with
    # their filters, an event's page and a town's iCalendar feed; residents open their
    # registrations; the API lists the region's agenda. The agenda selector is also measured in
    # process, without the pages.
    events = manifest.get("events") or {}
    event_region = events.get("region") or REGION
    event_towns = sorted((events.get("towns") or {}).items())
    region_towns = [(slug, town) for slug, town in event_towns if town["region"] == event_region]
    saturday, sunday = coming_weekend()
    event_visits = [
        (slug, event_id) for slug, town in event_towns for event_id in town.get("events", [])
    ]
    event_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(event_visits))), k=RESIDENT_DRAWS
    )
    registered = [
        (email, slug)
        for slug, town in event_towns
        for email in town.get("registered", [])
        if email in accounts.cookies
    ]
    registered_draws = random.Random(RESIDENT_DRAW_SEED).choices(  # noqa: S311
        range(max(1, len(registered))), k=RESIDENT_DRAWS
    )

    def filtered_agenda(i: int) -> Call:
        slug, town = region_towns[i % len(region_towns)]
        query = EVENTS_FILTERS.format(near=town["near"], saturday=saturday, sunday=sunday)
        return Call("GET", f"/fr/{slug}/events/?{query}")

    def event_page(i: int) -> Call:
        slug, event_id = event_visits[event_draws[i % len(event_draws)]]
        return Call("GET", f"/fr/{slug}/events/{event_id}/", must_contain=b"application/ld+json")

    def city_feed(i: int) -> Call:
        slug, _town = event_towns[i % len(event_towns)]
        return Call("GET", f"/fr/{slug}/events/calendar.ics", must_contain=b"BEGIN:VCALENDAR")

    def registrant(i: int) -> tuple[str, str]:
        return registered[registered_draws[i % len(registered_draws)]]

    def my_registrations(i: int) -> Call:
        email, _slug = registrant(i)
        return Call(
            "GET", "/fr/events/registrations/", accounts.headers(email), must_contain=logged_in
        )

    # --- Calls for proposals: visitors without an account read a town's call (its ideas, most
    # supported first) and an idea's page.
    proposal_towns = sorted((manifest.get("proposals") or {}).items())
    proposal_visits = [
        (slug, idea) for slug, town in proposal_towns for idea in town.get("proposals", [])
    ]

    def proposal_list(i: int) -> Call:
        slug, town = proposal_towns[i % len(proposal_towns)]
        return Call("GET", f"/fr/{slug}/participation/{town['consultation']}/proposals/")

    def proposal_page(i: int) -> Call:
        slug, idea = proposal_visits[i % len(proposal_visits)]
        return Call("GET", f"/fr/{slug}/participation/proposals/{idea}/")

    # --- Participatory budgets: visitors read a town's budget (its projects, costs, the vote).
    budgets = sorted((manifest.get("budgets") or {}).items())

    def budget_page(i: int) -> Call:
        slug, consultation_id = budgets[i % len(budgets)]
        return Call("GET", f"/fr/{slug}/participation/budgets/{consultation_id}/")

    # --- Committees: visitors read a region's committee page (its members and latest motions)
    # and a motion's results (each municipality's vote and weight), the motions in turn.
    committee_regions = manifest.get("committees") or {}
    committee_region = REGION if REGION in committee_regions else next(iter(committee_regions), "")
    committee_motions = [
        (slug, number)
        for slug, numbers in sorted(
            (committee_regions.get(committee_region) or {}).get("committees", {}).items()
        )
        for number in numbers
    ]

    committee_slugs = sorted({slug for slug, _number in committee_motions})

    def committee_page(i: int) -> Call:
        slug = committee_slugs[i % len(committee_slugs)]
        return Call("GET", f"/fr/regions/{committee_region}/committees/{slug}/")

    def motion_page(i: int) -> Call:
        slug, number = committee_motions[i % len(committee_motions)]
        return Call(
            "GET",
            f"/fr/regions/{committee_region}/committees/{slug}/motions/{number}/",
            must_contain=b"<table",
        )

    # --- Problem reports: visitors read a town's recent reports; its staff read the queue of
    # open reports (the first page of each).
    report_towns = sorted(((manifest.get("reports") or {}).get("towns") or {}).items())
    report_staff = [
        (town["staff"], slug)
        for slug, town in report_towns
        if town.get("staff") in accounts.cookies
    ]

    def reports_list(i: int) -> Call:
        slug, _town = report_towns[i % len(report_towns)]
        return Call("GET", f"/fr/{slug}/reports/", must_contain=b"report-list")

    def reports_queue(i: int) -> Call:
        email, slug = report_staff[i % len(report_staff)]
        return Call(
            "GET",
            f"/fr/{slug}/staff/reports/",
            accounts.headers(email),
            must_contain=b"report-list",
        )

    # --- Indicators: visitors read a town's and a region's indicators (cards, 12-month charts
    # and tables, the members' comparison), from the summary table.
    indicator_manifest = manifest.get("indicators") or {}
    indicator_towns = indicator_manifest.get("towns") or []
    indicator_regions = indicator_manifest.get("regions") or []

    def indicators_town(i: int) -> Call:
        slug = indicator_towns[i % len(indicator_towns)]
        return Call("GET", f"/fr/{slug}/indicators/", must_contain=b"<svg")

    def indicators_region(i: int) -> Call:
        slug = indicator_regions[i % len(indicator_regions)]
        return Call("GET", f"/fr/regions/{slug}/indicators/", must_contain=b"<svg")

    # --- Open data: the DCAT catalogue, the HTML catalogue (every town in its filter) and one
    # town's problem reports as GeoJSON (the towns in turn), anonymous.
    def opendata_reports(i: int) -> Call:
        slug, _town = report_towns[i % len(report_towns)]
        return Call(
            "GET",
            f"/api/v1/opendata/datasets/problem-reports.geojson?municipality={slug}",
            must_contain=b"FeatureCollection",
        )

    # --- Digital maturity: a town's staff read their latest diagnostic's results (radar chart,
    # recommendations, comparison); a member town's staff the region's members' plans.
    diagnosed = [
        (town["staff"], slug, town["latest"])
        for slug, town in sorted((manifest.get("diagnostic") or {}).items())
        if town.get("staff") in accounts.cookies and town.get("latest")
    ]
    plan_regions = [
        (email, slug)
        for slug, email in sorted((manifest.get("region_plans") or {}).items())
        if email in accounts.cookies
    ]

    def diagnostic_results(i: int) -> Call:
        email, slug, number = diagnosed[i % len(diagnosed)]
        return Call(
            "GET",
            f"/fr/{slug}/staff/diagnostic/{number}/",
            accounts.headers(email),
            must_contain=b"radar",
        )

    def region_plans(i: int) -> Call:
        email, slug = plan_regions[i % len(plan_regions)]
        return Call(
            "GET",
            f"/fr/regions/{slug}/plans/",
            accounts.headers(email),
            must_contain=b"region-plans",
        )

    # --- Practices: visitors search the platform's catalogue of practices (a word or a tag, in
    # turn) and read a practice's page (its adoptions and comments).
    practices = manifest.get("practices") or {}
    practice_searches = [f"q={word}" for word in practices.get("words", [])] + [
        f"tag={tag}" for tag in practices.get("tags", [])
    ]
    practice_ids = practices.get("ids", [])

    def practices_search(i: int) -> Call:
        query = practice_searches[i % len(practice_searches)]
        return Call("GET", f"/fr/practices/?{query}", must_contain=b'id="results"')

    def practice_page(i: int) -> Call:
        return Call(
            "GET",
            f"/fr/practices/{practice_ids[i % len(practice_ids)]}/",
            must_contain=b"adoptions",
        )

    # --- Recognition: visitors read the badges page (every badge, its first holders and their
    # evidence) and a town's badges, the towns in turn.
    recognition_towns = (manifest.get("recognition") or {}).get("towns") or []

    def recognition_town(i: int) -> Call:
        slug = recognition_towns[i % len(recognition_towns)]
        return Call("GET", f"/fr/recognition/{slug}/", must_contain=b"recognition-current")

    # --- Consultations: visitors read a town's consultations and a closed survey's results
    # (charts and tables); computing a survey's results is measured in process.
    surveys = sorted((manifest.get("participation") or {}).items())
    closed_surveys = [(slug, i) for slug, town in surveys for i in town.get("closed", [])]

    def consultation_list(i: int) -> Call:
        slug, _town = surveys[i % len(surveys)]
        return Call("GET", f"/fr/{slug}/participation/")

    def survey_results(i: int) -> Call:
        slug, consultation_id = closed_surveys[i % len(closed_surveys)]
        return Call(
            "GET", f"/fr/{slug}/participation/{consultation_id}/results/", must_contain=b"<svg"
        )

    home = ANONYMOUS_MUNICIPALITY
    return [
        Scenario("floor", "floor", "GET /robots.txt (no database)", anonymous("/robots.txt")),
        Scenario(
            "committees_committee_page",
            "page",
            "GET /fr/regions/<region>/committees/<slug>/ (members, latest motions), anonymous",
            committee_page if committee_motions else None,
            skip=missing("committees") or (None if committee_motions else "no committee motion"),
        ),
        Scenario(
            "committees_motion_page",
            "page",
            "GET /fr/regions/<region>/committees/<slug>/motions/<n>/ (each round's votes and "
            "weights), anonymous, the motions in turn",
            motion_page if committee_motions else None,
            skip=missing("committees") or (None if committee_motions else "no committee motion"),
        ),
        Scenario(
            "municipality_home",
            "page",
            f"GET /fr/{home}/, anonymous",
            anonymous(f"/fr/{home}/"),
        ),
        Scenario(
            "region", "page", f"GET /fr/regions/{REGION}/", anonymous(f"/fr/regions/{REGION}/")
        ),
        Scenario(
            "home_logged_in",
            "page",
            "GET /fr/<home>/, sample residents",
            as_resident(lambda slug: f"/fr/{slug}/", logged_in),
            who=who,
        ),
        Scenario(
            "card", "page", "GET /fr/card/, residents with a card", card_page, who=card_holder
        ),
        Scenario(
            "notification_centre",
            "page",
            "GET /fr/notifications/",
            as_resident(lambda _s: "/fr/notifications/", logged_in),
            who=who,
        ),
        Scenario(
            "api_municipalities",
            "page",
            "GET /api/v1/municipalities, anonymous",
            anonymous("/api/v1/municipalities", b'"items"'),
        ),
        Scenario(
            "api_me",
            "page",
            "GET /api/v1/me",
            as_resident(lambda _s: "/api/v1/me", b'"email"'),
            who=who,
        ),
        Scenario(
            "api_notifications",
            "page",
            "GET /api/v1/notifications",
            as_resident(lambda _s: "/api/v1/notifications", b'"items"'),
            who=who,
        ),
        Scenario(
            "api_wallets",
            "page",
            "GET /api/v1/rewards/wallets",
            as_resident(lambda _s: "/api/v1/rewards/wallets"),
            who=who,
        ),
        Scenario(
            "api_history",
            "page",
            "GET /api/v1/rewards/history",
            as_resident(lambda _s: "/api/v1/rewards/history", b'"items"'),
            who=who,
        ),
        Scenario(
            "api_offers",
            "page",
            "GET /api/v1/rewards/offers",
            as_resident(lambda _s: "/api/v1/rewards/offers"),
            who=who,
        ),
        Scenario(
            "community_feed",
            "page",
            "GET /fr/community/ (my feed), residents taking part",
            as_member(lambda _e, _s, _i: "/fr/community/", logged_in) if members else None,
            who=member_who,
            skip=without(members, "community residents"),
        ),
        Scenario(
            "district_feed",
            "page",
            "GET /fr/<home>/community/districts/<district>/",
            as_member(district_of, logged_in) if members else None,
            who=member_who,
            skip=without(members, "community residents"),
        ),
        Scenario(
            "group_page",
            "page",
            "GET /fr/<town>/community/groups/<group>/ (its members)",
            group_page if group_visits else None,
            skip=without(group_visits, "group members"),
        ),
        Scenario(
            "community_search",
            "page",
            "GET /fr/community/search/?q=<a word of the town's posts>",
            as_member(
                lambda _e, slug, i: f"/fr/community/search/?q={search_word(slug, i)}", logged_in
            )
            if members
            else None,
            who=member_who,
            skip=without(members, "community residents"),
        ),
        Scenario(
            "messages_inbox",
            "page",
            "GET /fr/messages/",
            as_member(lambda _e, _s, _i: "/fr/messages/", logged_in) if members else None,
            who=member_who,
            skip=without(members, "community residents"),
        ),
        Scenario(
            "conversation",
            "page",
            "GET /fr/messages/<id>/ (a conversation of one's own; marks it read)",
            conversation if conversation_visits else None,
            skip=without(conversation_visits, "conversations"),
        ),
        Scenario(
            "api_community_feed",
            "page",
            "GET /api/v1/community/feed",
            as_member(lambda _e, _s, _i: "/api/v1/community/feed", b'"items"') if members else None,
            who=member_who,
            skip=without(members, "community residents"),
        ),
        Scenario(
            "api_community_search",
            "page",
            "GET /api/v1/community/search?q=<word>",
            as_member(
                lambda _e, slug, i: f"/api/v1/community/search?q={search_word(slug, i)}",
                b'"items"',
            )
            if members
            else None,
            who=member_who,
            skip=without(members, "community residents"),
        ),
        Scenario(
            "newcomer_matches",
            "page",
            "GET /api/v1/municipalities/<town>/newcomers/<id>/matches (coordinators)",
            match_list if matches else None,
            skip=missing("newcomers") or (None if matches else "no newcomer seeking a buddy"),
        ),
        Scenario(
            "newcomer_match_page",
            "page",
            "GET /fr/<town>/staff/newcomers/newcomers/<id>/ (the ranked buddies)",
            match_page if matches else None,
            skip=missing("newcomers") or (None if matches else "no newcomer seeking a buddy"),
        ),
        Scenario(
            "exchange_search",
            "page",
            "GET /fr/<home>/sharing/?km=5 (listings within 5 km of my district)",
            as_resident(lambda slug: f"/fr/{slug}/sharing/?km=5", logged_in),
            who=who,
            skip=missing("exchange"),
        ),
        Scenario(
            "exchange_listing",
            "page",
            "GET /fr/<home>/sharing/<id>/ (a listing, its owner's reputation)",
            listing_page if listing_visits else None,
            who=lambda i: listing_visit(i)[0],
            skip=missing("exchange") or (None if listing_visits else "no listing"),
        ),
        Scenario(
            "api_exchange_listings",
            "page",
            "GET /api/v1/municipalities/<home>/exchange/listings?within_km=5",
            as_resident(
                lambda slug: f"/api/v1/municipalities/{slug}/exchange/listings?within_km=5",
                b'"items"',
            ),
            who=who,
            skip=missing("exchange"),
        ),
        Scenario(
            "volunteering_suggestions_match",
            "selector",
            "matching.opportunities_for(profile): the first 20 opportunities ranked for a "
            "volunteer (in process, profiles drawn over the dataset)",
            target="milieu.volunteering.bench:suggestions_match",
            skip=missing("volunteering"),
        ),
        Scenario(
            "volunteering_volunteers_match",
            "selector",
            "matching.volunteers_for(opportunity): the first 20 volunteers ranked for an open "
            "opportunity (in process, opportunities drawn over the dataset)",
            target="milieu.volunteering.bench:volunteers_match",
            skip=missing("volunteering"),
        ),
        Scenario(
            "volunteering_opportunities",
            "page",
            "GET /fr/<home>/volunteering/… (volunteering:opportunities), sample residents",
            as_resident(named("volunteering:opportunities"), logged_in)
            if "volunteering:opportunities" in accounts.paths
            else None,
            who=who,
            skip=missing("volunteering") or unnamed("volunteering:opportunities"),
        ),
        Scenario(
            "volunteering_suggestions",
            "page",
            "GET /fr/<home>/volunteering/… (volunteering:suggestions), volunteers",
            as_volunteer(named("volunteering:suggestions"), logged_in)
            if volunteer_visits and "volunteering:suggestions" in accounts.paths
            else None,
            who=lambda i: volunteer(i)[0],
            skip=no_volunteers(volunteer_visits) or unnamed("volunteering:suggestions"),
        ),
        Scenario(
            "api_volunteering_suggestions",
            "page",
            "GET /api/v1/municipalities/<home>/opportunities/suggested (volunteers)",
            as_volunteer(
                lambda slug: f"/api/v1/municipalities/{slug}/opportunities/suggested", b'"score"'
            )
            if volunteer_visits
            else None,
            who=lambda i: volunteer(i)[0],
            skip=no_volunteers(volunteer_visits),
        ),
        Scenario(
            "api_volunteering_volunteers",
            "page",
            "GET /api/v1/municipalities/<town>/opportunities/<id>/volunteers (managers)",
            suggested_volunteers if recruiting else None,
            skip=missing("volunteering")
            or (None if recruiting else "no opportunity with volunteers to suggest"),
        ),
        Scenario(
            "practices_search",
            "page",
            "GET /fr/practices/?q=<word> or ?tag=<tag> (the platform's catalogue), anonymous",
            practices_search if practice_searches else None,
            skip=missing("practices"),
        ),
        Scenario(
            "practices_page",
            "page",
            "GET /fr/practices/<id>/ (adoptions, comments), anonymous, the practices in turn",
            practice_page if practice_ids else None,
            skip=missing("practices"),
        ),
        Scenario(
            "reports_public_list",
            "page",
            "GET /fr/<town>/reports/ (the recent reports, the towns in turn), anonymous",
            reports_list if report_towns else None,
            skip=missing("reports"),
        ),
        Scenario(
            "reports_staff_queue",
            "page",
            "GET /fr/<town>/staff/reports/ (the open reports), the town's staff with MFA",
            reports_queue if report_staff else None,
            who=lambda i: report_staff[i % len(report_staff)][0],
            skip=missing("reports") or (None if report_staff else "no staff for the reports"),
        ),
        Scenario(
            "indicators_town",
            "page",
            "GET /fr/<town>/indicators/ (cards, 16 charts with tables), anonymous, towns in turn",
            indicators_town if indicator_towns else None,
            skip=missing("indicators"),
        ),
        Scenario(
            "indicators_region",
            "page",
            "GET /fr/regions/<region>/indicators/ (totals, members' table), anonymous",
            indicators_region if indicator_regions else None,
            skip=missing("indicators"),
        ),
        Scenario(
            "opendata_catalog",
            "page",
            "GET /api/v1/opendata/catalog (DCAT JSON-LD), anonymous",
            anonymous("/api/v1/opendata/catalog", b"dcat:Catalog"),
        ),
        Scenario(
            "opendata_page",
            "page",
            "GET /fr/open-data/ (the catalogue, every town in the filter), anonymous",
            anonymous("/fr/open-data/", b"opendata-list"),
        ),
        Scenario(
            "opendata_reports_geojson",
            "page",
            "GET /api/v1/opendata/datasets/problem-reports.geojson?municipality=<town> "
            "(the towns in turn), anonymous",
            opendata_reports if report_towns else None,
            skip=missing("reports"),
        ),
        Scenario(
            "diagnostic_results",
            "page",
            "GET /fr/<town>/staff/diagnostic/<id>/ (radar, recommendations, comparison), staff",
            diagnostic_results if diagnosed else None,
            who=lambda i: diagnosed[i % len(diagnosed)][0],
            skip=missing("diagnostic") or (None if diagnosed else "no staff for the diagnostic"),
        ),
        Scenario(
            "region_plans",
            "page",
            "GET /fr/regions/<region>/plans/ (members' plans), a member town's staff",
            region_plans if plan_regions else None,
            who=lambda i: plan_regions[i % len(plan_regions)][0],
            skip=missing("region_plans")
            or (None if plan_regions else "no staff to read the region's plans"),
        ),
        Scenario(
            "toolkit_list",
            "page",
            "GET /fr/toolkit/ (the courses with my progress), sample residents",
            as_resident(lambda _s: "/fr/toolkit/", b"course-list"),
            who=who,
            skip=missing("toolkit"),
        ),
        Scenario(
            "recognition_page",
            "page",
            "GET /fr/recognition/ (the badges, their first holders and evidence), anonymous",
            anonymous("/fr/recognition/", b"recognition-badge"),
            skip=missing("recognition"),
        ),
        Scenario(
            "recognition_town",
            "page",
            "GET /fr/recognition/<town>/ (a town's badges and their evidence), anonymous",
            recognition_town if recognition_towns else None,
            skip=missing("recognition") or (None if recognition_towns else "no town with badges"),
        ),
        Scenario(
            "events_region_agenda",
            "page",
            f"GET /fr/regions/{event_region}/events/ (the coming 60 days), anonymous",
            anonymous(f"/fr/regions/{event_region}/events/"),
            skip=missing("events"),
        ),
        Scenario(
            "events_city_agenda",
            "page",
            "GET /fr/<town>/events/?category=family&near=<its centre>&km=20&<this weekend> (the "
            "towns of the region in turn), anonymous",
            filtered_agenda if region_towns else None,
            skip=missing("events"),
        ),
        Scenario(
            "events_event_page",
            "page",
            "GET /fr/<town>/events/<id>/ (with its schema.org JSON-LD), anonymous",
            event_page if event_visits else None,
            skip=missing("events") or (None if event_visits else "no event with a coming date"),
        ),
        Scenario(
            "events_city_feed",
            "page",
            "GET /fr/<town>/events/calendar.ics (iCalendar), anonymous",
            city_feed if event_towns else None,
            skip=missing("events"),
        ),
        Scenario(
            "events_my_registrations",
            "page",
            "GET /fr/events/registrations/, residents with coming registrations",
            my_registrations if registered else None,
            who=lambda i: registrant(i)[0],
            skip=missing("events") or (None if registered else "no resident registered"),
        ),
        Scenario(
            "api_events_region",
            "page",
            f"GET /api/v1/events?region={event_region}, anonymous",
            anonymous(f"/api/v1/events?region={event_region}", b'"items"'),
            skip=missing("events"),
        ),
        Scenario(
            "budgets_page",
            "page",
            "GET /fr/<town>/participation/budgets/<id>/ (a budget's projects), anonymous",
            budget_page if budgets else None,
            skip=missing("budgets"),
        ),
        Scenario(
            "events_region_agenda_selector",
            "selector",
            "selectors.agenda over the region: the first 20 dates of the coming 60 days (in "
            "process, from today or one of the next 13 days)",
            target="milieu.events.bench:region_agenda",
            skip=missing("events"),
        ),
        Scenario(
            "events_city_agenda_selector",
            "selector",
            "selectors.agenda for a town: this weekend's family events within 20 km of its centre "
            "(in process, the towns of the region in turn)",
            target="milieu.events.bench:city_agenda",
            skip=missing("events"),
        ),
        Scenario(
            "participation_list",
            "page",
            "GET /fr/<town>/participation/ (under way, coming, past), anonymous",
            consultation_list if surveys else None,
            skip=missing("participation"),
        ),
        Scenario(
            "participation_survey_results",
            "page",
            "GET /fr/<town>/participation/<id>/results/ (a closed survey's charts), anonymous",
            survey_results if closed_surveys else None,
            skip=missing("participation") or (None if closed_surveys else "no closed survey"),
        ),
        Scenario(
            "participation_survey_results_selector",
            "selector",
            "results_surveys.compute of a closed survey (what closing it costs, in process)",
            target="milieu.participation.bench_surveys:survey_results",
            skip=missing("participation"),
        ),
        Scenario(
            "comment",
            "action",
            "POST /api/v1/community/posts/{id}/comments (residents, district posts)",
            comment if commentable else None,
            warm_up=False,
            skip=without(commentable, "commentable posts"),
        ),
        Scenario(
            "card_verify",
            "action",
            "POST /api/v1/cards/verify (sample residents' cards)",
            verify if with_cards else None,
            skip=None if with_cards else "no citizen card",
        ),
        Scenario(
            "till_purchase",
            "action",
            "POST /api/v1/rewards/till/purchase (merchants, residents' cards)",
            purchase if till else None,
            limit=len(till),
            warm_up=False,
            unit="postings",
            skip=missing("merchants") or (None if till else "the setup planned no purchase"),
        ),
        Scenario(
            "redemption",
            "action",
            "POST /api/v1/rewards/offers/{id}/redeem (sample residents)",
            redeem if accounts.redeem_plan else None,
            limit=len(accounts.redeem_plan),
            warm_up=False,
            unit="postings",
            skip=missing("offers")
            or (None if accounts.redeem_plan else "the setup planned no redemption"),
        ),
        Scenario(
            "proposals_call",
            "page",
            "GET /fr/<town>/participation/<call>/proposals/ (most supported first), anonymous",
            proposal_list if proposal_towns else None,
            skip=missing("proposals"),
        ),
        Scenario(
            "proposals_idea_page",
            "page",
            "GET /fr/<town>/participation/proposals/<id>/ (supports, the city's answer), anonymous",
            proposal_page if proposal_visits else None,
            skip=missing("proposals"),
        ),
        Scenario(
            "alert_fan_out",
            "fanout",
            f"a city-wide alert to {FAN_OUT_MUNICIPALITY}, sent by staff through the API",
            unit="people",
        ),
    ]


async def run_scenario(
    scenario: Scenario, base_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    assert scenario.make_call is not None
    session = new_session(args.concurrency)
    try:
        # One request alone first: a scenario whose first answer is wrong is not measured.
        probe = scenario.make_call(0)
        status, body = await send(session, base_url, probe)
        if status != probe.expect or (probe.must_contain and probe.must_contain not in body):
            stats = Stats(requests=1, errors=1, seconds=0.0)
            stats.error_samples.append(
                f"probe {probe.method} {probe.path}: HTTP {status}: {body[:400]!r}"
            )
            return stats.summary()
        first = 1
        if scenario.warm_up and args.warmup > 0:
            warm = await drive(
                session,
                base_url,
                scenario.make_call,
                concurrency=args.concurrency,
                max_requests=10**9,
                duration=args.warmup,
                first_index=1,
            )
            first += warm.requests  # the measured run goes on with the next requests
        limit = args.requests if scenario.limit is None else min(args.requests, scenario.limit - 1)
        stats = await drive(
            session,
            base_url,
            scenario.make_call,
            concurrency=args.concurrency,
            max_requests=limit,
            duration=args.duration,
            first_index=first,
        )
        summary = stats.summary()
        if scenario.who is not None and stats.requests:
            # The share of measured requests that were a person's first of the scenario (their
            # per-person cache entries were then empty, as after a login or an expiry).
            earlier = {scenario.who(i) for i in range(first)}
            seen, firsts = set(earlier), 0
            for i in range(first, first + stats.requests):
                person = scenario.who(i)
                if person not in seen:
                    seen.add(person)
                    firsts += 1
            summary["first_visits"] = round(firsts / stats.requests, 3)
        return summary
    finally:
        await session.close()


def run_in_process(
    scenario: Scenario, args: argparse.Namespace, env: dict[str, str], manifest: dict[str, Any]
) -> dict[str, Any]:
    """A selector called in a process of its own (`bench/in_process.py`), with the server's
    environment and database, one call at a time."""
    request = {
        "target": scenario.target,
        "manifest": manifest,
        "requests": args.requests,
        "duration": args.duration,
        "warmup": args.warmup,
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [PYTHON, "bench/in_process.py"],
        cwd=ROOT,
        env=env,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        failed = dict.fromkeys(("rps", "p50_ms", "p95_ms", "p99_ms", "bytes_per_response"))
        return failed | {"requests": 0, "errors": 1, "error_samples": [result.stderr[-600:]]}
    return json.loads(result.stdout)


async def run_fan_out(base_url: str, accounts: Accounts, admin: str, timeout: float) -> dict:
    """Staff writes a city-wide alert and sends it; the worker fans it out. Measured from the
    send request to the `sent_at` the worker writes after the last batch of notifications."""
    if not admin:
        return {"skipped": f"no administrator of {FAN_OUT_MUNICIPALITY} in the manifest"}
    session = new_session(2)
    base = f"/api/v1/municipalities/{FAN_OUT_MUNICIPALITY}/alerts"
    headers = accounts.headers(admin, post=True)
    try:
        payload = {
            "topic": "municipal_news",
            "title_fr": "Banc d'essai : avis à toute la ville",
            "body_fr": "Message de mesure de charge envoyé à toute la population.",
            "title_en": "Benchmark: notice to the whole city",
            "body_en": "A load-test message sent to everyone.",
        }
        status, body = await send(
            session, base_url, Call("POST", base, headers, json.dumps(payload).encode(), 201)
        )
        if status != 201:
            return {"errors": 1, "error_samples": [f"create: HTTP {status}: {body[:300]!r}"]}
        alert_id = json.loads(body)["id"]
        sent = time.time()
        status, body = await send(
            session, base_url, Call("POST", f"{base}/{alert_id}/send", headers)
        )
        send_ms = (time.time() - sent) * 1000
        if status != 200:
            return {"errors": 1, "error_samples": [f"send: HTTP {status}: {body[:300]!r}"]}
        deadline = time.monotonic() + timeout
        alert: dict[str, Any] = {}
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            status, body = await send(session, base_url, Call("GET", f"{base}/{alert_id}", headers))
            alert = json.loads(body) if status == 200 else {}
            if alert.get("status") == "sent":
                break
        else:
            return {"errors": 1, "error_samples": [f"not sent after {timeout:.0f} s: {alert}"]}
        finished = datetime.fromisoformat(alert["sent_at"]).timestamp()
        seconds = finished - sent
        status, body = await send(
            session, base_url, Call("GET", f"{base}/{alert_id}/deliveries", headers)
        )
        return {
            "errors": 0,
            "audience": alert["audience_size"],
            "seconds": round(seconds, 2),
            "people_per_second": round(alert["audience_size"] / seconds, 1) if seconds else None,
            "send_request_ms": round(send_ms, 1),
            "deliveries": json.loads(body).get("channels") if status == 200 else None,
        }
    finally:
        await session.close()


# --- The run ----------------------------------------------------------------------------------


def machine(database_version: str) -> dict[str, Any]:
    cpu_model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)

    def git(*args: str) -> str:
        git_path = shutil.which("git")
        if git_path is None:
            return ""
        result = subprocess.run(  # noqa: S603 - git with fixed arguments
            [git_path, *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "aiohttp": metadata.version("aiohttp"),
        "database": database_version,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def server_errors(logs: Path) -> list[str]:
    """The errors the server logged: the message and the exception's last line for each."""
    path = logs / "gunicorn.log"
    if not path.exists():
        return []
    errors = []
    with path.open(errors="replace") as lines:
        for line in lines:
            if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line:
                try:
                    entry = json.loads(line)
                except ValueError:
                    errors.append(line.strip()[:300])
                    continue
                cause = (entry.get("exc_info") or "").strip().splitlines()[-1:] or [""]
                errors.append(f"{entry.get('message', '')} {cause[0]}".strip()[:300])
            elif "[CRITICAL]" in line or "[ERROR]" in line:  # gunicorn's own
                errors.append(line.strip()[:300])
    return errors


async def measure(
    scenario_list: list[Scenario],
    base_url: str,
    args: argparse.Namespace,
    accounts: Accounts,
    admin: str,
    processes: Processes,
    env: dict[str, str],
    manifest: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for scenario in scenario_list:
        if args.only and scenario.name not in args.only and scenario.kind != "floor":
            continue
        processes.check_alive()
        if scenario.skip:
            log(f"{scenario.name}: skipped ({scenario.skip})")
            results[scenario.name] = {
                "kind": scenario.kind,
                "what": scenario.what,
                "skipped": scenario.skip,
            }
            continue
        if scenario.kind == "fanout":
            log(f"{scenario.name}: {scenario.what}")
            outcome = await run_fan_out(base_url, accounts, admin, args.fan_out_timeout)
        elif scenario.kind == "selector":
            outcome = run_in_process(scenario, args, env, manifest)
        else:
            outcome = await run_scenario(scenario, base_url, args)
        outcome |= {"kind": scenario.kind, "what": scenario.what, "unit": scenario.unit}
        results[scenario.name] = outcome
        log(f"{scenario.name}: {report.one_line(outcome)}")
    floor = results.get("floor", {}).get("rps")
    for outcome in results.values():
        if floor and outcome.get("rps") is not None and outcome["kind"] != "selector":
            outcome["floor_ratio"] = round(outcome["rps"] / floor, 3)
    return results


def run(args: argparse.Namespace) -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = DATA / "logs" / f"{stamp}-{args.backend}"
    logs.mkdir(parents=True, exist_ok=True)
    for old in sorted((DATA / "logs").iterdir())[:-KEEP_LOGS]:
        shutil.rmtree(old, ignore_errors=True)
    backend = Backend(
        args.backend, os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_SERVER).rstrip("/")
    )
    if backend.name == "postgresql":
        parts = urllib.parse.urlsplit(backend.server)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise HarnessError("BENCH_DATABASE_URL must point to a server on the loopback")
        backend.server = urllib.parse.urlunsplit(parts._replace(path="", query=""))
    database_version = backend.version()  # and PostgreSQL answers, before anything is dropped
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    redis_flush(redis_url)
    port, smtp_port = free_port(), free_port()
    env = production_env(
        database_url=backend.url("run"), redis_url=redis_url, smtp_port=smtp_port, site_port=port
    )
    load_before = os.getloadavg()
    started_at = datetime.now(UTC)
    build = build_dataset(backend, env, scale=args.scale, reuse=args.reuse)
    manifest = build["manifest"]
    log("collectstatic and compile_catalogues (production needs both)")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "compile_catalogues", capture=True)
    config = ServerConfig(
        workers=args.workers, threads=args.threads, pool_max=args.pool_max, profile=args.profile
    )
    processes = Processes(logs)
    try:
        start_services(processes, env, config, port=port, smtp_port=smtp_port)
        base_url = f"http://127.0.0.1:{port}"
        log(f"{config.describe(backend.name)} on {base_url}; task worker and SMTP sink started")
        limit = max(args.requests, 1) + 1
        accounts, roles = setup_accounts(manifest, env, limit=limit)
        asyncio.run(fetch_card_tokens(base_url, accounts))
        run_id = secrets.token_hex(4)
        scenario_list = scenarios(accounts, manifest, run_id)
        results = asyncio.run(
            measure(
                scenario_list, base_url, args, accounts, roles["admin"], processes, env, manifest
            )
        )
        processes.check_alive()
    finally:
        processes.stop_all()
    errors_logged = server_errors(logs)
    outcome: dict[str, Any] = {
        "backend": backend.name,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(database_version) | {"load_before": [round(x, 2) for x in load_before]},
        "server": {
            "description": config.describe(backend.name),
            "workers": config.workers,
            "threads": config.threads,
            "db_pool_max": (config.pool_max or 10) if backend.name == "postgresql" else None,
            "cache": "Redis",
            "settings": "config.settings.production",
        },
        "load": {
            "concurrency": args.concurrency,
            "max_requests": args.requests,
            "max_seconds": args.duration,
            "warm_up_seconds": args.warmup,
        },
        "dataset": {
            "scale": build["scale"],
            "seed": manifest.get("seed"),
            "built_on": manifest.get("built_on"),
            "counts": manifest.get("counts", {}),
            "generate_seconds": manifest.get("seconds"),
            "generator_seconds": manifest.get("timings", {}),
            "migrate_seconds": build.get("migrate_seconds"),
            "vacuum_seconds": build.get("vacuum_seconds"),
            "copy_seconds": build.get("copy_seconds"),
            "reused": build.get("reused", False),
        },
        "scenarios": results,
        "server_errors_logged": len(errors_logged),
        "server_error_samples": errors_logged[:5],
        "logs": str(logs.relative_to(ROOT)),
    }
    outcome["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    outcome["budgets"] = report.check_budgets(outcome)
    # A smaller run keeps its own file: it never replaces the day's full-scale results.
    suffix = "" if args.scale == 1 else f"-scale{args.scale:g}"
    path = RESULTS / f"{datetime.now():%Y-%m-%d}-{backend.name}{suffix}.json"
    path.write_text(json.dumps(outcome, indent=1, ensure_ascii=False) + "\n")
    report.write_performance_doc(RESULTS, ROOT / "docs" / "performance.md")
    print()
    print(report.console_table(outcome))
    log(
        f"results: {path.relative_to(ROOT)}; docs/performance.md regenerated; logs: {outcome['logs']}"
    )
    for error in errors_logged[:3]:
        log(f"the server logged: {error}")
    failed = [check for check in outcome["budgets"] if not check["passed"]]
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 300,000 residents")
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--reuse", action="store_true", help="keep the dataset if it matches")
    parser.add_argument("--concurrency", type=int, default=32, help="clients in the closed loop")
    parser.add_argument("--requests", type=int, default=4000, help="at most, per scenario")
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds at most, per scenario"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--workers", type=int, default=2 * cpus + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument(
        "--profile",
        metavar="PATTERN",
        help="profile, in the server's workers, the requests whose path matches this regular "
        "expression (bench/gunicorn_profile.py; files in bench/.data/profiles/)",
    )
    parser.add_argument(
        "--pool-max", type=int, help="psycopg pool size per worker (default: production's)"
    )
    parser.add_argument("--fan-out-timeout", type=float, default=1800.0)
    parser.add_argument("--only", nargs="*", help="scenarios to run (the floor always runs)")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    # Ctrl-C, and SIGINT even when a shell started us in the background with it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the `finally` blocks
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    try:
        sys.exit(run(args))
    except HarnessError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("bench: interrupted; every process it started was stopped", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
