"""The practices' part of the benchmark dataset, at a tiny scale: practices with shared tags,
adoptions never by the practice's own town and at most once per town, rows that the pages read."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count, F

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.network.models import Adoption, Practice, PracticeTag
from milieu.network.selectors_practices import Filters, practice_search

pytestmark = pytest.mark.django_db


def test_the_generated_practices_are_consistent_and_searchable():
    now = datetime(2026, 12, 7, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    for generator in bench.generators():
        if generator.name in {"territory", "accounts", "practices"}:
            generator.generate(ctx)
    connection.check_constraints()
    towns = len(ctx.state["municipalities"])
    assert Practice.objects.count() == 3 * towns
    assert PracticeTag.objects.count() == 40
    assert not Adoption.objects.filter(municipality=F("practice__municipality")).exists()
    assert not (
        Adoption.objects.values("practice", "municipality")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    assert not Adoption.objects.filter(practice__status="draft").exists()
    manifest = ctx.manifest["practices"]
    assert manifest["ids"]
    assert Practice.objects.filter(pk__in=manifest["ids"], status="published").count() == len(
        manifest["ids"]
    )
    assert any(practice_search(filters=Filters(query=word))[0] for word in manifest["words"])
    assert all(practice_search(filters=Filters(tag=tag))[0] is not None for tag in manifest["tags"])
