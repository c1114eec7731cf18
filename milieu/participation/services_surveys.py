"""Every write of the surveys: the staff's question editor (while the survey is a draft) and a
person's answers, validated whole and saved in one transaction with their `Ballot`.

Answers arrive as a dict keyed by question id (`12` or `"q12"`): a choice id for a single
choice, a list of choice ids for several, a whole number for a scale, the choice ids in order
(or a {choice id: rank} dict) for a ranking, a text for a free text. A question hidden by its
condition is ignored whatever it carries.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict, PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require

from .eligibility import refusal, require_eligible
from .models import (
    Answer,
    Ballot,
    BallotMode,
    Choice,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    SurveyResponse,
)
from .models.surveys import CHOICE_KINDS, MAX_TEXT

KIND = "survey"
MAX_QUESTIONS = 100
MAX_CHOICES = 30
SCALE_LIMIT = 100


# --- The question editor ------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    return value


def _editable(actor, consultation: Consultation) -> Consultation:
    require(actor, "participation.manage_consultation", consultation)
    if consultation.kind != KIND:
        raise Conflict(_("This consultation is not a survey."), code="wrong_kind")
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.status != ConsultationStatus.DRAFT:
        raise Conflict(
            _("The questions change only while the survey is a draft."), code="wrong_state"
        )
    return locked


def _clean_choices(values: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    if kind not in CHOICE_KINDS:
        return []
    raw = values.get("choices") or []
    if not isinstance(raw, (list, tuple)):
        raise field_error("choices", _("Give the choices, one per line."))
    choices = []
    for item in raw:
        if not isinstance(item, dict):
            raise field_error("choices", _("Give the choices, one per line."))
        labels = {f"label_{code}": _text(item, f"label_{code}", 200) for code in LANGUAGE_CODES}
        if not any(labels.values()):
            continue
        choices.append({"id": item.get("id"), **labels})
    if len(choices) < 2:
        raise field_error("choices", _("Give at least two choices."))
    if len(choices) > MAX_CHOICES:
        raise field_error("choices", _("At most %(count)s choices.") % {"count": MAX_CHOICES})
    return choices


def _clean_question(
    values: dict[str, Any], consultation: Consultation, question: Question | None
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for code in LANGUAGE_CODES:
        clean[f"text_{code}"] = _text(values, f"text_{code}", 500)
        clean[f"help_{code}"] = _text(values, f"help_{code}", 500)
        clean[f"min_label_{code}"] = _text(values, f"min_label_{code}", 80)
        clean[f"max_label_{code}"] = _text(values, f"max_label_{code}", 80)
    written = [code for code in LANGUAGE_CODES if clean[f"text_{code}"]]
    if not written:
        raise field_error("text_fr", _("Write the question in at least one language."))
    chosen = str(values.get("original_language") or consultation.original_language)
    clean["original_language"] = chosen if chosen in written else written[0]
    kind = str(values.get("kind") or "")
    if kind not in QuestionKind.values:
        raise field_error("kind", _("Choose a kind of question."))
    clean["kind"] = kind
    clean["required"] = bool(values.get("required"))
    clean["scale_min"] = clean["scale_max"] = None
    if kind == QuestionKind.SCALE:
        low_value, high_value = values.get("scale_min"), values.get("scale_max")
        try:
            low = int(str(low_value)) if low_value not in (None, "") else 1
            high = int(str(high_value)) if high_value not in (None, "") else 5
        except (TypeError, ValueError):
            raise field_error("scale_max", _("Enter whole numbers.")) from None
        if not (-SCALE_LIMIT <= low < high <= SCALE_LIMIT) or high - low > 20:
            raise field_error(
                "scale_max", _("The scale goes up from its lowest value, over at most 20 steps.")
            )
        clean["scale_min"], clean["scale_max"] = low, high
    else:
        for code in LANGUAGE_CODES:
            clean[f"min_label_{code}"] = clean[f"max_label_{code}"] = ""
    clean["show_if_question"] = clean["show_if_choice"] = None
    wanted = values.get("show_if_choice")
    wanted = getattr(wanted, "pk", wanted)
    if wanted not in (None, ""):
        choice = (
            Choice.objects.select_related("question")
            .filter(pk=_int(wanted), question__consultation=consultation)
            .first()
        )
        if (
            choice is None
            or choice.question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            or (question is not None and choice.question_id == question.pk)
            or (question is not None and choice.question.position >= question.position)
        ):
            raise field_error(
                "show_if_choice",
                _("Choose an answer to an earlier question with one or several choices."),
            )
        clean["show_if_question"], clean["show_if_choice"] = choice.question, choice
    return clean


def _int(value: Any) -> int:
    try:
        return int(str(value).strip().removeprefix("q"))
    except (TypeError, ValueError):
        return 0


def _save_choices(question: Question, choices: list[dict[str, Any]]) -> None:
    existing = {choice.pk: choice for choice in question.choices.all()}
    kept = []
    for position, item in enumerate(choices):
        labels = {key: value for key, value in item.items() if key != "id"}
        written = [code for code in LANGUAGE_CODES if labels[f"label_{code}"]]
        original = (
            question.original_language if question.original_language in written else written[0]
        )
        choice = existing.get(_int(item.get("id")))
        if choice is None:
            choice = Choice(question=question)
        for key, value in labels.items():
            setattr(choice, key, value)
        choice.position = position
        choice.original_language = original
        choice.save()
        kept.append(choice.pk)
    question.choices.exclude(pk__in=kept).delete()


@transaction.atomic
def question_create(*, actor, consultation: Consultation, values: dict[str, Any]) -> Question:
    """Add a question at the end of a draft survey."""
    consultation = _editable(actor, consultation)
    if Question.objects.filter(consultation=consultation).count() >= MAX_QUESTIONS:
        raise Conflict(
            _("A survey has at most %(count)s questions.") % {"count": MAX_QUESTIONS},
            code="too_many",
        )
    clean = _clean_question(values, consultation, None)
    choices = _clean_choices(values, clean["kind"])
    last = Question.objects.filter(consultation=consultation).aggregate(last=Max("position"))[
        "last"
    ]
    question = Question.objects.create(
        consultation=consultation, position=0 if last is None else last + 1, **clean
    )
    _save_choices(question, choices)
    return question


@transaction.atomic
def question_update(*, actor, question: Question, values: dict[str, Any]) -> Question:
    _editable(actor, question.consultation)
    question = Question.objects.select_for_update().get(pk=question.pk)
    merged = {**question_values(question), **values}
    clean = _clean_question(merged, question.consultation, question)
    choices = _clean_choices(merged, clean["kind"])
    for field, value in clean.items():
        setattr(question, field, value)
    question.save()
    _save_choices(question, choices)
    if clean["kind"] not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        Question.objects.filter(show_if_question=question).update(
            show_if_question=None, show_if_choice=None
        )
    Question.objects.filter(show_if_question=question, show_if_choice__isnull=True).update(
        show_if_question=None
    )
    return question


def question_values(question: Question) -> dict[str, Any]:
    values: dict[str, Any] = {
        field: getattr(question, field)
        for field in (
            *(
                f"{name}_{code}"
                for name in ("text", "help", "min_label", "max_label")
                for code in LANGUAGE_CODES
            ),
            "original_language",
            "kind",
            "required",
            "scale_min",
            "scale_max",
        )
    }
    values["show_if_choice"] = question.show_if_choice_id
    values["choices"] = [
        {
            "id": choice.pk,
            **{f"label_{code}": getattr(choice, f"label_{code}") for code in LANGUAGE_CODES},
        }
        for choice in question.choices.all()
    ]
    return values


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    consultation = _editable(actor, question.consultation)
    Question.objects.filter(show_if_question=question).update(
        show_if_question=None, show_if_choice=None
    )
    question.delete()
    _renumber(consultation)


def _renumber(consultation: Consultation) -> None:
    for position, question in enumerate(
        Question.objects.filter(consultation=consultation).order_by("position", "pk")
    ):
        if question.position != position:
            Question.objects.filter(pk=question.pk).update(position=position)


@transaction.atomic
def question_move(*, actor, question: Question, offset: int) -> Question:
    """Move a question up (-1) or down (+1); a condition never points to a later question, so
    a move that would put a question before the one it depends on is refused."""
    consultation = _editable(actor, question.consultation)
    _renumber(consultation)
    ordered = list(Question.objects.filter(consultation=consultation).order_by("position", "pk"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        return ordered[index]
    moving, other = ordered[index], ordered[target]
    earlier, later = (other, moving) if target > index else (moving, other)
    if earlier.show_if_question_id == later.pk:
        raise Conflict(_("A question that depends on another stays after it."), code="wrong_order")
    Question.objects.filter(pk=moving.pk).update(position=target)
    Question.objects.filter(pk=other.pk).update(position=index)
    moving.position = target
    return moving


# --- Answering ----------------------------------------------------------------------------------


def survey_questions(consultation: Consultation) -> list[Question]:
    """The survey's questions in order, with their choices (two queries)."""
    return list(
        Question.objects.filter(consultation=consultation)
        .prefetch_related("choices")
        .order_by("position", "pk")
    )


