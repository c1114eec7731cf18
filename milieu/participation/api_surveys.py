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
from .models import Consultation
from .schemas_surveys import AnsweredOut, AnswersIn, QuestionOut

router = Router(tags=["surveys"], auth=django_auth)


def survey_for(request: HttpRequest, slug: str, consultation_id: int) -> Consultation:
    consultation = consultation_for(request, slug, consultation_id)
    if consultation.kind != services_surveys.KIND:
        raise NotFound(_("This consultation is not a survey."))
    return consultation


@router.get(ONE + "/survey/questions", response={200: list[QuestionOut], **ERRORS}, auth=None)
def survey_questions(request: HttpRequest, slug: str, consultation_id: int):
    """The questions in order, in the request's language."""
    consultation = survey_for(request, slug, consultation_id)
    return [
        {
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
        for question in services_surveys.survey_questions(consultation)
    ]


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
