"""The benchmark dataset's consultations (`manage.py bench_generate`): in every municipality, a
few surveys of five questions (one choice, several choices, a scale, a ranking, a free text),
closed ones with their results computed, open ones being answered, one to come and one draft;
each answered by a share of the town's residents (one ballot each, secret responses with random
keys). Leaves in the manifest, for the load harness, each town's closed surveys
(`participation`: {slug: {"closed": [ids], "open": [ids]}}).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality

from .models import (
    Answer,
    Ballot,
    Choice,
    Consultation,
    ConsultationStatus,
    Phase,
    Question,
    SurveyResponse,
)
from .permissions import MODULE

DAY = timedelta(days=1)
SURVEYS = (("closed", 2), ("open", 2), ("upcoming", 1), ("draft", 1))
ANSWER_SHARE = 0.03  # of a town's residents answer each survey
MAX_ANSWERS = 3000
QUESTIONS = (
    ("single", ("Oui", "Non", "Sans avis")),
    ("multiple", ("Livres", "Films", "Ateliers", "Wi-Fi")),
    ("scale", ()),
    ("ranking", ("Soirées", "Dimanches", "Matins")),
    ("text", ()),
)


def _switch_module_on(municipalities: list[dict]) -> None:
    for municipality in Municipality.objects.filter(pk__in=[m["id"] for m in municipalities]):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def _key(rng) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _phases(state: str, now) -> list[tuple[str, Any, Any]]:
    if state == "closed":
        return [
            ("answering", now - 60 * DAY, now - 30 * DAY),
            ("results", now - 30 * DAY, now + 60 * DAY),
        ]
    if state == "upcoming":
        return [
            ("information", now + 2 * DAY, now + 9 * DAY),
            ("answering", now + 9 * DAY, now + 30 * DAY),
        ]
    return [
        ("information", now - 14 * DAY, now - 7 * DAY),
        ("answering", now - 7 * DAY, now + 21 * DAY),
    ]


def generate(ctx: BenchContext) -> dict[str, int]:
    from .results_surveys import compute

    rng = ctx.rng("participation-surveys")
    writer, now = ctx.writer, ctx.now
    municipalities = ctx.state["municipalities"]
    _switch_module_on(municipalities)
    residents: dict[int, range] = ctx.state.get("residents", {})
    plans = [
        (m, state, number)
        for m in municipalities
        for state, count in SURVEYS
        for number in range(count)
    ]
    first = writer.reserve(Consultation, len(plans))
    writer.insert(
        Consultation,
        [
            "id",
            "municipality",
            "kind",
            "title_fr",
            "description_fr",
            "status",
            "ballot_mode",
            "min_trust",
            "published_at",
            "closed_at",
            "created_at",
            "updated_at",
        ],
        (
            (
                first + i,
                m["id"],
                "survey",
                f"Sondage {state} {number + 1}",
                "Un sondage du jeu de données de mesure.",
                ConsultationStatus.DRAFT if state == "draft" else ConsultationStatus.PUBLISHED,
                "secret",
                2,
                None if state == "draft" else now - 60 * DAY,
                None,
                now - 60 * DAY,
                now,
            )
            for i, (m, state, number) in enumerate(plans)
        ),
    )
    phases = [
        (first + i, position, kind, starts, ends)
        for i, (_m, state, _n) in enumerate(plans)
        for position, (kind, starts, ends) in enumerate(_phases(state, now))
    ]
    first_phase = writer.reserve(Phase, len(phases))
    writer.insert(
        Phase,
        ["id", "consultation", "position", "kind", "starts_at", "ends_at"],
        ((first_phase + i, *row) for i, row in enumerate(phases)),
    )
    question_rows, choice_rows = [], []
    first_question = writer.reserve(Question, len(plans) * len(QUESTIONS))
    first_choice = writer.reserve(Choice, len(plans) * sum(len(c) for _k, c in QUESTIONS))
    layout: dict[int, list[tuple[int, str, list[int]]]] = {}
    next_choice = first_choice
    for i in range(len(plans)):
        consultation_id = first + i
        layout[consultation_id] = []
        for position, (kind, labels) in enumerate(QUESTIONS):
            question_id = first_question + i * len(QUESTIONS) + position
            question_rows.append(
                (
                    question_id,
                    consultation_id,
                    position,
                    kind,
                    f"Question {position + 1}",
                    position == 0,
                    1 if kind == "scale" else None,
                    5 if kind == "scale" else None,
                )
            )
            ids = []
            for index, label in enumerate(labels):
                choice_rows.append((next_choice, question_id, index, label))
                ids.append(next_choice)
                next_choice += 1
            layout[consultation_id].append((question_id, kind, ids))
    writer.insert(
        Question,
        ["id", "consultation", "position", "kind", "text_fr", "required", "scale_min", "scale_max"],
        question_rows,
    )
    writer.insert(Choice, ["id", "question", "position", "label_fr"], choice_rows)

    ballots: list[tuple[int, int]] = []
    responses: list[tuple[str, int]] = []
    answers: list[tuple[str, str, int, int | None, int | None, str]] = []
    for i, (m, state, _number) in enumerate(plans):
        if state not in ("closed", "open"):
            continue
        people = residents.get(m["id"], range(0))
        count = min(MAX_ANSWERS, int(len(people) * ANSWER_SHARE))
        if not count:
            continue
        consultation_id = first + i
        for user_id in rng.sample(people, count):
            ballots.append((consultation_id, user_id))
            key = _key(rng)
            responses.append((key, consultation_id))
            for question_id, kind, ids in layout[consultation_id]:
                if kind == "single":
                    answers.append((_key(rng), key, question_id, rng.choice(ids), None, ""))
                elif kind == "multiple":
                    for choice_id in rng.sample(ids, rng.randint(0, len(ids))):
                        answers.append((_key(rng), key, question_id, choice_id, None, ""))
                elif kind == "scale":
                    answers.append((_key(rng), key, question_id, None, rng.randint(1, 5), ""))
                elif kind == "ranking":
                    order = rng.sample(ids, len(ids))
                    answers.extend(
                        (_key(rng), key, question_id, choice_id, rank, "")
                        for rank, choice_id in enumerate(order, start=1)
                    )
                elif rng.random() < 0.2:
                    answers.append(
                        (_key(rng), key, question_id, None, None, "Plus d'heures le soir.")
                    )
    first_ballot = writer.reserve(Ballot, len(ballots))
    writer.insert(
        Ballot,
        ["id", "consultation", "user"],
        ((first_ballot + i, *row) for i, row in enumerate(ballots)),
    )
    writer.insert(SurveyResponse, ["id", "consultation"], responses)
    writer.insert(
        Answer, ["id", "response", "question", "choice", "value_int", "value_text"], answers
    )

    towns: dict[str, dict[str, list[int]]] = {}
    for i, (m, state, _number) in enumerate(plans):
        town = towns.setdefault(m["slug"], {"closed": [], "open": []})
        if state in town:
            town[state].append(first + i)
    closed_ids = [first + i for i, (_m, state, _n) in enumerate(plans) if state == "closed"]
    for consultation in Consultation.objects.filter(pk__in=closed_ids):
        consultation.results = compute(consultation)
        consultation.status = ConsultationStatus.CLOSED
        consultation.closed_at = consultation.results_computed_at = now - 30 * DAY
        consultation.save(update_fields=["results", "status", "closed_at", "results_computed_at"])
    ctx.manifest["participation"] = dict(sorted(towns.items()))
    return {
        "consultations": len(plans),
        "survey_responses": len(responses),
        "survey_answers": len(answers),
        "ballots": len(ballots),
    }


# --- In-process scenarios (`bench/in_process.py`, declared in `bench/harness.py`) ---------------


def survey_results(manifest: dict[str, Any]):
    """`results_surveys.compute` of the closed surveys in turn (what closing one costs)."""
    from .results_surveys import compute

    ids = [i for town in manifest["participation"].values() for i in town["closed"]]
    consultations = list(Consultation.objects.filter(pk__in=ids).order_by("pk"))

    def make(i: int):
        consultation = consultations[i % len(consultations)]

        def call() -> int:
            return len(compute(consultation)["questions"])

        return call

    return make
