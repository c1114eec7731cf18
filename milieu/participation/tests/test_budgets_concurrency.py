"""A person votes on a budget once, whatever races: twenty submissions of the same person's
vote at once on PostgreSQL's concurrent writers leave one ballot and one vote, and the others
get the clear `Conflict`."""

import pytest

from .. import services_budgets
from ..models import Ballot, BudgetVote, BudgetVoteItem
from .factories_budgets import budget, resident, town
from .test_concurrency import at_once, needs_postgresql

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_votes_of_the_same_person_at_once_save_one():
    needs_postgresql()
    m = town()
    consultation = budget(m, ballot_mode="secret", projects=(("Parc", 400_000), ("Jardin", 5)))
    person = resident(m)
    chosen = list(consultation.budget_projects.values_list("pk", flat=True))

    def vote() -> str:
        services_budgets.budget_vote(actor=person, consultation=consultation, project_ids=chosen)
        return "saved"

    outcomes = at_once([vote] * THREADS)
    assert sorted(outcomes) == ["Conflict:already_voted"] * (THREADS - 1) + ["saved"]
    assert Ballot.objects.filter(consultation=consultation, user=person).count() == 1
    assert BudgetVote.objects.filter(consultation=consultation).count() == 1
    assert BudgetVoteItem.objects.count() == 2
