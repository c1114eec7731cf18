"""The proposals' part of the benchmark dataset, built at a tiny scale: every count agrees with
its rows, the threshold dates with the counts, and the manifest names the calls."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter

from ..models import Consultation, Proposal, Support

pytestmark = pytest.mark.django_db
READS = {"territory", "accounts"}


@pytest.fixture
def built():
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.002, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    for generator in bench.generators():
        if generator.name in READS | {"participation_proposals"}:
            generator.generate(ctx)
    connection.check_constraints()
    return ctx


def test_the_generator_comes_after_the_accounts():
    names = [generator.name for generator in bench.generators()]
    assert names.index("participation_proposals") > names.index("accounts")


def test_counts_thresholds_and_the_manifest_agree_with_the_rows(built):
    assert Proposal.objects.exists() and Support.objects.exists()
    for idea in Proposal.objects.annotate(n=Count("supports")).select_related("consultation"):
        assert idea.support_count == idea.n
        assert idea.author_id not in set(idea.supports.values_list("user_id", flat=True))
        reached = idea.support_count >= idea.consultation.support_threshold
        assert (idea.threshold_reached_at is not None) == reached
        assert idea.answered_at is None or reached
    assert Proposal.objects.filter(threshold_reached_at__isnull=False, answered_at=None).exists()
    for slug, town in built.manifest["proposals"].items():
        call = Consultation.objects.get(pk=town["consultation"])
        assert (call.municipality.slug, call.kind, call.phases.count()) == (slug, "proposals", 3)
        assert set(town["proposals"]) <= set(call.proposals.values_list("pk", flat=True))
