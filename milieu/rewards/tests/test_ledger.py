"""The ledger: double-entry, idempotent, append-only, never below zero, even under contention."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from milieu.accounts.tests.factories import UserFactory
from milieu.core.errors import ApplicationError, Conflict
from milieu.rewards import ledger
from milieu.rewards.models import Account, Entry, Posting, Program
from milieu.territory.tests.factories import MunicipalityFactory


@pytest.fixture
def program(db) -> Program:
    return Program.objects.create(municipality=MunicipalityFactory(), name="Points Brossard")


def award(program, user, points: int, key: str) -> Posting:
    issuance = ledger.program_account(program, Account.Kind.ISSUANCE)
    return ledger.post(
        program=program,
        key=key,
        kind="award",
        entries=[(issuance, -points), (ledger.wallet(program, user), points)],
    )


def spend(program, user, points: int, key: str) -> Posting:
    services = ledger.program_account(program, Account.Kind.MUNICIPAL_SERVICES)
    return ledger.post(
        program=program,
        key=key,
        kind="redeem",
        entries=[(ledger.wallet(program, user), -points), (services, points)],
    )


def balance(program, user) -> int:
    return ledger.wallet(program, user).balance


def test_a_posting_moves_points_and_balances_follow(program):
    user = UserFactory()
    award(program, user, 100, "award-1")
    spend(program, user, 30, "spend-1")
    assert balance(program, user) == 70
    assert ledger.program_account(program, Account.Kind.ISSUANCE).balance == -100
    assert ledger.check().ok


def test_replaying_a_key_returns_the_first_posting_and_moves_nothing(program):
    user = UserFactory()
    first = award(program, user, 100, "award-1")
    again = award(program, user, 100, "award-1")
    assert again.pk == first.pk
    assert balance(program, user) == 100
    assert Entry.objects.count() == 2


def test_the_same_key_with_other_content_is_refused_and_moves_nothing(program):
    user = UserFactory()
    award(program, user, 100, "award-1")
    with pytest.raises(Conflict) as refused:
        award(program, user, 500, "award-1")
    assert refused.value.code == "idempotency_conflict"
    assert balance(program, user) == 100


def test_a_wallet_never_goes_below_zero(program):
    user = UserFactory()
    award(program, user, 10, "award-1")
    with pytest.raises(ledger.InsufficientPoints):
        spend(program, user, 11, "spend-1")
    assert balance(program, user) == 10
    assert not Posting.objects.filter(key="spend-1").exists()


@pytest.mark.parametrize(
    "amounts",
    [[100, -99], [0, 0], [100], [1.5, -1.5], [True, -1]],
    ids=["unbalanced", "zero", "one-sided", "fractions", "booleans"],
)
def test_malformed_postings_are_refused(program, amounts):
    accounts = [
        ledger.program_account(program, Account.Kind.ISSUANCE),
        ledger.wallet(program, UserFactory()),
    ]
    with pytest.raises(ApplicationError):
        ledger.post(
            program=program,
            key="k",
            kind="award",
            entries=list(zip(accounts, amounts, strict=False)),
        )
    assert Posting.objects.count() == 0


def test_an_account_of_another_program_is_refused(program):
    other = Program.objects.create(municipality=MunicipalityFactory(), name="Ailleurs")
    with pytest.raises(ApplicationError):
        ledger.post(
            program=program,
            key="k",
            kind="award",
            entries=[
                (ledger.program_account(program, Account.Kind.ISSUANCE), -5),
                (ledger.wallet(other, UserFactory()), 5),
            ],
        )


def test_the_database_refuses_a_negative_wallet_even_without_the_service(program):
    wallet = ledger.wallet(program, UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=wallet.pk).update(balance=-1)


@pytest.mark.parametrize("operation", ["update", "delete"])
@pytest.mark.parametrize("model", [Entry, Posting])
def test_entries_and_postings_are_append_only_in_the_database(program, operation, model):
    award(program, UserFactory(), 100, "award-1")
    rows = model.objects.all()
    with pytest.raises(DatabaseError), transaction.atomic():
        if operation == "update":
            if model is Entry:
                rows.update(amount=1_000_000)
            else:
                rows.update(memo="altered")
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    assert sorted(Entry.objects.values_list("amount", flat=True)) == [-100, 100]


def test_the_check_command_finds_a_tampered_balance_and_repairs_the_cache(program):
    user = UserFactory()
    award(program, user, 100, "award-1")
    wallet = ledger.wallet(program, user)
    Account.objects.filter(pk=wallet.pk).update(balance=250)  # the cache, not the ledger

    with pytest.raises(CommandError):
        call_command("rewards_check", stdout=StringIO())
    out = StringIO()
    call_command("rewards_check", "--repair", stdout=StringIO())
    call_command("rewards_check", stdout=out)
    assert "The ledger is consistent." in out.getvalue()
    assert balance(program, user) == 100


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_redemptions_from_a_wallet_that_affords_50():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locks under real concurrency are PostgreSQL's; SQLite serialises writers "
            "(IMMEDIATE). The PostgreSQL leg of CI runs this test."
        )
    program = Program.objects.create(municipality=MunicipalityFactory(), name="Points")
    user = UserFactory()
    award(program, user, 50, "seed")
    start = threading.Barrier(200)
    connections_in_use = threading.BoundedSemaphore(40)  # PostgreSQL allows 100 connections
    results: list[str] = []
    lock = threading.Lock()

    def redeem(index: int) -> None:
        start.wait()
        with connections_in_use:
            try:
                spend(program, user, 1, f"redeem-{index}")
                outcome = "ok"
            except ledger.InsufficientPoints:
                outcome = "refused"
            finally:
                connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("ok") == 50
    assert results.count("refused") == 150
    assert balance(program, user) == 0
    report = ledger.check()
    assert report.ok, report
    assert report.total == 0
