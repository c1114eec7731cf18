"""The digital-maturity questionnaire, in code: for each of the seven `Dimension`s a few
questions, each answered on the same scale of levels 0 to 5; and, for each dimension, the
recommendation shown when it is among the weakest, with suggested first actions.

A dimension's score is the mean of its questions' levels; the overall score is the mean of the
dimensions' scores (`score`). Keys are stored in `DiagnosticAnswer.question`; texts are
translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import Any

from django.utils.translation import gettext_lazy as _

from .dimensions import MAX_SCORE, Dimension


@dataclass(frozen=True)
class Question:
    key: str
    dimension: str
    text: Any  # lazily translated


@dataclass(frozen=True)
class Recommendation:
    dimension: str
    text: Any
    actions: tuple[Any, ...]  # suggested first actions, lazily translated

    @property
    def dimension_label(self) -> Any:
        return Dimension(self.dimension).label


LEVELS: list[tuple[int, Any]] = [
    (0, _("Nothing yet")),
    (1, _("Thought about, not started")),
    (2, _("Started in places")),
    (3, _("In place for the main needs")),
    (4, _("Well established and followed up")),
    (5, _("Exemplary, others learn from us")),
]

D = Dimension
QUESTIONS: list[Question] = [
    Question("strategy_plan", D.STRATEGY, _("Our municipality has a written digital plan.")),
    Question("strategy_owner", D.STRATEGY, _("Someone is responsible for digital projects.")),
    Question("strategy_budget", D.STRATEGY, _("Digital projects have a budget of their own.")),
    Question(
        "connectivity_homes", D.CONNECTIVITY, _("Homes in our territory have high-speed internet.")
    ),
    Question(
        "connectivity_public",
        D.CONNECTIVITY,
        _("Public buildings offer free Wi-Fi and computers to residents."),
    ),
    Question(
        "connectivity_equipment",
        D.CONNECTIVITY,
        _("Our staff's equipment and software are up to date."),
    ),
    Question("services_forms", D.SERVICES, _("Residents can make their requests online.")),
    Question("services_payments", D.SERVICES, _("Residents can pay taxes and permits online.")),
    Question(
        "services_information",
        D.SERVICES,
        _("Municipal information is online, current and easy to find."),
    ),
    Question("data_inventory", D.DATA, _("We know what data the municipality holds.")),
    Question("data_decisions", D.DATA, _("Decisions rely on figures we follow over time.")),
    Question("data_open", D.DATA, _("We publish open data others can reuse.")),
    Question(
        "participation_consult",
        D.PARTICIPATION,
        _("Residents are consulted online on projects that concern them."),
    ),
    Question(
        "participation_report",
        D.PARTICIPATION,
        _("Residents can report a problem and follow what is done about it."),
    ),
    Question(
        "participation_offline",
        D.PARTICIPATION,
        _("Residents without internet have another way to take part."),
    ),
    Question("skills_staff", D.SKILLS, _("Staff are trained in the tools they use.")),
    Question("skills_elected", D.SKILLS, _("Elected officials understand digital issues.")),
    Question(
        "skills_residents", D.SKILLS, _("Residents who need it get help with digital skills.")
    ),
    Question(
        "security_backups", D.SECURITY, _("Our data is backed up and restoring it is tested.")
    ),
    Question(
        "security_privacy",
        D.SECURITY,
        _("A person is responsible for personal information (Law 25)."),
    ),
    Question(
        "security_training", D.SECURITY, _("Staff know how to spot phishing and report incidents.")
    ),
]
BY_KEY = {question.key: question for question in QUESTIONS}

RECOMMENDATIONS: dict[str, Recommendation] = {
    D.STRATEGY: Recommendation(
        D.STRATEGY,
        _("Give digital projects a direction, a person and a budget."),
        (
            _("Name a person responsible for digital projects."),
            _("Adopt a short digital plan at council."),
        ),
    ),
    D.CONNECTIVITY: Recommendation(
        D.CONNECTIVITY,
        _("Make sure residents and staff can get online."),
        (
            _("Map the homes without high-speed internet."),
            _("Open free Wi-Fi and a public computer at the town hall."),
        ),
    ),
    D.SERVICES: Recommendation(
        D.SERVICES,
        _("Put the most frequent requests online."),
        (
            _("List the ten most frequent requests and put the first one online."),
            _("Review the municipal website's information with residents."),
        ),
    ),
    D.DATA: Recommendation(
        D.DATA,
        _("Know your data and use it to decide."),
        (
            _("Make an inventory of the municipality's data."),
            _("Publish a first open dataset."),
        ),
    ),
    D.PARTICIPATION: Recommendation(
        D.PARTICIPATION,
        _("Let residents take part online and offline."),
        (
            _("Hold a first online consultation with a paper alternative."),
            _("Open problem reporting to residents."),
        ),
    ),
    D.SKILLS: Recommendation(
        D.SKILLS,
        _("Train staff, elected officials and residents."),
        (
            _("Offer staff a short course on the tools they use."),
            _("Offer residents free coaching in digital skills."),
        ),
    ),
    D.SECURITY: Recommendation(
        D.SECURITY,
        _("Protect the municipality's data and residents' privacy."),
        (
            _("Test restoring a backup."),
            _("Name the person responsible for personal information (Law 25)."),
        ),
    ),
}

WEAK_BELOW = 3.0  # a dimension scored under this is a candidate for action
MAX_RECOMMENDATIONS = 3


def questions_of(dimension: str) -> list[Question]:
    return [question for question in QUESTIONS if question.dimension == dimension]


def score(answers: dict[str, int]) -> tuple[dict[str, float], float | None]:
    """Each dimension's score (mean of its answered questions, rounded to 0.1) and the overall
    score (mean of the scored dimensions); dimensions without an answer are left out."""
    scores: dict[str, float] = {}
    for dimension in Dimension.values:
        levels = [answers[q.key] for q in questions_of(dimension) if q.key in answers]
        if levels:
            scores[dimension] = round(fmean(levels), 2)
    overall = round(fmean(scores.values()), 2) if scores else None
    return scores, overall


def weakest(scores: dict[str, float]) -> list[Recommendation]:
    """The recommendations for the weakest dimensions: at most three, scored under 3 out of 5,
    the lowest first (ties in the order of the dimensions)."""
    order = {key: index for index, key in enumerate(Dimension.values)}
    weak = sorted(
        (key for key, value in scores.items() if value < WEAK_BELOW),
        key=lambda key: (scores[key], order[key]),
    )
    return [RECOMMENDATIONS[key] for key in weak[:MAX_RECOMMENDATIONS]]


assert all(0 <= level <= MAX_SCORE for level, _label in LEVELS)
