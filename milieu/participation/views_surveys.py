"""The survey's pages: its section of the consultation page (the form, or that one answered),
answering (`participation:survey_answer`), its results section (charts and tables), and the
staff's question editor (`participation_staff:survey_*`, while the survey is a draft).

The form works without JavaScript: a conditional question says when to answer it, and its
answer is ignored when its condition is not met; a few lines of script hide it until then.
A ranking is a rank picked for each choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from milieu.core.errors import ApplicationError
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    staff_view,
)
from milieu.core.modules import module_required

from . import charts, results_surveys, selectors_consultations, services_surveys
from .eligibility import refusal
from .forms_surveys import QuestionForm
from .models import Choice, Consultation, ConsultationStatus, Question, QuestionKind
from .permissions import MODULE
from .views_consultations import consultation_or_404, detail_page, status_of

MANAGE = "participation.manage_consultations"


@dataclass
class ChoiceView:
    choice: Choice
    checked: bool = False
    rank: str = ""


@dataclass
class QuestionView:
    """A question as the form shows it, with what was typed and the error."""

    question: Question
    number: int
    name: str
    choices: list[ChoiceView] = field(default_factory=list)
    scale: list[tuple[int, bool]] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)
    text: str = ""
    error: str = ""
    condition_number: int | None = None
    condition_label: str = ""


def _posted(data, question: Question) -> Any:
    name = f"q{question.pk}"
    if question.kind == QuestionKind.MULTIPLE:
        return data.getlist(name)
    if question.kind == QuestionKind.RANKING:
        ranks = {}
        for choice in question.choices.all():
            value = (data.get(f"{name}_rank_{choice.pk}") or "").strip()
            if value:
                ranks[str(choice.pk)] = value
        return ranks
    return data.get(name)


def answers_from(data, questions: list[Question]) -> dict[str, Any]:
    """The answers dict the service takes, from a POSTed form."""
    return {f"q{question.pk}": _posted(data, question) for question in questions}


def question_views(
    questions: list[Question], data=None, errors: dict[str, list[str]] | None = None
) -> list[QuestionView]:
    numbers = {question.pk: index for index, question in enumerate(questions, start=1)}
    labels = {c.pk: c.translated("label") for q in questions for c in q.choices.all()}
    views = []
    for question in questions:
        name = f"q{question.pk}"
        posted = _posted(data, question) if data is not None else None
        view = QuestionView(
            question=question,
            number=numbers[question.pk],
            name=name,
            error=" ".join((errors or {}).get(name, [])),
        )
        if question.is_conditional:
            view.condition_number = numbers.get(question.show_if_question_id or 0)
            view.condition_label = labels.get(question.show_if_choice_id or 0, "")
        choices = list(question.choices.all())
        if question.kind == QuestionKind.SINGLE:
            view.choices = [ChoiceView(c, checked=str(c.pk) == str(posted)) for c in choices]
        elif question.kind == QuestionKind.MULTIPLE:
            chosen = {str(v) for v in posted or []}
            view.choices = [ChoiceView(c, checked=str(c.pk) in chosen) for c in choices]
        elif question.kind == QuestionKind.RANKING:
            ranks = posted or {}
            view.choices = [ChoiceView(c, rank=str(ranks.get(str(c.pk), ""))) for c in choices]
            view.ranks = list(range(1, len(choices) + 1))
        elif question.kind == QuestionKind.SCALE:
            low, high = question.scale_min or 0, question.scale_max or 0
            view.scale = [(v, str(v) == str(posted)) for v in range(low, high + 1)]
        else:
            view.text = str(posted or "")
        views.append(view)
    return views


def consultation_section(
    request: MilieuRequest,
    consultation: Consultation,
    *,
    data=None,
    errors: dict[str, list[str]] | None = None,
    error: str = "",
) -> str:
    """The survey's part of the consultation page (the kind's `detail`)."""
    questions = services_surveys.survey_questions(consultation)
    answered = selectors_consultations.has_taken_part(user=request.user, consultation=consultation)
    may_answer = not answered and request.user.has_perm("participation.take_part", consultation)
    return render_to_string(
        "participation/surveys/_section.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "questions": question_views(questions, data, errors),
            "answered": answered,
            "may_answer": may_answer,
            "age_confirmed": bool(data and data.get("age_confirmed")),
            "error": error,
        },
        request=request,
    )


@require_POST
@municipality_view
@module_required(MODULE)
def survey_answer(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    consultation = consultation_or_404(request, consultation_id)
    if consultation.kind != services_surveys.KIND:
        raise Http404(_("This consultation is not a survey."))
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("participation:consultation", args=[request.municipality.slug, consultation.pk])
        )
    questions = services_surveys.survey_questions(consultation)
    try:
        services_surveys.survey_answer(
            actor=request.user,
            consultation=consultation,
            answers=answers_from(request.POST, questions),
            age_confirmed=request.POST.get("age_confirmed") in ("on", "true", "1"),
        )
    except ApplicationError as error:
        fields = error.extra.get("fields", {})
        section = consultation_section(
            request,
            consultation,
            data=request.POST,
            errors=fields,
            error=str(error.message)
            if error.code != "validation"
            else _("Please correct the form."),
        )
        if "age_confirmed" in fields:
            section = consultation_section(
                request,
                consultation,
                data=request.POST,
                errors=fields,
                error=" ".join(fields["age_confirmed"]),
            )
        return detail_page(request, consultation, section=section, status=status_of(error))
    messages.success(request, _("Thank you: your answers are saved."))
    return redirect("participation:consultation", request.municipality.slug, consultation.pk)


# --- Results ------------------------------------------------------------------------------------


def results_section(request: MilieuRequest, consultation: Consultation, results: dict) -> str:
    """Each question's results: a chart and its table; the free texts for the staff."""
    questions = services_surveys.survey_questions(consultation)
    staff = request.user.has_perm("participation.manage_consultation", consultation)
    texts = results_surveys.text_answers(consultation) if staff else {}
    entries = (results or {}).get("questions", {})
    blocks = []
    for number, question in enumerate(questions, start=1):
        entry = entries.get(str(question.pk), {})
        title = question.translated("text")
        block: dict[str, Any] = {
            "question": question,
            "number": number,
            "answered": entry.get("answered", 0),
            "texts": texts.get(question.pk, []),
        }
        rows: list[tuple[str, float]] = []
        unit = ""
        value_header = _("Answers")
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = entry.get("counts", {})
            rows = [
                (c.translated("label"), counts.get(str(c.pk), 0)) for c in question.choices.all()
            ]
        elif question.kind == QuestionKind.SCALE:
            rows = [(label, n) for label, n in entry.get("distribution", {}).items()]
            block["mean"] = entry.get("mean")
        elif question.kind == QuestionKind.RANKING:
            borda = entry.get("borda", {})
            rows = sorted(
                ((c.translated("label"), borda.get(str(c.pk), 0)) for c in question.choices.all()),
                key=lambda row: -row[1],
            )
            value_header = _("Points (Borda)")
            unit = ""
        if rows:
            block["chart"] = charts.bar_chart(rows, title=title, unit=unit)
            block["table"] = charts.data_table(
                rows,
                caption=title,
                label_header=_("Answer"),
                value_header=value_header,
            )
        blocks.append(block)
    return render_to_string(
        "participation/surveys/_results.html",
        {"blocks": blocks, "staff": staff},
        request=request,
    )


