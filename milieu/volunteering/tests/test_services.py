"""The volunteering services: organisations, opportunities, applications, hours and points."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from milieu.accounts.models import TrustLevel
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.rewards import services as rewards
from milieu.rewards.models import EarningRule
from milieu.volunteering.models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    Opportunity,
    OrganisationMember,
    OrganisationStatus,
    VolunteerApplication,
    VolunteerProfile,
)
from milieu.volunteering.services import organisations, volunteering

from .factories import opportunity, organisation, resident, screened, staff, town, volunteer

pytestmark = pytest.mark.django_db


def test_registering_makes_the_actor_manager_and_waits_for_verification(here, manager):
    org = organisation(here, manager=manager, verified=False, name="Popote roulante")
    assert org.status == OrganisationStatus.PENDING
    assert OrganisationMember.objects.get(organisation=org).role == "manager"


def test_an_unverified_organisation_cannot_recruit(here, manager):
    org = organisation(here, manager=manager, verified=False)
    with pytest.raises(PermissionDenied):
        opportunity(org, actor=manager)
    assert not Opportunity.objects.exists()


def test_staff_verify_and_the_organisation_can_then_recruit(here, manager):
    org = organisation(here, manager=manager, verified=False)
    organisations.organisation_set_status(
        actor=staff(here), organisation=org, status=OrganisationStatus.VERIFIED
    )
    org.refresh_from_db()
    assert org.status == OrganisationStatus.VERIFIED and org.verified_by is not None
    assert opportunity(org, actor=manager).status == "open"


def test_a_manager_cannot_verify_their_own_organisation(here, manager):
    org = organisation(here, manager=manager, verified=False)
    with pytest.raises(PermissionDenied):
        organisations.organisation_set_status(actor=manager, organisation=org, status="verified")
    org.refresh_from_db()
    assert org.status == OrganisationStatus.PENDING


def test_bad_input_names_the_field_and_stores_nothing(here, org, manager):
    with pytest.raises(ApplicationError) as error:
        opportunity(org, actor=manager, places=0)
    assert "places" in error.value.extra["fields"]
    with pytest.raises(ApplicationError) as error:
        opportunity(org, actor=manager, skills=["no-such-skill"])
    assert "skills" in error.value.extra["fields"]
    with pytest.raises(ApplicationError) as error:
        opportunity(org, actor=manager, availability=["someday"])
    assert "availability" in error.value.extra["fields"]
    assert not Opportunity.objects.exists()


def test_apply_accept_log_and_confirm_hours_earns_points(here, org, manager):
    mission = opportunity(org)
    person = volunteer(here)
    program = rewards.program_for(here)
    rewards.earning_rule_set(
        actor=staff(here), program=program, action=EarningRule.Action.VOLUNTEER_HOUR, points=10
    )
    application = volunteering.application_submit(actor=person, opportunity=mission)
    assert application.status == ApplicationStatus.PENDING
    volunteering.application_accept(actor=manager, application=application)
    mission.refresh_from_db()
    assert mission.accepted_count == 1
    entry = volunteering.hours_log(
        actor=person, application=application, worked_on=timezone.localdate(), hours="3"
    )
    assert entry.status == HoursStatus.PENDING and entry.hours == Decimal("3.00")
    volunteering.hours_confirm(actor=manager, entry=entry)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED
    assert rewards.points_balance(program=program, user=person) == 30
    with pytest.raises(Conflict):
        volunteering.hours_confirm(actor=manager, entry=entry)
    assert rewards.points_balance(program=program, user=person) == 30


def test_the_volunteer_cannot_confirm_their_own_hours(here, org, manager):
    mission = opportunity(org)
    person = volunteer(here)
    application = volunteering.application_submit(actor=person, opportunity=mission)
    volunteering.application_accept(actor=manager, application=application)
    entry = volunteering.hours_log(
        actor=person, application=application, worked_on=timezone.localdate(), hours=2
    )
    with pytest.raises(PermissionDenied):
        volunteering.hours_confirm(actor=person, entry=entry)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


def test_a_team_member_who_applies_cannot_confirm_their_own_hours_either(here, org, manager):
    """Even the organisation's manager, had they logged hours, could not confirm them: the
    database refuses a confirmation by the volunteer."""
    from django.db import IntegrityError, transaction

    mission = opportunity(org)
    person = volunteer(here)
    application = volunteering.application_submit(actor=person, opportunity=mission)
    volunteering.application_accept(actor=manager, application=application)
    entry = volunteering.hours_log(
        actor=person, application=application, worked_on=timezone.localdate(), hours=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursLog.objects.filter(pk=entry.pk).update(confirmed_by=person, status="confirmed")


def test_without_the_required_trust_level_one_cannot_apply(here, org):
    mission = opportunity(org, required_trust=TrustLevel.SCREENED, title="Aide aux devoirs")
    person = volunteer(here)
    with pytest.raises(volunteering.TrustRequired):
        volunteering.application_submit(actor=person, opportunity=mission)
    assert not VolunteerApplication.objects.exists()
    checked = screened(here)
    assert volunteering.application_submit(actor=checked, opportunity=mission).pk


def test_places_cannot_be_overfilled(here, org, manager):
    mission = opportunity(org, places=1)
    first = volunteering.application_submit(actor=volunteer(here), opportunity=mission)
    second = volunteering.application_submit(actor=volunteer(here), opportunity=mission)
    volunteering.application_accept(actor=manager, application=first)
    with pytest.raises(Conflict) as error:
        volunteering.application_accept(actor=manager, application=second)
    assert error.value.code == "full"
    volunteering.application_withdraw(actor=first.volunteer, application=first)
    volunteering.application_accept(actor=manager, application=second)
    mission.refresh_from_db()
    assert mission.accepted_count == 1


def test_applying_twice_is_a_conflict(here, org):
    mission = opportunity(org)
    person = volunteer(here)
    volunteering.application_submit(actor=person, opportunity=mission)
    with pytest.raises(Conflict):
        volunteering.application_submit(actor=person, opportunity=mission)
    assert VolunteerApplication.objects.count() == 1


def test_a_profile_is_not_suggestible_until_turned_on(here):
    person = resident(here)
    profile = volunteering.profile_save(actor=person, values={"skills": ["law"]})
    assert profile.suggestible is False and profile.cell
    assert VolunteerProfile.objects.get(user=person).skills.get().slug == "law"


def test_hours_in_the_future_are_refused(here, org, manager):
    mission = opportunity(org)
    person = volunteer(here)
    application = volunteering.application_submit(actor=person, opportunity=mission)
    volunteering.application_accept(actor=manager, application=application)
    with pytest.raises(ApplicationError) as error:
        volunteering.hours_log(
            actor=person,
            application=application,
            worked_on=timezone.localdate() + timedelta(days=1),
            hours=2,
        )
    assert "worked_on" in error.value.extra["fields"]
    assert not HoursLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_for_the_last_place_let_one_through():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers are PostgreSQL's; SQLite serialises them (IMMEDIATE), and "
            "test_places_cannot_be_overfilled covers the rule there. The PostgreSQL leg of CI "
            "runs this test."
        )
    here = town()
    manager = resident(here)
    org = organisation(here, manager=manager)
    mission = opportunity(org, places=1)
    asked = [
        volunteering.application_submit(actor=volunteer(here), opportunity=mission)
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(application) -> None:
        barrier.wait()
        try:
            volunteering.application_accept(actor=manager, application=application)
            outcomes.append("accepted")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(a,)) for a in asked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "refused"]
    mission.refresh_from_db()
    assert mission.accepted_count == 1
    assert VolunteerApplication.objects.filter(status="accepted").count() == 1
