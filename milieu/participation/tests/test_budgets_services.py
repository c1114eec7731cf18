from decimal import Decimal

import pytest
from django.utils import translation

from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied

from .. import services_budgets as services
from ..models import Ballot, BudgetProject, BudgetVote, BudgetVoteItem
from .factories_budgets import budget, member, resident, staff, town

pytestmark = pytest.mark.django_db

PROJECTS = (("Parc", 400_000), ("Piste cyclable", 600_000), ("Jardin", 250_000))


@pytest.fixture(autouse=True)
def _in_english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def nothing_saved(consultation) -> None:
    assert Ballot.objects.filter(consultation=consultation).count() == 0
    assert BudgetVote.objects.filter(consultation=consultation).count() == 0
    assert BudgetVoteItem.objects.filter(vote__consultation=consultation).count() == 0


def ids(consultation, *titles):
    return [
        BudgetProject.objects.get(consultation=consultation, title_fr=title).pk for title in titles
    ]


def test_vote_within_budget_is_recorded_with_its_author_in_an_open_ballot():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    person = resident(m)
    vote = services.budget_vote(
        actor=person, consultation=consultation, project_ids=ids(consultation, "Parc", "Jardin")
    )
    assert vote.user == person
    assert sorted(vote.items.values_list("project__title_fr", flat=True)) == ["Jardin", "Parc"]
    assert Ballot.objects.filter(consultation=consultation, user=person).count() == 1


def test_vote_exactly_at_the_budget_is_accepted():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    vote = services.budget_vote(
        actor=resident(m),
        consultation=consultation,
        project_ids=ids(consultation, "Parc", "Piste cyclable"),
    )
    assert vote.items.count() == 2


def test_vote_over_the_budget_is_refused_with_the_totals_and_nothing_saved():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        services.budget_vote(
            actor=resident(m),
            consultation=consultation,
            project_ids=ids(consultation, "Parc", "Piste cyclable", "Jardin"),
        )
    assert caught.value.code == "over_budget"
    assert str(caught.value.message) == (
        "Your choices cost $1,250,000, more than the budget of $1,000,000. Remove a project to "
        "stay within the budget."
    )
    nothing_saved(consultation)


def test_over_budget_message_in_french_puts_the_dollar_after():
    with translation.override("fr"):
        message = services.over_budget_message(Decimal("1250000"), Decimal("1000000"))
    assert "1\xa0250\xa0000\xa0$" in message
    assert "1\xa0000\xa0000\xa0$" in message


def test_a_second_vote_is_a_conflict_and_changes_nothing():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    person = resident(m)
    services.budget_vote(
        actor=person, consultation=consultation, project_ids=ids(consultation, "Parc")
    )
    with pytest.raises(Conflict) as caught:
        services.budget_vote(
            actor=person, consultation=consultation, project_ids=ids(consultation, "Jardin")
        )
    assert str(caught.value.message) == "You have already voted."
    assert caught.value.code == "already_voted"
    assert BudgetVote.objects.filter(consultation=consultation).count() == 1
    assert list(
        BudgetVoteItem.objects.filter(vote__consultation=consultation).values_list(
            "project__title_fr", flat=True
        )
    ) == ["Parc"]


def test_a_project_of_another_budget_is_refused():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    other = budget(m, projects=(("Ailleurs", 10),))
    with pytest.raises(ApplicationError) as caught:
        services.budget_vote(
            actor=resident(m),
            consultation=consultation,
            project_ids=[*ids(consultation, "Parc"), *ids(other, "Ailleurs")],
        )
    assert caught.value.extra["fields"] == {"projects": ["Choose among the budget's projects."]}
    nothing_saved(consultation)


def test_no_project_chosen_is_refused():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    with pytest.raises(ApplicationError) as caught:
        services.budget_vote(actor=resident(m), consultation=consultation, project_ids=[])
    assert caught.value.extra["fields"] == {"projects": ["Choose at least one project."]}
    nothing_saved(consultation)


@pytest.mark.parametrize("phase", ["information", "results"])
def test_voting_outside_the_voting_phase_is_refused(phase):
    m = town()
    consultation = budget(m, projects=PROJECTS, phase=phase)
    with pytest.raises(PermissionDenied):
        services.budget_vote(
            actor=resident(m), consultation=consultation, project_ids=ids(consultation, "Parc")
        )
    nothing_saved(consultation)


def test_a_person_not_verified_as_resident_may_not_vote():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    with pytest.raises(PermissionDenied):
        services.budget_vote(
            actor=member(m), consultation=consultation, project_ids=ids(consultation, "Parc")
        )
    nothing_saved(consultation)


def test_a_resident_of_another_town_may_not_vote():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    with pytest.raises(PermissionDenied):
        services.budget_vote(
            actor=resident(town()),
            consultation=consultation,
            project_ids=ids(consultation, "Parc"),
        )
    nothing_saved(consultation)


def test_a_minimum_age_needs_the_declaration():
    m = town()
    consultation = budget(m, projects=PROJECTS, min_age=16)
    person = resident(m)
    with pytest.raises(ApplicationError) as caught:
        services.budget_vote(
            actor=person, consultation=consultation, project_ids=ids(consultation, "Parc")
        )
    assert list(caught.value.extra["fields"]) == ["age_confirmed"]
    nothing_saved(consultation)
    services.budget_vote(
        actor=person,
        consultation=consultation,
        project_ids=ids(consultation, "Parc"),
        age_confirmed=True,
    )
    assert Ballot.objects.get(consultation=consultation).age_confirmed is True


