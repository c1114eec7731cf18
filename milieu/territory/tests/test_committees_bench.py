"""The committees' part of the benchmark dataset, at a tiny scale: every region's five committees
with its towns seated, and results that agree with the votes, as the services record them."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.territory import services_committees as services
from milieu.territory.models import Committee, Motion, MotionRound

pytestmark = pytest.mark.django_db


def test_the_generated_committees_agree_with_their_votes():
    now = datetime(2026, 12, 7, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    for generator in bench.generators():
        if generator.name in {"territory", "accounts", "committees"}:
            generator.generate(ctx)
    connection.check_constraints()
    assert Committee.objects.filter(region__slug="idees-collectives").count() == 5
    numbers = ctx.manifest["committees"]["idees-collectives"]["committees"]
    assert sorted(numbers) == ["communication", "legal", "produit", "redaction", "strategique"]
    assert Motion.objects.filter(committee__region__slug="idees-collectives").count() == 25
    for vote_round in MotionRound.objects.select_related("motion"):
        counts = services.tally(vote_round.motion, vote_round.kind)
        assert (vote_round.yes, vote_round.no, vote_round.abstain) == (
            counts["yes"],
            counts["no"],
            counts["abstain"],
        )
        assert vote_round.population_yes == counts["pop_yes"]
        assert vote_round.population_no == counts["pop_no"]
    for motion in Motion.objects.all():
        last = motion.rounds.get(kind=motion.stage)
        assert motion.status == last.outcome
