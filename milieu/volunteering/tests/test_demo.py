"""The volunteering demo (`make run`): what it shows, through the real matching, and that
loading it twice changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from milieu.accounts.models import TrustLevel, User
from milieu.core import demo
from milieu.volunteering import matching, selectors
from milieu.volunteering.models import (
    IdeaState,
    Opportunity,
    OpportunityStatus,
    Organisation,
    OrganisationStatus,
    ProjectIdea,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def test_the_loader_comes_after_the_accounts_and_the_community_it_uses():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("volunteering") > names.index("community")
    assert names.index("volunteering") > names.index("identity")


def test_entraide_brossard_is_verified_and_recruits_for_two_opportunities(loaded):
    organisation = Organisation.objects.get(name="Entraide Brossard")
    assert organisation.municipality.slug == "brossard"
    assert organisation.status == OrganisationStatus.VERIFIED
    assert organisation.verified_by.email == "employe.brossard@demo.milieu.test"
    assert [(m.user.email, m.role) for m in organisation.members.select_related("user")] == [
        ("organisme@demo.milieu.test", "manager")
    ]
    assert "volunteering" in organisation.municipality.enabled_modules
    opportunities = {o.title: o for o in organisation.opportunities.all()}
    assert len(opportunities) == 2
    assert {o.status for o in opportunities.values()} == {OpportunityStatus.OPEN}
    books = opportunities["Tenue de livres de l'organisme"]
    camp = opportunities["Animation au camp de jour"]
    assert "accounting" in {s.slug for s in books.skills.all()}
    assert books.required_trust == TrustLevel.MEMBER
    assert camp.required_trust == TrustLevel.SCREENED
    assert "youth" in {s.slug for s in camp.skills.all()}
    assert "Entraide Brossard" in loaded


def test_camille_is_suggested_the_bookkeeping_first_and_to_it(loaded):
    camille = User.objects.get(email="citoyenne@demo.milieu.test")
    profile = selectors.profile_of(camille)
    assert profile.suggestible
    matches, total = matching.opportunities_for(profile)
    assert total == 2
    assert matches[0].opportunity.title == "Tenue de livres de l'organisme"
    books = Opportunity.objects.get(title="Tenue de livres de l'organisme")
    volunteers, _total = matching.volunteers_for(books)
    assert [m.profile.user for m in volunteers] == [camille]
    # Camille is a verified resident, not screened: the day camp does not suggest her.
    camp = Opportunity.objects.get(title="Animation au camp de jour")
    assert camille not in [m.profile.user for m in matching.volunteers_for(camp)[0]]


def test_a_published_project_idea_has_one_support(loaded):
    idea = ProjectIdea.objects.get(title="Frigo communautaire au Centre")
    assert idea.is_published and idea.state == IdeaState.OPEN
    assert idea.author.email == "citoyenne@demo.milieu.test"
    assert idea.supporters_count == idea.supports.count() == 1
    assert idea.supports.get().user.email == "newcomer@demo.milieu.test"


def test_loading_the_demo_again_changes_nothing(loaded):
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert "Volunteering:\n  already loaded" in out.getvalue()
    assert VolunteerProfile.objects.count() == 1
