"""The toolkit's demo (idempotent) and its part of the benchmark dataset (tiny scale)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from milieu.accounts import demo as accounts_demo
from milieu.core import bench, demo
from milieu.core.bench import BenchContext, BulkWriter
from milieu.core.testing import client_for
from milieu.network import demo_toolkit
from milieu.network.models import CoachingRequest, Course, Lesson, LessonCompletion
from milieu.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loader_comes_after_the_accounts_at_order_220():
    loaders = {loader.name: loader for loader in demo.loaders()}
    assert loaders["toolkit"].order == 220
    assert loaders["accounts"].order < 220


def test_the_demo_toolkit_is_idempotent():
    territory_demo.load()
    accounts_demo.load()
    demo_toolkit.load()
    counts = (
        Course.objects.count(),
        Lesson.objects.count(),
        LessonCompletion.objects.count(),
        CoachingRequest.objects.count(),
    )
    demo_toolkit.load()
    assert (
        (
            Course.objects.count(),
            Lesson.objects.count(),
            LessonCompletion.objects.count(),
            CoachingRequest.objects.count(),
        )
        == counts
        == (4, 7, 3, 1)
    )
    request = CoachingRequest.objects.get()
    assert (request.user.email, request.municipality.slug) == (
        "resident@demo.milieu.test",
        "ville-marie",
    )


def test_the_generated_toolkit_is_consistent_and_the_list_reads_it():
    now = datetime(2026, 12, 7, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    counts = {}
    for generator in bench.generators():
        if generator.name in {"territory", "accounts", "toolkit"}:
            counts = generator.generate(ctx)
    connection.check_constraints()
    assert Course.objects.count() == counts["courses"] + 3 == ctx.manifest["toolkit"]["courses"]
    assert Lesson.objects.filter(course__key__startswith="bench-").count() == counts["lessons"]
    assert LessonCompletion.objects.count() == counts["completions"] > 0
    assert CoachingRequest.objects.count() == counts["coaching_requests"] > 0
    assert counts["courses"] >= 25
    sample = next(iter(ctx.state["sample_residents"].values()))[0]
    from milieu.accounts.models import User

    page = client_for(User.objects.get(pk=sample)).get(reverse("toolkit:list"))
    assert page.status_code == 200 and b"course-list" in page.content
