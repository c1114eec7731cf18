"""Surveys: a consultation of kind "survey" asks questions, each answered once per person.

A question is single choice, multiple choice, a scale (from `scale_min` to `scale_max`, with a
label at each end), a ranking (order every choice) or a free text; it may be shown only when
an earlier single- or multiple-choice question's answer includes a given choice
(`show_if_question`, `show_if_choice`). Questions and choices are written in up to three
languages, and change only while the consultation is a draft.

One `SurveyResponse` per person (its `Ballot` proves the person answered once) holds one
`Answer` row per answer: the chosen choice, the scale's value, a choice's rank, or a text. In a
secret ballot the response carries no user and no time, and both it and its answers have random
UUID keys (`new_answer_key`), so that nothing links them back to the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.mixins import Translated

from .consultations import Consultation, new_answer_key

__all__ = ["Answer", "Choice", "Question", "QuestionKind", "SurveyResponse"]

MAX_TEXT = 2000


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    SCALE = "scale", pgettext_lazy("survey question", "Scale")
    RANKING = "ranking", _("Ranking (order the choices)")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)


class Question(Translated):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_fr = models.CharField(_("question (French)"), max_length=500, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    text_es = models.CharField(_("question (Spanish)"), max_length=500, blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    help_es = models.CharField(_("help (Spanish)"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    scale_min = models.SmallIntegerField(_("scale from"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale to"), null=True, blank=True)
    min_label_fr = models.CharField(_("label of the lowest (French)"), max_length=80, blank=True)
    min_label_en = models.CharField(_("label of the lowest (English)"), max_length=80, blank=True)
    min_label_es = models.CharField(_("label of the lowest (Spanish)"), max_length=80, blank=True)
    max_label_fr = models.CharField(_("label of the highest (French)"), max_length=80, blank=True)
    max_label_en = models.CharField(_("label of the highest (English)"), max_length=80, blank=True)
    max_label_es = models.CharField(_("label of the highest (Spanish)"), max_length=80, blank=True)
    show_if_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shown only if the answer to"),
    )
    show_if_choice = models.ForeignKey(
        "Choice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("includes"),
    )

    class Meta:
        ordering = ["consultation", "position", "pk"]
        indexes = [models.Index(fields=["consultation", "position"], name="question_position")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__isnull=True)
                | Q(scale_max__isnull=True)
                | Q(scale_max__gt=models.F("scale_min")),
                name="question_scale_order",
            ),
        ]

    def __str__(self) -> str:
        return self.translated("text")

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_conditional(self) -> bool:
        return self.show_if_question_id is not None and self.show_if_choice_id is not None


class Choice(Translated):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    label_fr = models.CharField(_("choice (French)"), max_length=200, blank=True)
    label_en = models.CharField(_("choice (English)"), max_length=200, blank=True)
    label_es = models.CharField(_("choice (Spanish)"), max_length=200, blank=True)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.translated("label")


class SurveyResponse(models.Model):
    """One person's answers to a survey. `user` and `submitted_at` are set only in an open
    ballot; the key is random in both modes."""

    id = models.UUIDField(primary_key=True, default=new_answer_key, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="survey_responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["consultation", "id"], name="survey_response_consult")]

    def __str__(self) -> str:
        return str(self.pk)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=new_answer_key, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    value_int = models.SmallIntegerField(null=True, blank=True)  # a scale's value, a rank
    value_text = models.TextField(blank=True, max_length=MAX_TEXT)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"], name="answer_question_choice")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.value_int or self.value_text[:20]}"