def staff_links(consultation: Consultation) -> list[tuple[str, str]]:
    return [
        (
            _("Questions"),
            reverse(
                "participation_staff:survey_questions",
                args=[consultation.municipality.slug, consultation.pk],
            ),
        )
    ]


# --- The staff's question editor ----------------------------------------------------------------


def _survey_or_404(request: MilieuRequest, consultation_id: int) -> Consultation:
    consultation = consultation_or_404(request, consultation_id)
    if consultation.kind != services_surveys.KIND:
        raise Http404(_("This consultation is not a survey."))
    return consultation


def _question_or_404(consultation: Consultation, question_id: int) -> Question:
    question = (
        Question.objects.filter(consultation=consultation, pk=question_id)
        .prefetch_related("choices")
        .first()
    )
    if question is None:
        raise Http404(_("This question does not exist."))
    return question


def _conditions(consultation: Consultation, before: Question | None) -> list[tuple[int, str]]:
    """The answers a question may depend on: the choices of the earlier questions with one or
    several choices."""
    found = []
    for number, question in enumerate(services_surveys.survey_questions(consultation), start=1):
        if before is not None and question.position >= before.position:
            break
        if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            continue
        for choice in question.choices.all():
            found.append(
                (
                    choice.pk,
                    f"{number}. {question.translated('text')[:60]} → {choice.translated('label')}",
                )
            )
    return found


