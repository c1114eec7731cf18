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
