"""The surveys' part of the benchmark dataset, built at a tiny scale: its counts agree with its
rows, one ballot per response, closed surveys have their results, and the manifest names them."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter

from .. import bench_surveys
from ..models import Answer, Ballot, Consultation, SurveyResponse

pytestmark = pytest.mark.django_db
READS = {"territory", "accounts"}


def test_the_generator_writes_consistent_surveys():
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _l: None
    )
    for generator in bench.generators():
        if generator.name in READS:
            generator.generate(ctx)
    counts = bench_surveys.generate(ctx)
    connection.check_constraints()
    assert counts["consultations"] == Consultation.objects.count() > 0
    assert counts["survey_responses"] == SurveyResponse.objects.count() == Ballot.objects.count()
    assert counts["survey_answers"] == Answer.objects.count()
    assert SurveyResponse.objects.filter(user__isnull=False).count() == 0
    closed = Consultation.objects.filter(status="closed")
    assert closed.count() == 2 * len(ctx.state["municipalities"])
    for consultation in closed:
        assert consultation.results["responses"] == consultation.survey_responses.count()
    manifest = ctx.manifest["participation"]
    assert sorted(i for town in manifest.values() for i in town["closed"]) == sorted(
        closed.values_list("pk", flat=True)
    )
    make = bench_surveys.survey_results(ctx.manifest)
    assert make(0)() == 5
