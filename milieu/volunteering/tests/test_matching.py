"""Matching both ways: the ranking, the explained score, consent, trust, constant queries."""

import pytest

from milieu.accounts.models import TrustLevel
from milieu.volunteering import matching, selectors
from milieu.volunteering.services import volunteering

from .factories import opportunity, organisation, resident, screened, volunteer

pytestmark = pytest.mark.django_db


def test_the_opportunity_wanting_my_skill_comes_first(here, org):
    opportunity(org, title="Animer un atelier", skills=["youth"], availability=["sat-morning"])
    books = opportunity(org, title="Comptable recherché", skills=["accounting"])
    person = volunteer(here, skills=("accounting",))
    matches, total = matching.opportunities_for(selectors.profile_of(person))
    assert total == 2
    first = matches[0]
    assert first.opportunity == books
    assert first.parts == {"skills": 40, "availability": 12, "distance": 20, "language": 15}
    assert [skill.slug for skill in first.shared_skills] == ["accounting"]
    assert first.overlap_slots == ["tue-evening"] and first.shared_languages == ["fr"]
    assert matches[1].score < first.score


def test_only_volunteers_who_opted_in_are_suggested(here, org):
    mission = opportunity(org)
    willing = volunteer(here, display_name="Oui")
    volunteer(here, suggestible=False, display_name="Non")
    matches, total = matching.volunteers_for(mission)
    assert [m.profile.user for m in matches] == [willing]
    assert total == 1


def test_volunteers_are_ranked_by_score_and_explained(here, org):
    mission = opportunity(org, skills=["accounting", "law"], languages=["en"])
    both = volunteer(here, skills=("accounting", "law"), languages=["en"], display_name="A")
    one = volunteer(here, skills=("accounting",), display_name="B")
    matches, _total = matching.volunteers_for(mission)
    assert [m.profile.user for m in matches] == [both, one]
    assert matches[0].parts["skills"] == 40 and matches[1].parts["skills"] == 20
    assert matches[0].parts["language"] == 15 and matches[1].parts["language"] == 0


def test_volunteers_without_the_trust_level_are_not_suggested(here, org):
    mission = opportunity(org, required_trust=TrustLevel.SCREENED)
    volunteer(here)
    checked = screened(here)
    volunteering.profile_save(actor=checked, values={"skills": ["accounting"], "suggestible": True})
    matches, _total = matching.volunteers_for(mission)
    assert [m.profile.user for m in matches] == [checked]


def test_applicants_and_team_members_are_not_suggested(here, org, manager):
    mission = opportunity(org)
    person = volunteer(here)
    volunteering.profile_save(actor=manager, values={"skills": ["accounting"], "suggestible": True})
    volunteering.application_submit(actor=person, opportunity=mission)
    assert matching.volunteers_for(mission) == ([], 0)


def test_unverified_organisations_opportunities_are_not_suggested(here, manager):
    pending = organisation(here, verified=False)
    person = volunteer(here)
    assert matching.opportunities_for(selectors.profile_of(person)) == ([], 0)
    assert pending.opportunities.count() == 0


def test_query_counts_do_not_grow_with_the_candidates(here, org, django_assert_max_num_queries):
    mission = opportunity(org)
    for number in range(3):
        volunteer(here, display_name=f"V{number}")
    with django_assert_max_num_queries(4) as few:
        matching.volunteers_for(mission)
    for number in range(12):
        volunteer(here, display_name=f"W{number}")
        opportunity(org, title=f"Mission {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        _matches, total = matching.volunteers_for(mission)
    assert total == 15
    person = resident(here)
    volunteering.profile_save(actor=person, values={"skills": ["accounting"]})
    profile = selectors.profile_of(person)
    with django_assert_max_num_queries(5):
        _matches, total = matching.opportunities_for(profile)
    assert total == 13
