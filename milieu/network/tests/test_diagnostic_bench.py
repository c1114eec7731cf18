"""The diagnostic's and plans' part of the benchmark dataset at a tiny scale: the rows agree with
what the services would compute, the pages read them, and the manifest names what the harness
needs."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from milieu.accounts.models import User
from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.core.testing import client_for
from milieu.network.models import Diagnostic, DiagnosticStatus, PlanAction
from milieu.network.questions import QUESTIONS, score

pytestmark = pytest.mark.django_db


def test_the_generated_diagnostics_and_plans():
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    for generator in bench.generators():
        if generator.name in {"territory", "accounts", "diagnostic", "plans"}:
            generator.generate(ctx)
    ctx.writer.finish()
    connection.check_constraints()
    completed = Diagnostic.objects.filter(status=DiagnosticStatus.COMPLETED)
    assert completed.count() >= 2
    for diagnostic in completed.prefetch_related("answers"):
        answers = {a.question: a.level for a in diagnostic.answers.all()}
        assert len(answers) == len(QUESTIONS)
        assert (diagnostic.scores, diagnostic.overall) == score(answers)
    assert PlanAction.objects.count() >= 3 * len(
        set(completed.values_list("municipality", flat=True))
    )
    slug, town = next(iter(sorted(ctx.manifest["diagnostic"].items())))
    staff = User.objects.get(email=town["staff"])
    page = client_for(staff).get(reverse("diagnostic:detail", args=[slug, town["latest"]]))
    assert page.status_code == 200
    region, email = next(iter(sorted(ctx.manifest["region_plans"].items())))
    admin = User.objects.get(email=email)
    assert client_for(admin).get(reverse("region_plans:index", args=[region])).status_code == 200
