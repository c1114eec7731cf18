"""A survey's results: counts per choice, a scale's distribution and mean, a ranking's Borda
scores, and how many answered each question; the free texts are read by the staff and in the
CSV export, never summed up in the public results.

`compute(consultation)` is the kind's `compute_results` (kept on the consultation when it
closes), `csv_rows(consultation)` its `export_rows`: one row per response, in the order of
their random keys, with the author and the time only in an open ballot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import Answer, BallotMode, Consultation, Question, QuestionKind, SurveyResponse


def _questions(consultation: Consultation) -> list[Question]:
    return list(
        Question.objects.filter(consultation=consultation)
        .prefetch_related("choices")
        .order_by("position", "pk")
    )


def compute(consultation: Consultation) -> dict[str, Any]:
    """The results as JSON (keys are ids as strings): a few grouped queries, whatever the
    number of responses."""
    questions = _questions(consultation)
    responses = SurveyResponse.objects.filter(consultation=consultation).count()
    answers = Answer.objects.filter(response__consultation=consultation)
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    per_choice: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, choice_id, n in (
        answers.filter(choice__isnull=False, value_int__isnull=True)
        .values("question_id", "choice_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "choice_id", "n")
    ):
        per_choice[question_id][int(choice_id or 0)] = n
    per_value: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, value, n in (
        answers.filter(choice__isnull=True, value_int__isnull=False)
        .values("question_id", "value_int")
        .annotate(n=Count("id"))
        .values_list("question_id", "value_int", "n")
    ):
        per_value[question_id][int(value or 0)] = n
    ranks: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for question_id, choice_id, rank, n in (
        answers.filter(choice__isnull=False, value_int__isnull=False)
        .values("question_id", "choice_id", "value_int")
        .annotate(n=Count("id"))
        .values_list("question_id", "choice_id", "value_int", "n")
    ):
        ranks[question_id][int(choice_id or 0)][int(rank or 0)] = n
    result: dict[str, Any] = {"responses": responses, "questions": {}}
    for question in questions:
        entry: dict[str, Any] = {"kind": question.kind, "answered": answered.get(question.pk, 0)}
        choices = list(question.choices.all())
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = per_choice.get(question.pk, {})
            entry["counts"] = {str(c.pk): counts.get(c.pk, 0) for c in choices}
        elif question.kind == QuestionKind.SCALE:
            low, high = question.scale_min or 0, question.scale_max or 0
            values = per_value.get(question.pk, {})
            entry["distribution"] = {str(v): values.get(v, 0) for v in range(low, high + 1)}
            total = sum(values.values())
            entry["mean"] = (
                round(sum(v * n for v, n in values.items()) / total, 2) if total else None
            )
        elif question.kind == QuestionKind.RANKING:
            # Borda: with m choices, the first gets m - 1 points, the last 0.
            size = len(choices)
            given = ranks.get(question.pk, {})
            entry["borda"] = {
                str(c.pk): sum((size - rank) * n for rank, n in given.get(c.pk, {}).items())
                for c in choices
            }
            entry["first"] = {str(c.pk): given.get(c.pk, {}).get(1, 0) for c in choices}
        result["questions"][str(question.pk)] = entry
    return result


def _cell(question: Question, rows: list[Answer], labels: dict[int, str]) -> str:
    if not rows:
        return ""
    if question.kind == QuestionKind.SCALE:
        return str(rows[0].value_int)
    if question.kind == QuestionKind.TEXT:
        return rows[0].value_text
    if question.kind == QuestionKind.RANKING:
        ordered = sorted(rows, key=lambda row: row.value_int or 0)
        return " > ".join(labels.get(row.choice_id or 0, "") for row in ordered)
    return "; ".join(sorted(labels.get(row.choice_id or 0, "") for row in rows))


def csv_rows(consultation: Consultation) -> Iterator[list[Any]]:
    """The export: a header, then one row per response ordered by its random key (never by
    arrival); author and time only in an open ballot."""
    questions = _questions(consultation)
    labels = {c.pk: c.translated("label") for q in questions for c in q.choices.all()}
    open_ballot = consultation.ballot_mode == BallotMode.OPEN
    header: list[Any] = [_("response")]
    if open_ballot:
        header += [_("participant"), _("submitted at")]
    header += [question.translated("text") for question in questions]
    yield header
    responses = SurveyResponse.objects.filter(consultation=consultation).order_by("id")
    if open_ballot:
        responses = responses.select_related("user")
    for chunk in _chunks(responses.iterator(chunk_size=500), 500):
        answers: dict[Any, dict[int, list[Answer]]] = defaultdict(lambda: defaultdict(list))
        for answer in Answer.objects.filter(response__in=[r.pk for r in chunk]):
            answers[answer.response_id][answer.question_id].append(answer)
        for response in chunk:
            row: list[Any] = [str(response.pk)]
            if open_ballot:
                row += [
                    response.user.display_name if response.user else "",
                    response.submitted_at.isoformat() if response.submitted_at else "",
                ]
            mine = answers.get(response.pk, {})
            row += [_cell(q, mine.get(q.pk, []), labels) for q in questions]
            yield row


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def text_answers(consultation: Consultation, *, limit: int = 200) -> dict[int, list[str]]:
    """The free texts of each text question (for the staff), in random-key order."""
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in (
        Answer.objects.filter(response__consultation=consultation, question__kind=QuestionKind.TEXT)
        .order_by("question_id", "id")
        .values_list("question_id", "value_text")
    ):
        if len(texts[question_id]) < limit:
            texts[question_id].append(text)
    return texts
