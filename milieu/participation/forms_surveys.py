"""Forms of the survey's staff editor: a question, its choices one per line in each language
(line N in English translates line N in French), its scale, its condition."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.core.mixins import LANGUAGE_CODES

from .forms_consultations import LANGUAGES
from .models import Question, QuestionKind


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text_fr = forms.CharField(label=_("Question in French"), max_length=500, required=False)
    text_en = forms.CharField(label=_("Question in English"), max_length=500, required=False)
    text_es = forms.CharField(label=_("Question in Spanish"), max_length=500, required=False)
    help_fr = forms.CharField(label=_("Help in French"), max_length=500, required=False)
    help_en = forms.CharField(label=_("Help in English"), max_length=500, required=False)
    help_es = forms.CharField(label=_("Help in Spanish"), max_length=500, required=False)
    original_language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices_fr = forms.CharField(
        label=_("Choices in French, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For one choice, several choices and rankings. Reorder the lines to reorder."),
    )
    choices_en = forms.CharField(
        label=_("Choices in English, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    choices_es = forms.CharField(
        label=_("Choices in Spanish, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    scale_min = forms.IntegerField(label=_("Scale from"), required=False, initial=1)
    scale_max = forms.IntegerField(label=_("Scale to"), required=False, initial=5)
    min_label_fr = forms.CharField(
        label=_("Lowest value, in French"), max_length=80, required=False
    )
    max_label_fr = forms.CharField(
        label=_("Highest value, in French"), max_length=80, required=False
    )
    min_label_en = forms.CharField(
        label=_("Lowest value, in English"), max_length=80, required=False
    )
    max_label_en = forms.CharField(
        label=_("Highest value, in English"), max_length=80, required=False
    )
    min_label_es = forms.CharField(
        label=_("Lowest value, in Spanish"), max_length=80, required=False
    )
    max_label_es = forms.CharField(
        label=_("Highest value, in Spanish"), max_length=80, required=False
    )
    show_if_choice = forms.TypedChoiceField(
        label=_("Show only to those who answered"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, conditions: list[tuple[int, str]], question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        cast(forms.ChoiceField, self.fields["show_if_choice"]).choices = [
            ("", _("Always show")),
            *conditions,
        ]

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        initial = {
            name: getattr(question, name) for name in cls.base_fields if hasattr(question, name)
        }
        initial["show_if_choice"] = question.show_if_choice_id
        choices = list(question.choices.all())
        for code in LANGUAGE_CODES:
            initial[f"choices_{code}"] = "\n".join(getattr(c, f"label_{code}") for c in choices)
        return initial

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        lines = {
            code: [line.strip() for line in (data.pop(f"choices_{code}") or "").splitlines()]
            for code in LANGUAGE_CODES
        }
        count = max(len(items) for items in lines.values())
        existing = list(self.question.choices.all()) if self.question else []
        choices: list[dict[str, Any]] = []
        for index in range(count):
            labels = {
                f"label_{code}": lines[code][index] if index < len(lines[code]) else ""
                for code in LANGUAGE_CODES
            }
            if not any(labels.values()):
                continue
            item: dict[str, Any] = dict(labels)
            if len(choices) < len(existing):
                item["id"] = existing[len(choices)].pk
            choices.append(item)
        data["choices"] = choices
        return data