@require_http_methods(["GET"])
@staff_view(MANAGE)
def questions(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    consultation = _survey_or_404(request, consultation_id)
    return render(
        request,
        "participation/surveys/questions.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "questions": question_views(services_surveys.survey_questions(consultation)),
            "editable": consultation.status == ConsultationStatus.DRAFT,
        },
    )


def _question_page(request, consultation, form, question=None, status=200) -> HttpResponse:
    return render(
        request,
        "participation/surveys/question_form.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "form": form,
            "question": question,
        },
        status=status,
    )


def _back(request, consultation) -> HttpResponse:
    return redirect(
        "participation_staff:survey_questions", request.municipality.slug, consultation.pk
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def question_create(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    consultation = _survey_or_404(request, consultation_id)
    conditions = _conditions(consultation, None)
    if request.method == "GET":
        initial = {"original_language": consultation.original_language}
        form = QuestionForm(conditions=conditions, initial=initial)
        return _question_page(request, consultation, form)
    form = QuestionForm(request.POST, conditions=conditions)
    if not form.is_valid():
        return _question_page(request, consultation, form, status=400)
    try:
        services_surveys.question_create(
            actor=request.user, consultation=consultation, values=form.values()
        )
    except ApplicationError as error:
        form_error(form, error)
        return _question_page(request, consultation, form, status=status_of(error))
    messages.success(request, _("The question is added."))
    return _back(request, consultation)


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def question_edit(
    request: AuthenticatedRequest, consultation_id: int, question_id: int
) -> HttpResponse:
    consultation = _survey_or_404(request, consultation_id)
    question = _question_or_404(consultation, question_id)
    conditions = _conditions(consultation, question)
    if request.method == "GET":
        form = QuestionForm(
            conditions=conditions, question=question, initial=QuestionForm.initial_for(question)
        )
        return _question_page(request, consultation, form, question)
    form = QuestionForm(request.POST, conditions=conditions, question=question)
    if not form.is_valid():
        return _question_page(request, consultation, form, question, status=400)
    try:
        services_surveys.question_update(
            actor=request.user, question=question, values=form.values()
        )
    except ApplicationError as error:
        form_error(form, error)
        return _question_page(request, consultation, form, question, status=status_of(error))
    messages.success(request, _("The question is saved."))
    return _back(request, consultation)


@require_POST
@staff_view(MANAGE)
def question_delete(
    request: AuthenticatedRequest, consultation_id: int, question_id: int
) -> HttpResponse:
    consultation = _survey_or_404(request, consultation_id)
    question = _question_or_404(consultation, question_id)
    try:
        services_surveys.question_delete(actor=request.user, question=question)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The question is deleted."))
    return _back(request, consultation)


@require_POST
@staff_view(MANAGE)
def question_move(
    request: AuthenticatedRequest, consultation_id: int, question_id: int
) -> HttpResponse:
    consultation = _survey_or_404(request, consultation_id)
    question = _question_or_404(consultation, question_id)
    try:
        services_surveys.question_move(
            actor=request.user,
            question=question,
            offset=-1 if request.POST.get("direction") == "up" else 1,
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return _back(request, consultation)


__all__ = ["consultation_section", "refusal", "results_section", "staff_links"]