def test_a_secret_vote_names_no_one():
    m = town()
    consultation = budget(m, projects=PROJECTS, ballot_mode="secret")
    person = resident(m)
    vote = services.budget_vote(
        actor=person, consultation=consultation, project_ids=ids(consultation, "Parc")
    )
    vote.refresh_from_db()
    assert vote.user is None
    assert [f.name for f in BudgetVote._meta.concrete_fields] == ["id", "consultation", "user"]
    assert Ballot.objects.filter(consultation=consultation, user=person).count() == 1


# --- Projects (staff) ---------------------------------------------------------------------------


def test_staff_add_change_reorder_and_delete_projects_of_a_draft():
    m = town()
    consultation = budget(m, publish=False)
    actor = staff(m)
    first = services.budget_project_create(
        actor=actor, consultation=consultation, values={"title_fr": "Parc", "cost": "400000"}
    )
    second = services.budget_project_create(
        actor=actor,
        consultation=consultation,
        values={"title_en": "Bike path", "cost": "600 000,50"},
    )
    assert (first.position, second.position) == (0, 1)
    assert second.cost == Decimal("600000.50")
    assert second.original_language == "en"
    services.budget_project_update(actor=actor, project=first, values={"cost": "350000"})
    first.refresh_from_db()
    assert first.cost == Decimal("350000.00")
    assert first.title_fr == "Parc"
    services.budget_project_move(actor=actor, project=second, offset=-1)
    assert list(consultation.budget_projects.values_list("title_fr", "title_en")) == [
        ("", "Bike path"),
        ("Parc", ""),
    ]
    services.budget_project_reorder(
        actor=actor, consultation=consultation, project_ids=[first.pk, second.pk]
    )
    assert list(consultation.budget_projects.values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]
    services.budget_project_delete(actor=actor, project=first)
    assert list(consultation.budget_projects.values_list("pk", flat=True)) == [second.pk]


@pytest.mark.parametrize("cost", ["0", "-5", "abc", "", None])
def test_a_project_needs_a_positive_cost(cost):
    m = town()
    consultation = budget(m, publish=False)
    with pytest.raises(ApplicationError) as caught:
        services.budget_project_create(
            actor=staff(m), consultation=consultation, values={"title_fr": "Parc", "cost": cost}
        )
    assert list(caught.value.extra["fields"]) == ["cost"]
    assert BudgetProject.objects.count() == 0


def test_a_project_needs_a_title():
    m = town()
    consultation = budget(m, publish=False)
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        services.budget_project_create(
            actor=staff(m), consultation=consultation, values={"cost": 5}
        )
    assert caught.value.extra["fields"] == {"title_fr": ["Give a title in at least one language."]}


def test_projects_of_a_published_budget_cannot_change():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    actor = staff(m)
    target = consultation.budget_projects.get(title_fr="Parc")
    with pytest.raises(Conflict):
        services.budget_project_create(
            actor=actor, consultation=consultation, values={"title_fr": "X", "cost": 1}
        )
    with pytest.raises(Conflict):
        services.budget_project_update(actor=actor, project=target, values={"cost": 1})
    with pytest.raises(Conflict):
        services.budget_project_delete(actor=actor, project=target)
    target.refresh_from_db()
    assert target.cost == Decimal("400000.00")
    assert consultation.budget_projects.count() == 3


def test_a_district_of_another_town_is_refused():
    from milieu.territory.models import District

    m = town()
    elsewhere = District.objects.create(municipality=town(), slug="nord", name="Nord")
    consultation = budget(m, publish=False)
    with pytest.raises(ApplicationError) as caught:
        services.budget_project_create(
            actor=staff(m),
            consultation=consultation,
            values={"title_fr": "Parc", "cost": 5, "district": elsewhere.pk},
        )
    assert list(caught.value.extra["fields"]) == ["district"]


def test_a_non_budget_consultation_is_not_found():
    m = town()
    consultation = budget(m, projects=PROJECTS)
    consultation.kind = "survey"
    consultation.save()
    with pytest.raises(NotFound):
        services.budget_vote(actor=resident(m), consultation=consultation, project_ids=[1])


def test_a_budget_is_published_only_with_its_amount_and_projects_it_could_fund():
    from .. import services_consultations

    m = town()
    actor = staff(m)
    empty = budget(m, actor=actor, publish=False)
    with pytest.raises(ApplicationError) as refused:
        services_consultations.consultation_publish(actor=actor, consultation=empty)
    assert refused.value.extra["fields"] == {
        "projects": ["Add the projects to vote on before publishing the budget."]
    }
    too_dear = budget(m, actor=actor, publish=False, amount=1000, projects=(("Pont", 5000),))
    with pytest.raises(ApplicationError) as refused:
        services_consultations.consultation_publish(actor=actor, consultation=too_dear)
    assert refused.value.extra["fields"] == {
        "projects": [
            "The project “Pont” costs more than the whole budget: it could never be funded."
        ]
    }
    for draft in (empty, too_dear):
        draft.refresh_from_db()
        assert draft.status == "draft"
    fine = budget(m, actor=actor, publish=False, amount=1000, projects=(("Banc", 800),))
    published = services_consultations.consultation_publish(actor=actor, consultation=fine)
    assert published.status == "published"
