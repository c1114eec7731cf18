"""The volunteering module's part of the benchmark dataset, built at a tiny scale."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q

from milieu.accounts.models import TrustLevel, User
from milieu.accounts.selectors.identity import trust_level
from milieu.core import bench
from milieu.territory.models import Municipality
from milieu.volunteering import matching
from milieu.volunteering.bench import (
    OPEN_PER_ORGANISATION,
    RESIDENTS_PER_ORGANISATION,
)
from milieu.volunteering.models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    IdeaState,
    Opportunity,
    OpportunityStatus,
    Organisation,
    OrganisationMember,
    OrganisationStatus,
    ProjectIdea,
    VolunteerApplication,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db
SCALE = 0.002


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "manifest.json"
    call_command(
        "bench_generate",
        scale=SCALE,
        date=datetime.now(UTC).date().isoformat(),
        manifest=str(path),
        stdout=StringIO(),
    )
    return json.loads(path.read_text())


def test_the_generator_is_registered_after_the_others_it_reads():
    names = [generator.name for generator in bench.generators()]
    assert names.index("volunteering") > names.index("accounts")
    assert names.index("volunteering") > names.index("territory")


def test_organisations_opportunities_and_profiles_come_in_their_proportions(manifest):
    connection.check_constraints()  # the foreign keys of rows that the test rolls back
    residents = User.objects.filter(email__startswith="resident-").count()
    verified = Organisation.objects.filter(status=OrganisationStatus.VERIFIED)
    towns = Municipality.objects.count()
    assert towns <= verified.count() <= residents // RESIDENTS_PER_ORGANISATION + towns
    assert Organisation.objects.exclude(members__role="manager").count() == 0
    open_ones = Opportunity.objects.filter(
        status=OpportunityStatus.OPEN, organisation__status=OrganisationStatus.VERIFIED
    )
    assert open_ones.count() == OPEN_PER_ORGANISATION * verified.count()
    per_opportunity = open_ones.annotate(n=Count("skills")).values_list("n", flat=True)
    assert set(per_opportunity) <= {1, 2, 3}
    assert not open_ones.exclude(municipality=F("organisation__municipality")).exists()
    assert not Opportunity.objects.filter(one_off_on__gt=F("ends_on")).exists()
    assert not Opportunity.objects.filter(status=OpportunityStatus.OPEN, cell="").exists()
    # Besides the sample residents the harness logs in as, who all have one.
    samples = [e for town in manifest["volunteering"]["towns"].values() for e in town["volunteers"]]
    others = VolunteerProfile.objects.exclude(user__email__in=samples)
    people = residents - len(samples)
    assert 0.05 * people < others.count() < 0.12 * people
    assert 0.45 < others.filter(suggestible=True).count() / others.count() < 0.75
    # Profiles live where their people live, at their district's centre, with skills.
    assert not VolunteerProfile.objects.exclude(
        user__memberships__is_home=True,
        user__memberships__municipality=F("municipality"),
    ).exists()
    assert not VolunteerProfile.objects.annotate(n=Count("skills")).filter(n=0).exists()
    switched_on = Municipality.objects.values_list("enabled_modules", flat=True)
    assert all("volunteering" in modules for modules in switched_on)


def test_applications_and_hours_are_as_the_services_would_leave_them(manifest):
    assert VolunteerApplication.objects.exists()
    for opportunity in Opportunity.objects.annotate(
        accepted=Count("applications", filter=Q(applications__status=ApplicationStatus.ACCEPTED))
    ):
        assert opportunity.accepted_count == opportunity.accepted <= opportunity.places
    # Applicants have the trust level asked, in the opportunity's municipality.
    for application in VolunteerApplication.objects.select_related(
        "volunteer", "opportunity__municipality"
    )[:300]:
        opportunity = application.opportunity
        level = trust_level(user=application.volunteer, municipality=opportunity.municipality)
        assert level >= opportunity.required_trust
    assert not HoursLog.objects.exclude(application__status=ApplicationStatus.ACCEPTED).exists()
    assert not HoursLog.objects.exclude(volunteer=F("application__volunteer")).exists()
    assert not HoursLog.objects.exclude(status=HoursStatus.PENDING).filter(
        confirmed_by__isnull=True
    )
    assert not HoursLog.objects.filter(confirmed_by=F("volunteer")).exists()
    assert not OrganisationMember.objects.filter(
        user__volunteer_applications__opportunity__organisation=F("organisation")
    ).exists()


def test_project_ideas_count_their_supports(manifest):
    assert ProjectIdea.objects.filter(state=IdeaState.OPEN).exists()
    for idea in ProjectIdea.objects.annotate(n=Count("supports")):
        assert idea.supporters_count == idea.n
        assert (idea.published_at is None) == (idea.state == IdeaState.DRAFT)
    assert not ProjectIdea.objects.filter(supports__user=F("author")).exists()


def test_the_manifest_names_volunteers_and_opportunities_the_harness_can_use(manifest):
    part = manifest["volunteering"]
    towns = part["towns"]
    assert set(towns) == set(manifest["accounts"]["residents"])
    volunteers = [email for town in towns.values() for email in town["volunteers"]]
    assert volunteers
    found = VolunteerProfile.objects.filter(user__email__in=volunteers, suggestible=True)
    assert found.count() == len(volunteers)
    for slug, town in towns.items():
        for email in town["volunteers"][:2]:
            profile = VolunteerProfile.objects.select_related("municipality").get(user__email=email)
            assert profile.municipality.slug == slug
            matches, total = matching.opportunities_for(profile)
            assert total > 0 and matches[0].score > 0
        for email, opportunity_id in town["opportunities"][:3]:
            opportunity = Opportunity.objects.select_related("organisation").get(pk=opportunity_id)
            assert opportunity.municipality.slug == slug
            assert opportunity.organisation.members.filter(user__email=email).exists()
            assert opportunity.is_open_on(datetime.now(UTC).date())
            assert matching.volunteers_for(opportunity)[1] > 0
    assert any(town["opportunities"] for town in towns.values())
    assert VolunteerProfile.objects.filter(pk__in=part["profiles"]).count() == len(part["profiles"])
    opportunities = Opportunity.objects.filter(pk__in=part["opportunities"])
    assert opportunities.count() == len(part["opportunities"])
    assert set(opportunities.values_list("status", flat=True)) == {OpportunityStatus.OPEN}
    screened = Opportunity.objects.filter(required_trust=TrustLevel.SCREENED)
    assert screened.exists()
