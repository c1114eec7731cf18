"""The recognition part of the benchmark dataset, at a tiny scale: criteria and awards that
satisfy the constraints, one current award per criterion and town at most, and a manifest."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.network.models import Award, Criterion
from milieu.territory.models import Region

pytestmark = pytest.mark.django_db


def test_the_generated_badges_hold_together():
    now = datetime(2026, 12, 7, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    for generator in bench.generators():
        if generator.name in {"territory", "recognition"}:
            generator.generate(ctx)
    connection.check_constraints()
    assert Criterion.objects.filter(region=None).count() == 2
    assert Criterion.objects.exclude(region=None).count() == Region.objects.count()
    assert Award.objects.filter(lapsed_at__isnull=True).exists()
    assert Award.objects.filter(lapsed_at__isnull=False).exists()
    assert not (
        Award.objects.filter(lapsed_at__isnull=True)
        .values("criterion", "municipality")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    for award in Award.objects.select_related("criterion").exclude(criterion__region=None):
        assert award.municipality.region_id == award.criterion.region_id
    manifest = ctx.manifest["recognition"]
    assert len(manifest["badges"]) == Criterion.objects.count()
    assert manifest["towns"]