def visible_questions(questions: list[Question], chosen: dict[int, set[int]]) -> set[int]:
    """The questions shown for these answers: a conditional one when its question is shown
    and its answer includes the choice."""
    shown: set[int] = set()
    for question in questions:
        if not question.is_conditional or (
            question.show_if_question_id in shown
            and question.show_if_choice_id in chosen.get(question.show_if_question_id, set())
        ):
            shown.add(question.pk)
    return shown


def _answer_for(answers: dict[str, Any], question: Question) -> Any:
    for key in (question.pk, str(question.pk), f"q{question.pk}"):
        if key in answers:
            return answers[key]
    return None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _choice_ids(value: Any) -> list[int]:
    if isinstance(value, (list, tuple)):
        return [_int(item) for item in value]
    return [_int(value)]


def clean_answers(questions: list[Question], answers: dict[str, Any]) -> list[Answer]:
    """The Answer rows (unsaved, without response) for these answers, or the first error."""
    if not isinstance(answers, dict):
        raise field_error("answers", _("Answer the questions."))
    rows: list[Answer] = []
    chosen: dict[int, set[int]] = {}
    shown: set[int] = set()
    for question in questions:
        if question.is_conditional and not (
            question.show_if_question_id in shown
            and question.show_if_choice_id in chosen.get(question.show_if_question_id, set())
        ):
            continue  # hidden by its condition: whatever came is ignored
        shown.add(question.pk)
        field = f"q{question.pk}"
        value = _answer_for(answers, question)
        if _empty(value):
            if question.required:
                raise field_error(field, _("This question needs an answer."))
            continue
        choices = {choice.pk for choice in question.choices.all()}
        if question.kind == QuestionKind.SINGLE:
            ids = _choice_ids(value)
            if len(ids) != 1 or ids[0] not in choices:
                raise field_error(field, _("Choose one of the answers."))
            chosen[question.pk] = set(ids)
            rows.append(Answer(question=question, choice_id=ids[0]))
        elif question.kind == QuestionKind.MULTIPLE:
            ids = _choice_ids(value)
            if not set(ids) <= choices or len(set(ids)) != len(ids):
                raise field_error(field, _("Choose among the answers."))
            chosen[question.pk] = set(ids)
            rows.extend(Answer(question=question, choice_id=pk) for pk in ids)
        elif question.kind == QuestionKind.SCALE:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
            low, high = question.scale_min or 0, question.scale_max or 0
            if number is None or not low <= number <= high:
                raise field_error(
                    field,
                    _("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high},
                )
            rows.append(Answer(question=question, value_int=number))
        elif question.kind == QuestionKind.RANKING:
            if isinstance(value, dict):
                try:
                    ranks = {_int(key): int(rank) for key, rank in value.items()}
                except (TypeError, ValueError):
                    raise field_error(field, _("Give each choice its own rank.")) from None
                if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
                    raise field_error(field, _("Give each choice its own rank."))
                order = [pk for pk, _rank in sorted(ranks.items(), key=lambda item: item[1])]
            else:
                order = _choice_ids(value)
            if sorted(order) != sorted(choices) or len(set(order)) != len(order):
                raise field_error(field, _("Put every choice in order, each once."))
            rows.extend(
                Answer(question=question, choice_id=pk, value_int=rank)
                for rank, pk in enumerate(order, start=1)
            )
        else:
            text = str(value).strip()
            if "\x00" in text:
                raise field_error(field, _("This text contains a character that cannot be stored."))
            if len(text) > MAX_TEXT:
                raise field_error(field, _("At most %(limit)s characters.") % {"limit": MAX_TEXT})
            if not text:
                if question.required:
                    raise field_error(field, _("This question needs an answer."))
                continue
            rows.append(Answer(question=question, value_text=text))
    return rows


def survey_answer(
    *, actor, consultation: Consultation, answers: dict[str, Any], age_confirmed: bool = False
) -> SurveyResponse:
    """Answer a survey once: the person's Ballot and their response are written together, or
    not at all; a second answer (even at the same instant) is a `Conflict`."""
    if consultation.kind != KIND:
        raise Conflict(_("This consultation is not a survey."), code="wrong_kind")
    if not actor.has_perm("participation.take_part", consultation):
        raise PermissionDenied(
            refusal(actor, consultation) or _("You cannot take part in this consultation."),
            code="not_eligible",
        )
    require_eligible(actor, consultation, age_confirmed=age_confirmed)
    if Ballot.objects.filter(consultation=consultation, user=actor).exists():
        # Said before checking the answers; the UNIQUE constraint still decides races below.
        raise Conflict(_("You have already answered."), code="already_answered")
    rows = clean_answers(survey_questions(consultation), answers)
    try:
        return _save(actor, consultation, rows, age_confirmed)
    except IntegrityError:
        raise Conflict(_("You have already answered."), code="already_answered") from None


@transaction.atomic
def _save(actor, consultation: Consultation, rows: list[Answer], age_confirmed: bool):
    Ballot.objects.create(consultation=consultation, user=actor, age_confirmed=bool(age_confirmed))
    open_ballot = consultation.ballot_mode == BallotMode.OPEN
    response = SurveyResponse.objects.create(
        consultation=consultation,
        user=actor if open_ballot else None,
        submitted_at=timezone.now() if open_ballot else None,
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


__all__ = [
    "ApplicationError",
    "clean_answers",
    "question_create",
    "question_delete",
    "question_move",
    "question_update",
    "question_values",
    "survey_answer",
    "survey_questions",
    "visible_questions",
]


def publish_refusal(consultation: Consultation) -> dict[str, str] | None:
    """What a survey lacks before it may be published: a question (each question's choices are
    checked when it is written)."""
    if not Question.objects.filter(consultation=consultation).exists():
        return {"questions": _("Add at least one question before publishing the survey.")}
    return None
