"""The council's part of the benchmark dataset, built at a tiny scale: its counts agree with its
rows, the meetings are those the services would leave, and the manifest names a coming one."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from milieu.core import bench
from milieu.core.bench import BenchContext, BulkWriter
from milieu.participation.models import AgendaItem, CitizenQuestion, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db
READS = {"territory", "accounts"}


def test_the_generator_writes_meetings_agendas_and_questions():
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    ctx = BenchContext(
        scale=0.003, seed=2026, now=now, writer=BulkWriter(now=now), log=lambda _line: None
    )
    counts = {}
    for generator in bench.generators():
        if generator.name in READS | {"council"}:
            counts = generator.generate(ctx)
    ctx.writer.finish()
    connection.check_constraints()
    assert counts == {
        "participation_meeting": Meeting.objects.count(),
        "participation_agendaitem": AgendaItem.objects.count(),
        "participation_citizenquestion": CitizenQuestion.objects.count(),
    }
    assert counts["participation_meeting"] > 0 and counts["participation_citizenquestion"] > 0
    for meeting in Meeting.objects.all():
        assert meeting.questions_close_at <= meeting.starts_at
        assert (meeting.status == MeetingStatus.HELD) == (meeting.starts_at < now)
    coming = Meeting.objects.get(pk=ctx.manifest["council"]["meeting"])
    assert coming.status == MeetingStatus.PUBLISHED
    assert coming.municipality.slug == ctx.manifest["council"]["municipality"]
    assert "council" in coming.municipality.enabled_modules
