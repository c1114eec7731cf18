"""The reports module's part of the benchmark dataset, built at a tiny scale: its counts agree
with its rows, every row is what the services would have left, the pages read it, and the same
seed gives the same rows."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.core.testing import client_for
from milieu.territory.models import Municipality

from ..bench import CATEGORIES, DEPARTMENTS
from ..models import CLOSED_STATUSES, Department, Report, ReportUpdate, ServiceCategory

pytestmark = pytest.mark.django_db
SCALE = 0.003
SEED = 2026
READS = {"territory", "accounts"}


def _context(now: datetime) -> BenchContext:
    return BenchContext(
        scale=SCALE, seed=SEED, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )


def _build() -> tuple[BenchContext, dict[str, int]]:
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = _context(now)
    counts: dict[str, int] = {}
    for generator in bench.generators():
        if generator.name in READS | {"reports"}:
            counts = generator.generate(ctx)
    connection.check_constraints()
    return ctx, counts


@pytest.fixture
def built():
    return _build()


def test_the_generator_is_registered_after_the_accounts_it_reads():
    names = [generator.name for generator in bench.generators()]
    assert names.index("reports") > names.index("accounts")


def test_the_counts_are_the_rows_and_every_town_has_its_categories(built):
    ctx, counts = built
    towns = len(ctx.state["municipalities"])
    assert counts == {
        "report departments": Department.objects.count(),
        "report categories": ServiceCategory.objects.count(),
        "reports": Report.objects.count(),
        "report updates": ReportUpdate.objects.count(),
    }
    assert Department.objects.count() == towns * len(DEPARTMENTS)
    assert ServiceCategory.objects.count() == towns * len(CATEGORIES)
    for municipality in Municipality.objects.filter(
        pk__in=[m["id"] for m in ctx.state["municipalities"]]
    ):
        assert "reports" in municipality.enabled_modules


def test_every_report_is_as_the_services_leave_it(built):
    for report in Report.objects.select_related("category"):
        assert report.category.municipality_id == report.municipality_id
        assert report.cell and report.cell_r7 and report.latitude is not None
        assert (report.closed_at is not None) == (report.status in CLOSED_STATUSES)
        steps = list(report.updates.order_by("created_at", "pk"))
        assert steps[0].status_to == "open"
        assert steps[-1].status_to == report.status
    assert len(set(Report.objects.values_list("token", flat=True))) == Report.objects.count()


def test_the_manifest_names_a_staff_member_and_reports_the_pages_show(built):
    ctx, _counts = built
    towns = ctx.manifest["reports"]["towns"]
    slug, town = next(iter(towns.items()))
    assert town["staff"] and town["reports"]
    from milieu.accounts.models import User

    staff = User.objects.get(email=town["staff"])
    response = client_for(staff).get(reverse("reports_staff:queue", args=[slug]))
    assert response.status_code == 200
    public = client_for(None).get(reverse("reports:home", args=[slug]))
    assert f"/reports/{town['reports'][0]}/" in public.content.decode()


def test_the_same_seed_gives_the_same_rows(built):
    ctx, _counts = built

    def rows() -> list[tuple]:
        return list(
            Report.objects.order_by("pk").values_list(
                "municipality", "category__code", "status", "latitude", "requested_at"
            )
        )

    first = rows()
    ReportUpdate.objects.all().delete()
    Report.objects.all().delete()
    ServiceCategory.objects.all().delete()
    Department.objects.all().delete()
    again = _context(ctx.now)
    again.state, again.manifest = ctx.state, dict(ctx.manifest)
    next(g for g in bench.generators() if g.name == "reports").generate(again)
    assert rows() == first
