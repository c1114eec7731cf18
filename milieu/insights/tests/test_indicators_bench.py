"""The indicators' part of the benchmark dataset, built at a tiny scale over every other
generator's rows: the real computation runs, its figures agree with the data, the manifest
names pages that answer, and the same seed gives the same figures."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.core.testing import client_for
from milieu.reports.models import Report

from ..models import ActiveResidentsCount, IndicatorValue

pytestmark = pytest.mark.django_db
SCALE = 0.003
SEED = 2026


def _build() -> tuple[BenchContext, dict[str, int]]:
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = BenchContext(
        scale=SCALE, seed=SEED, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    counts: dict[str, int] = {}
    for generator in bench.generators():
        if generator.order <= 300:
            counts = generator.generate(ctx)
    return ctx, counts


@pytest.fixture
def built():
    return _build()


def test_the_generator_comes_after_every_app_s_data():
    orders = {generator.name: generator.order for generator in bench.generators()}
    assert orders["indicators"] == 300
    assert all(order < 300 for name, order in orders.items() if name in {
        "territory", "accounts", "reports", "community", "exchange", "volunteering", "events",
        "rewards",
    })  # fmt: skip


def test_the_counts_are_the_rows_and_the_figures_agree_with_the_data(built):
    ctx, counts = built
    towns = len(ctx.state["municipalities"])
    assert counts == {
        "monthly active counters": towns * 12,
        "indicator values": IndicatorValue.objects.count(),
    }
    assert ActiveResidentsCount.objects.count() == towns * 12
    received = sum(
        IndicatorValue.objects.filter(
            municipality__isnull=False, metric="reports_received"
        ).values_list("value", flat=True)
    )
    first = min(IndicatorValue.objects.values_list("month", flat=True))
    assert received == Report.objects.filter(requested_at__date__gte=first).count() > 0
    computed = set(IndicatorValue.objects.values_list("metric", flat=True))
    assert {"accounts", "active_residents", "reports_received", "posts"} <= computed
    assert IndicatorValue.objects.filter(region__isnull=False).exists()


def test_the_manifest_names_town_and_region_pages_that_answer(built):
    ctx, _counts = built
    manifest = ctx.manifest["indicators"]
    client = client_for()
    town_page = client.get(reverse("indicators:town", args=[manifest["towns"][0]]))
    region_page = client.get(reverse("region_indicators:region", args=[manifest["regions"][0]]))
    assert town_page.status_code == region_page.status_code == 200
    assert b"<svg" in town_page.content and b"<svg" in region_page.content


def test_the_same_seed_gives_the_same_figures(built):
    ctx, _counts = built

    def figures():
        return sorted(
            IndicatorValue.objects.values_list(
                "municipality_id", "region_id", "metric", "month", "value", "basis"
            ),
            key=str,
        )

    first = figures()
    ActiveResidentsCount.objects.all().delete()
    IndicatorValue.objects.all().delete()
    again = BenchContext(
        scale=SCALE,
        seed=SEED,
        now=ctx.now,
        writer=BulkWriter(now=ctx.now),
        state=ctx.state,
        log=lambda _line: None,
    )
    next(g for g in bench.generators() if g.name == "indicators").generate(again)
    assert figures() == first
