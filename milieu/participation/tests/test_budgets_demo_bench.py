from datetime import UTC, datetime

import pytest

from milieu.core.bench import BenchContext, BulkWriter

from .. import bench_budgets, demo_budgets
from ..models import Ballot, BudgetProject, BudgetVote, Consultation
from .factories_budgets import resident, town

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_to_the_same_rows():
    brossard = town(slug="brossard", name="Brossard", modules=())
    town(slug="ville-marie", name="Ville-Marie", modules=())
    first = demo_budgets.load()
    demo_budgets.load()
    assert len(first) == 2
    assert Consultation.objects.filter(kind="budget").count() == 2
    open_one = Consultation.objects.get(municipality=brossard)
    assert (open_one.status, open_one.budget_amount) == ("published", 500000)
    assert open_one.budget_projects.count() == 6
    closed = Consultation.objects.get(municipality__slug="ville-marie")
    assert closed.status == "closed"
    assert closed.results["voters"] == 41
    assert list(
        BudgetProject.objects.filter(consultation=closed, selected=True)
        .order_by("position")
        .values_list("title_fr", flat=True)
    ) == ["Quai public rénové", "Patinoire extérieure éclairée", "Boîtes à livres"]
    brossard.refresh_from_db()
    assert "participation" in brossard.enabled_modules


def test_the_bench_generator_writes_budgets_and_votes():
    m = town()
    people = [resident(m) for _ in range(30)]
    now = datetime(2026, 12, 7, tzinfo=UTC)
    ctx = BenchContext(
        scale=1.0,
        seed=7,
        now=now,
        writer=BulkWriter(now=now),
        state={
            "municipalities": [{"id": m.pk, "slug": m.slug}],
            "residents": {m.pk: range(people[0].pk, people[-1].pk + 1)},
        },
    )
    counts = bench_budgets.generate(ctx)
    consultation = Consultation.objects.get(municipality=m, kind="budget")
    assert ctx.manifest["budgets"] == {m.slug: consultation.pk}
    assert counts["participation_budgetproject"] == 8
    assert BudgetVote.objects.filter(consultation=consultation, user=None).count() == (
        Ballot.objects.filter(consultation=consultation).count()
    )
    assert Ballot.objects.filter(consultation=consultation).count() >= 1
