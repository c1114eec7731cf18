"""The questionnaire as a form: one radio group per question (levels 0 to 5), none required so
that a draft is saved as the team goes."""

from __future__ import annotations

from django import forms

from .dimensions import Dimension
from .questions import LEVELS, QUESTIONS, questions_of


class QuestionnaireForm(forms.Form):
    def __init__(self, *args, answers: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for question in QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.text,
                choices=[(level, f"{level} — {label}") for level, label in LEVELS],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=answers.get(question.key),
            )

    def sections(self) -> list[tuple[str, list]]:
        """(dimension name, its bound fields) in the order of the dimensions."""
        return [
            (str(label), [self[q.key] for q in questions_of(key)])
            for key, label in Dimension.choices
        ]

    def given(self) -> dict[str, int]:
        return {key: value for key, value in self.cleaned_data.items() if value is not None}
