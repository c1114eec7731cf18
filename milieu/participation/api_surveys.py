"""The surveys API (tag `surveys`): a survey's questions, and answering it once (the answers and
the person's ballot are saved together; a second answer is a 409 `already_answered`). The
reader's participation status is `GET .../consultations/{id}/participation`."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from milieu.core.errors import NotFound
from milieu.core.http import AuthenticatedRequest

from . import services_surveys
from .api_consultations import ERRORS, ONE, consultation_for
from .models import Consultation, Question
from .schemas_surveys import AnsweredOut, AnswersIn, QuestionIn, QuestionOut, QuestionPatch

router = Router(tags=["surveys"], auth=django_auth)


def survey_for(request: HttpRequest, slug: str, consultation_id: int) -> Consultation:
    consultation = consultation_for(request, slug, consultation_id)
    if consultation.kind != services_surveys.KIND:
        raise NotFound(_("This consultation is not a survey."))
    return consultation


def question_out(question: Question) -> dict:
    return {
        "id": question.pk,
        "position": question.position,
        "kind": question.kind,
        "text": question.translated("text"),
        "help": question.translated("help"),
        "required": question.required,
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "min_label": question.translated("min_label"),
        "max_label": question.translated("max_label"),
        "show_if_question": question.show_if_question_id,
        "show_if_choice": question.show_if_choice_id,
        "choices": [
            {"id": choice.pk, "label": choice.translated("label")}
            for choice in question.choices.all()
        ],
    }


@router.get(ONE + "/survey/questions", response={200: list[QuestionOut], **ERRORS}, auth=None)
def survey_questions(request: HttpRequest, slug: str, consultation_id: int):
    """The questions in order, in the request's language."""
    consultation = survey_for(request, slug, consultation_id)
    return [question_out(q) for q in services_surveys.survey_questions(consultation)]


def question_for(request: HttpRequest, slug: str, consultation_id: int, question_id: int):
    consultation = survey_for(request, slug, consultation_id)
    question = Question.objects.filter(consultation=consultation).filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("This question does not exist."))
    return question


@router.post(ONE + "/survey/questions", response={201: QuestionOut, **ERRORS})
def survey_question_create(
    request: AuthenticatedRequest, slug: str, consultation_id: int, payload: QuestionIn
):
    """Add a question at the end of a draft survey (staff); choices with their labels."""
    consultation = survey_for(request, slug, consultation_id)
    values = payload.dict()
    values["choices"] = [choice.dict() for choice in payload.choices]
    question = services_surveys.question_create(
        actor=request.user, consultation=consultation, values=values
    )
    return Status(201, question_out(question))


@router.patch(ONE + "/survey/questions/{question_id}", response={200: QuestionOut, **ERRORS})
def survey_question_update(
    request: AuthenticatedRequest,
    slug: str,
    consultation_id: int,
    question_id: int,
    payload: QuestionPatch,
):
    """Change a question of a draft survey (staff); absent fields keep their value."""
    question = question_for(request, slug, consultation_id, question_id)
    values = payload.dict(exclude_unset=True)
    if payload.choices is not None:
        values["choices"] = [choice.dict() for choice in payload.choices]
    question = services_surveys.question_update(
        actor=request.user, question=question, values=values
    )
    return question_out(question)


@router.delete(ONE + "/survey/questions/{question_id}", response={204: None, **ERRORS})
def survey_question_delete(
    request: AuthenticatedRequest, slug: str, consultation_id: int, question_id: int
):
    """Remove a question of a draft survey (staff)."""
    question = question_for(request, slug, consultation_id, question_id)
    services_surveys.question_delete(actor=request.user, question=question)
    return Status(204, None)


@router.post(ONE + "/survey/answers", response={201: AnsweredOut, **ERRORS})
def survey_answer(
    request: AuthenticatedRequest, slug: str, consultation_id: int, payload: AnswersIn
):
    """Answer the survey, once."""
    consultation = survey_for(request, slug, consultation_id)
    services_surveys.survey_answer(
        actor=request.user,
        consultation=consultation,
        answers=payload.answers,
        age_confirmed=payload.age_confirmed,
    )
    return Status(201, {"answered": True})
