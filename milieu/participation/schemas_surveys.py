"""The schemas of the surveys API."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ChoiceOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    position: int
    kind: str = Field(..., description="single, multiple, scale, ranking or text.")
    text: str
    help: str
    required: bool
    scale_min: int | None
    scale_max: int | None
    min_label: str
    max_label: str
    show_if_question: int | None = Field(
        None, description="Shown only when this question's answer includes `show_if_choice`."
    )
    show_if_choice: int | None
    choices: list[ChoiceOut]


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        ...,
        description=(
            "By question id: a choice id (single), a list of choice ids (multiple), a whole "
            "number (scale), the choice ids in order (ranking), a text (at most 2000 "
            "characters). Questions hidden by their condition are ignored."
        ),
    )
    age_confirmed: bool = False


class AnsweredOut(Schema):
    answered: bool


class ChoiceIn(Schema):
    label_fr: str = Field("", max_length=200)
    label_en: str = Field("", max_length=200)
    label_es: str = Field("", max_length=200)


class QuestionIn(Schema):
    """A question of a draft survey; texts in up to three languages (one at least)."""

    kind: str = Field(..., description="single, multiple, scale, ranking or text.")
    text_fr: str = Field("", max_length=500)
    text_en: str = Field("", max_length=500)
    text_es: str = Field("", max_length=500)
    help_fr: str = Field("", max_length=500)
    help_en: str = Field("", max_length=500)
    help_es: str = Field("", max_length=500)
    original_language: str | None = None
    required: bool = False
    scale_min: int | None = None
    scale_max: int | None = None
    min_label_fr: str = Field("", max_length=80)
    min_label_en: str = Field("", max_length=80)
    min_label_es: str = Field("", max_length=80)
    max_label_fr: str = Field("", max_length=80)
    max_label_en: str = Field("", max_length=80)
    max_label_es: str = Field("", max_length=80)
    show_if_choice: int | None = Field(
        None, description="Show the question only when an earlier question's answer has it."
    )
    choices: list[ChoiceIn] = Field(
        default_factory=list, description="For single, multiple and ranking questions."
    )


class QuestionPatch(Schema):
    """The fields to change; the others keep their value."""

    kind: str | None = None
    text_fr: str | None = Field(None, max_length=500)
    text_en: str | None = Field(None, max_length=500)
    text_es: str | None = Field(None, max_length=500)
    help_fr: str | None = Field(None, max_length=500)
    help_en: str | None = Field(None, max_length=500)
    help_es: str | None = Field(None, max_length=500)
    required: bool | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    show_if_choice: int | None = None
    choices: list[ChoiceIn] | None = None
