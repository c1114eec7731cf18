"""Benchmark data of council meetings: in every municipality, two years of monthly regular
meetings (the past ones held, most with minutes; the next ones published), each with an agenda
of eight items and residents' questions, about one per 400 residents and meeting. Leaves in the
manifest, for the harness, the municipality with the most meetings and one of its meetings."""

from __future__ import annotations

from datetime import timedelta

from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality

from .models import AgendaItem, CitizenQuestion, Meeting, MeetingStatus, QuestionStatus
from .permissions_council import MODULE

PAST_MEETINGS = 22
COMING_MEETINGS = 2
ITEMS = 8
RESIDENTS_PER_QUESTION = 400
MINUTES = "Le conseil siège.\n\nL'ordre du jour est adopté.\n\nLa séance est levée."


def _switch_module_on(municipalities: list[dict]) -> None:
    for municipality in Municipality.objects.filter(pk__in=[m["id"] for m in municipalities]):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("council")
    writer, now = ctx.writer, ctx.now
    municipalities = ctx.state["municipalities"]
    _switch_module_on(municipalities)
    per_town = PAST_MEETINGS + COMING_MEETINGS
    meeting_first = writer.reserve(Meeting, per_town * len(municipalities))
    item_first = writer.reserve(AgendaItem, per_town * ITEMS * len(municipalities))
    meetings, items, questions = [], [], []
    meeting_id, item_id = meeting_first, item_first
    sample = None
    for municipality in municipalities:
        mid = municipality["id"]
        residents = ctx.state["residents"].get(mid) or []
        staff = (ctx.state.get("staff", {}).get(mid) or [None])[0]
        per_meeting = max(1, len(residents) // RESIDENTS_PER_QUESTION)
        for number in range(per_town):
            months = number - PAST_MEETINGS + 1  # the last past meeting ~ last month
            starts_at = now + timedelta(days=30 * months - 10, hours=23, minutes=30)
            past = starts_at < now
            status = MeetingStatus.HELD if past else MeetingStatus.PUBLISHED
            minutes = MINUTES if past and rng.random() < 0.9 else ""
            meetings.append(
                (
                    meeting_id,
                    mid,
                    "regular",
                    f"Séance ordinaire no {number + 1}",
                    "fr",
                    starts_at,
                    "Hôtel de ville",
                    status,
                    starts_at - timedelta(hours=2),
                    minutes,
                    starts_at + timedelta(days=7) if minutes else None,
                    staff,
                    starts_at - timedelta(days=14),
                    starts_at - timedelta(days=14),
                )
            )
            first_item = item_id
            for position in range(1, ITEMS + 1):
                items.append(
                    (item_id, meeting_id, position, str(position), f"Point {position}", "")
                )
                item_id += 1
            if residents:
                for _ in range(rng.randint(0, 2 * per_meeting)):
                    asked = starts_at - timedelta(days=rng.randint(1, 10))
                    item = rng.choice([None, *range(first_item, item_id)])
                    answered = past and rng.random() < 0.6
                    questions.append(
                        (
                            meeting_id,
                            item,
                            rng.choice(residents),
                            "Quand les travaux commenceront-ils dans mon quartier ?",
                            asked,
                            QuestionStatus.ANSWERED if answered else QuestionStatus.SUBMITTED,
                            "Au printemps." if answered else "",
                            starts_at if answered else None,
                        )
                    )
            if sample is None and not past:
                sample = (municipality["slug"], meeting_id)
            meeting_id += 1
    writer.insert(
        Meeting,
        [
            "id",
            "municipality_id",
            "kind",
            "title_fr",
            "original_language",
            "starts_at",
            "place",
            "status",
            "questions_close_at",
            "minutes",
            "minutes_published_at",
            "created_by_id",
            "created_at",
            "published_at",
        ],
        meetings,
    )
    writer.insert(
        AgendaItem, ["id", "meeting_id", "position", "number", "title", "description"], items
    )
    question_first = writer.reserve(CitizenQuestion, len(questions))
    writer.insert(
        CitizenQuestion,
        [
            "id",
            "meeting_id",
            "agenda_item_id",
            "author_id",
            "text",
            "created_at",
            "status",
            "answer",
            "answered_at",
        ],
        ((question_first + i, *row) for i, row in enumerate(questions)),
    )
    if sample is not None:
        ctx.manifest["council"] = {"municipality": sample[0], "meeting": sample[1]}
    return {
        "participation_meeting": len(meetings),
        "participation_agendaitem": len(items),
        "participation_citizenquestion": len(questions),
    }
