"""The volunteering pages (`volunteering:*`, `volunteering_staff:*`) through the Django test
client: every page in French, English and Spanish, the forms' happy paths, refusals that say
which field and store nothing, and constant queries on the lists and the suggestions."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from milieu.accounts.models import TrustLevel
from milieu.core.testing import assert_constant_queries, client_for
from milieu.volunteering.models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    Opportunity,
    Organisation,
    OrganisationStatus,
    VolunteerApplication,
    VolunteerProfile,
)
from milieu.volunteering.services import volunteering as services

from .factories import opportunity, organisation, resident, staff, volunteer

pytestmark = pytest.mark.django_db
LANGUAGES = ("fr", "en", "es")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock."""


def _t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def url(name: str, municipality, *args, language: str = "fr") -> str:
    namespace = "" if ":" in name else "volunteering:"
    with translation.override(language):
        return reverse(f"{namespace}{name}", args=[municipality.slug, *args])


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def mission(org):
    return opportunity(org, title="Tenir les livres")


@pytest.fixture
def applied(mission, citizen):
    services.profile_save(actor=citizen, values={"skills": ["accounting"], "suggestible": True})
    return services.application_submit(actor=citizen, opportunity=mission, message="Bonjour")


@pytest.fixture
def accepted(applied, manager):
    return services.application_accept(actor=manager, application=applied)


@pytest.fixture
def logged(accepted, citizen):
    return services.hours_log(
        actor=citizen, application=accepted, worked_on=timezone.localdate(), hours="2"
    )


# --- Every page, in three languages -------------------------------------------------------------


def _pages(here, org, mission, accepted):
    """(who, route, args, a heading the page shows)."""
    return [
        (None, "opportunities", [], "Opportunities"),
        (None, "opportunity", [mission.pk], "About this opportunity"),
        (None, "organisations", [], "Verified organisations"),
        (None, "organisation", [org.pk], "About"),
        ("citizen", "suggestions", [], "Suggested for me"),
        ("citizen", "profile", [], "My volunteer profile"),
        ("citizen", "my_applications", [], "My applications"),
        ("citizen", "application", [accepted.pk], "Log hours"),
        ("manager", "application", [accepted.pk], "The application"),
        ("citizen", "organisation_register", [], "Register an organisation"),
        ("manager", "organisation_edit", [org.pk], "Change the organisation"),
        ("manager", "organisation_team", [org.pk], "Add someone"),
        ("manager", "opportunity_create", [org.pk], "Post an opportunity"),
        ("manager", "opportunity_edit", [mission.pk], "Change the opportunity"),
        ("manager", "opportunity_volunteers", [mission.pk], "Applicants"),
        ("staff", "volunteering_staff:organisations", [], "Volunteering organisations"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_each_language(
    here, org, mission, accepted, manager, citizen, language
):
    people = {None: None, "citizen": citizen, "manager": manager, "staff": staff(here)}
    for who, route, args, heading in _pages(here, org, mission, accepted):
        response = client_for(people[who]).get(url(route, here, *args, language=language))
        assert response.status_code == 200, (route, who, language)
        assert f'lang="{language}"' in body(response)
        assert _t(language, heading) in body(response), (route, language)


def test_the_landing_page_is_public_and_lists_open_opportunities_of_verified_organisations(
    here, org, mission, manager
):
    organisation(here, verified=False, name="Pas encore vérifiée")
    closed = opportunity(org, title="Mission fermée")
    services.opportunity_set_status(actor=manager, opportunity=closed, status="closed")
    response = client_for().get(url("opportunities", here))
    assert response.status_code == 200
    assert "Tenir les livres" in body(response)
    assert "Mission fermée" not in body(response)


def test_the_search_filters_by_skill_and_words_and_htmx_gets_the_results_only(here, org, mission):
    opportunity(org, title="Jardin partagé", skills=["gardening"])
    client = client_for()
    page = body(client.get(url("opportunities", here) + "?skill=gardening"))
    assert "Jardin partagé" in page and "Tenir les livres" not in page
    page = body(client.get(url("opportunities", here) + "?q=livres"))
    assert "Tenir les livres" in page and "Jardin partagé" not in page
    partial = client.get(url("opportunities", here) + "?q=livres", **HTMX)
    assert 'id="opportunity-results"' in body(partial) and "<html" not in body(partial)


def test_a_module_switched_off_has_no_pages(here, mission):
    here.enabled_modules = ["districts"]
    here.save(update_fields=["enabled_modules"])
    assert client_for().get(url("opportunities", here)).status_code == 404


# --- The volunteer's side -----------------------------------------------------------------------


def test_the_profile_form_saves_skills_times_languages_dates_and_the_opt_in(here, citizen):
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client_for(citizen).post(
        url("profile", here),
        {
            "skills": ["accounting", "law"],
            "other_skills": "Tenue de livres",
            "interests": "Aînés",
            "languages": ["fr", "en"],
            "availability": ["tue-evening", "sat-morning"],
            "one_off_dates": day,
            "suggestible": "on",
        },
    )
    assert response.status_code == 302
    profile = VolunteerProfile.objects.get(user=citizen)
    assert sorted(profile.skills.values_list("slug", flat=True)) == ["accounting", "law"]
    assert profile.suggestible is True
    assert profile.languages == ["fr", "en"]
    assert profile.one_off_dates == [day]
    page = body(client_for(citizen).get(url("profile", here, language="en")))
    checked = re.findall(r'<input[^>]*value="([\w-]+)"[^>]*\bchecked\b', page)
    assert sorted(checked) == sorted(
        ["accounting", "law", "fr", "en", "tue-evening", "sat-morning"]
    ), checked
    assert re.search(r'name="suggestible"[^>]*\bchecked\b', page)


def test_the_profile_grid_labels_each_time_in_the_readers_language(here, citizen):
    page = body(client_for(citizen).get(url("profile", here, language="en")))
    assert 'aria-label="Tuesday evening"' in page
    assert "Accounting" in page
    page = body(client_for(citizen).get(url("profile", here, language="fr")))
    assert "Comptabilité" in page


def test_a_bad_profile_says_which_field_and_stores_nothing(here, citizen):
    response = client_for(citizen).post(
        url("profile", here, language="en"),
        {"skills": ["accounting"], "one_off_dates": "not a date", "suggestible": "on"},
    )
    assert response.status_code == 400
    assert _t("en", "Enter dates as YYYY-MM-DD.") in body(response)
    assert not VolunteerProfile.objects.exists()
    response = client_for(citizen).post(url("profile", here), {"availability": ["someday"]})
    assert response.status_code == 400
    assert not VolunteerProfile.objects.exists()


def test_deleting_the_profile_forgets_it(here, citizen):
    services.profile_save(actor=citizen, values={"skills": ["law"], "suggestible": True})
    response = client_for(citizen).post(url("profile_delete", here))
    assert response.status_code == 302
    assert not VolunteerProfile.objects.exists()


def test_suggestions_rank_and_explain(here, org, citizen):
    opportunity(org, title="Jardin partagé", skills=["gardening"])
    opportunity(org, title="Tenir les livres")
    services.profile_save(
        actor=citizen,
        values={
            "skills": ["accounting"],
            "availability": ["tue-evening"],
            "languages": ["fr"],
            "suggestible": True,
        },
    )
    page = body(client_for(citizen).get(url("suggestions", here, language="en")))
    assert page.index("Tenir les livres") < page.index("Jardin partagé")
    assert "Shared skills:" in page and "Accounting" in page
    assert "Overlapping times:" in page and "Tuesday evening" in page
    assert "about 1 km" in page
    assert "Languages in common:" in page and "French" in page


def test_suggestions_without_a_profile_invite_to_fill_it(here, citizen):
    page = body(client_for(citizen).get(url("suggestions", here, language="en")))
    assert _t("en", "Fill in my volunteer profile") in page


def test_applying_through_the_page(here, mission, citizen):
    response = client_for(citizen).post(url("opportunity", here, mission.pk), {"message": "Hi"})
    assert response.status_code == 302
    application = VolunteerApplication.objects.get()
    assert response["Location"] == url("application", here, application.pk)
    assert application.volunteer == citizen and application.message == "Hi"


def test_a_message_too_long_is_refused_with_its_field_and_nothing_stored(here, mission, citizen):
    response = client_for(citizen).post(
        url("opportunity", here, mission.pk), {"message": "x" * 2001}
    )
    assert response.status_code == 400
    assert 'id="id_message_error"' in body(response) or "errorlist" in body(response)
    assert not VolunteerApplication.objects.exists()


def test_the_required_trust_level_is_shown_and_enforced(here, org, citizen):
    mission = opportunity(org, title="Aide aux devoirs", required_trust=TrustLevel.SCREENED)
    page = body(client_for(citizen).get(url("opportunity", here, mission.pk, language="en")))
    level = str(TrustLevel.SCREENED.label)
    with translation.override("en"):
        level = str(TrustLevel.SCREENED.label)
    assert f"Requires trust level: {level}" in page
    assert "you cannot apply" in page
    assert _t("en", "Apply to this opportunity") not in page
    response = client_for(citizen).post(url("opportunity", here, mission.pk, language="en"), {})
    assert response.status_code == 403
    assert "which you do not have yet" in body(response)
    assert not VolunteerApplication.objects.exists()


def test_visitors_are_asked_to_log_in_to_apply(here, mission):
    page = body(client_for().get(url("opportunity", here, mission.pk, language="en")))
    assert _t("en", "Log in to apply") in page
    response = client_for().post(url("opportunity", here, mission.pk), {})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not VolunteerApplication.objects.exists()


def test_logging_hours_and_their_confirmation_through_the_pages(here, accepted, citizen, manager):
    today = timezone.localdate().isoformat()
    response = client_for(citizen).post(
        url("hours_log", here, accepted.pk), {"worked_on": today, "hours": "3", "note": ""}
    )
    assert response.status_code == 302
    entry = HoursLog.objects.get()
    assert entry.hours == Decimal("3.00") and entry.status == HoursStatus.PENDING
    # The volunteer has no button to confirm, and is refused if they try.
    page = body(client_for(citizen).get(url("application", here, accepted.pk, language="en")))
    assert _t("en", "Confirm the hours") not in page
    refused = client_for(citizen).post(url("hours_confirm", here, entry.pk, language="en"))
    assert refused.status_code == 403
    assert _t("en", "Hours are confirmed by the organisation, not by the volunteer.") in body(
        refused
    )
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    # The organisation confirms.
    page = body(client_for(manager).get(url("application", here, accepted.pk, language="en")))
    assert _t("en", "Confirm the hours") in page
    assert client_for(manager).post(url("hours_confirm", here, entry.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED
    page = body(client_for(citizen).get(url("my_applications", here, language="en")))
    assert "Hours of volunteering confirmed, in all: 3" in page


def test_bad_hours_say_which_field_and_store_nothing(here, accepted, citizen):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(citizen).post(
        url("hours_log", here, accepted.pk, language="en"), {"worked_on": tomorrow, "hours": "2"}
    )
    assert response.status_code == 400
    assert "Choose a day in the last 90 days." in body(response)
    response = client_for(citizen).post(
        url("hours_log", here, accepted.pk), {"worked_on": "", "hours": "30"}
    )
    assert response.status_code == 400
    assert not HoursLog.objects.exists()


def test_hours_can_be_rejected_by_the_organisation(here, logged, manager):
    response = client_for(manager).post(url("hours_reject", here, logged.pk))
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.status == HoursStatus.REJECTED


def test_accept_and_decline_from_the_volunteers_page(here, mission, applied, manager):
    page = body(client_for(manager).get(url("opportunity_volunteers", here, mission.pk)))
    assert "Camille Comptable" in page
    back = url("opportunity_volunteers", here, mission.pk)
    response = client_for(manager).post(
        url("application_step", here, applied.pk, "accept"), {"next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    applied.refresh_from_db()
    assert applied.status == ApplicationStatus.ACCEPTED
    response = client_for(manager).post(
        url("application_step", here, applied.pk, "decline"), {"decline-note": "Complet"}
    )
    applied.refresh_from_db()
    assert applied.status == ApplicationStatus.DECLINED and applied.decision_note == "Complet"


def test_the_volunteer_withdraws(here, applied, citizen):
    response = client_for(citizen).post(url("application_step", here, applied.pk, "withdraw"))
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == ApplicationStatus.WITHDRAWN


def test_suggested_volunteers_show_display_names_only_with_the_score(here, mission, manager):
    person = volunteer(here, display_name="Valérie Volontaire")
    shy = volunteer(here, display_name="Timide Personne", suggestible=False)
    page = body(
        client_for(manager).get(url("opportunity_volunteers", here, mission.pk, language="en"))
    )
    assert "Valérie Volontaire" in page and "Timide Personne" not in page
    assert person.email not in page and shy.email not in page
    assert "Shared skills:" in page


# --- Organisations ------------------------------------------------------------------------------


ORGANISATION_FORM = {
    "name": "Popote roulante",
    "mission": "Des repas pour les aînés.",
    "email": "popote@example.org",
    "languages": ["fr"],
}


def test_registering_an_organisation_makes_me_its_manager_awaiting_verification(here, citizen):
    response = client_for(citizen).post(url("organisation_register", here), ORGANISATION_FORM)
    assert response.status_code == 302
    created = Organisation.objects.get(name="Popote roulante")
    assert created.status == OrganisationStatus.PENDING
    assert created.members.get().user == citizen
    page = body(client_for(citizen).get(url("organisation", here, created.pk, language="en")))
    assert _t("en", "Posting opportunities is possible once the organisation is verified.") in page


def test_an_organisation_can_serve_other_municipalities_of_its_region(here, citizen):
    from milieu.territory.tests.factories import MunicipalityFactory

    neighbour_town = MunicipalityFactory(region=here.region, slug="ville-voisine")
    page = body(client_for(citizen).get(url("organisation_register", here)))
    assert 'value="ville-voisine"' in page
    response = client_for(citizen).post(
        url("organisation_register", here), {**ORGANISATION_FORM, "serves": ["ville-voisine"]}
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Popote roulante")
    assert list(created.serves.all()) == [neighbour_town]
    response = client_for(citizen).post(
        url("organisation_edit", here, created.pk), {**ORGANISATION_FORM, "serves": ["ailleurs"]}
    )
    assert response.status_code == 400
    assert list(created.serves.all()) == [neighbour_town]


def test_a_bad_organisation_says_which_field_and_stores_nothing(here, citizen, org):
    response = client_for(citizen).post(
        url("organisation_register", here), {**ORGANISATION_FORM, "email": "pas une adresse"}
    )
    assert response.status_code == 400
    assert "errorlist" in body(response)
    # A name already registered here: the service's refusal lands on the field.
    response = client_for(citizen).post(
        url("organisation_register", here, language="en"),
        {**ORGANISATION_FORM, "name": org.name},
    )
    assert response.status_code == 400
    assert _t("en", "An organisation of this name is already registered here.") in body(response)
    assert Organisation.objects.count() == 1


def test_editing_the_organisation(here, org, manager):
    response = client_for(manager).post(
        url("organisation_edit", here, org.pk), {**ORGANISATION_FORM, "name": "Entraide renommée"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Entraide renommée"


def test_the_team_adds_by_email_and_removes(here, org, manager, citizen):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=citizen, email=citizen.email, defaults={"verified": True, "primary": True}
    )
    response = client_for(manager).post(
        url("organisation_team", here, org.pk),
        {"action": "add", "email": citizen.email, "role": "coordinator"},
    )
    assert response.status_code == 302
    member = org.members.get(user=citizen)
    unknown = client_for(manager).post(
        url("organisation_team", here, org.pk, language="en"),
        {"action": "add", "email": "personne@example.org", "role": "coordinator"},
    )
    assert unknown.status_code == 400
    assert _t("en", "No account with a verified address matches this email.") in body(unknown)
    assert org.members.count() == 2
    response = client_for(manager).post(
        url("organisation_team", here, org.pk), {"action": "remove", "member": member.pk}
    )
    assert response.status_code == 302
    assert not org.members.filter(user=citizen).exists()


def _opportunity_form(**fields) -> dict:
    return {
        "title": "Trésorerie",
        "description": "Tenir les comptes de l'organisme.",
        "skills": ["accounting"],
        "languages": ["fr"],
        "availability": ["tue-evening"],
        "places": "2",
        "required_trust": str(TrustLevel.MEMBER.value),
        "ends_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        **fields,
    }


def test_posting_an_opportunity(here, org, manager):
    response = client_for(manager).post(
        url("opportunity_create", here, org.pk), _opportunity_form()
    )
    assert response.status_code == 302
    created = Opportunity.objects.get()
    assert list(created.skills.values_list("slug", flat=True)) == ["accounting"]
    assert created.municipality == here and created.created_by == manager


def test_a_bad_opportunity_says_which_field_and_stores_nothing(here, org, manager):
    response = client_for(manager).post(
        url("opportunity_create", here, org.pk), _opportunity_form(places="0")
    )
    assert response.status_code == 400
    assert "errorlist" in body(response)
    response = client_for(manager).post(
        url("opportunity_create", here, org.pk, language="en"),
        _opportunity_form(skills=[], other_skills=""),
    )
    assert response.status_code == 400
    assert _t("en", "Name at least one skill wanted.") in body(response)
    assert not Opportunity.objects.exists()


def test_an_unverified_organisation_is_told_why_it_cannot_post(here, citizen):
    pending = organisation(here, manager=citizen, verified=False)
    page = client_for(citizen).get(url("opportunity_create", here, pending.pk, language="en"))
    assert page.status_code == 200
    assert "not verified yet" in body(page)
    response = client_for(citizen).post(
        url("opportunity_create", here, pending.pk), _opportunity_form()
    )
    assert response.status_code == 403
    assert not Opportunity.objects.exists()


def test_editing_and_closing_an_opportunity(here, mission, manager):
    response = client_for(manager).post(
        url("opportunity_edit", here, mission.pk), _opportunity_form(title="Livres et budget")
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.title == "Livres et budget"
    client_for(manager).post(url("opportunity_status", here, mission.pk), {"action": "close"})
    mission.refresh_from_db()
    assert mission.status == "closed"


# --- Staff --------------------------------------------------------------------------------------


def test_staff_verify_an_organisation_and_the_reading_is_logged(here, citizen, caplog):
    pending = organisation(here, manager=citizen, verified=False, name="Nouvelle entraide")
    officer = staff(here)
    with caplog.at_level("INFO", logger="milieu.audit"):
        page = client_for(officer).get(url("volunteering_staff:organisations", here))
    assert "Nouvelle entraide" in body(page) and citizen.email in body(page)
    assert any(
        r.getMessage() == "personal_data_access" and r.subject == citizen.pk for r in caplog.records
    )
    response = client_for(officer).post(
        url("volunteering_staff:organisation_status", here, pending.pk), {"status": "verified"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.VERIFIED and pending.verified_by == officer


def test_a_bad_staff_decision_is_refused_and_changes_nothing(here, citizen):
    pending = organisation(here, manager=citizen, verified=False)
    response = client_for(staff(here)).post(
        url("volunteering_staff:organisation_status", here, pending.pk), {"status": "deleted"}
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING


# --- Constant queries ---------------------------------------------------------------------------


def test_the_opportunities_list_runs_constant_queries(here, org):
    def add(n: int) -> list[str]:
        return [opportunity(org, title=f"Mission {org.pk}-{i}-{n}").title for i in range(n)]

    assert_constant_queries(client_for(), url("opportunities", here), add, few=1, many=12)


def test_the_organisations_list_runs_constant_queries(here):
    def add(n: int) -> list[str]:
        return [organisation(here).name for _ in range(n)]

    assert_constant_queries(client_for(), url("organisations", here), add, few=1, many=12)


def test_the_suggestions_run_constant_queries(here, org, citizen):
    services.profile_save(actor=citizen, values={"skills": ["accounting"], "suggestible": True})

    def add(n: int) -> list[str]:
        return [opportunity(org, title=f"Suggestion {i}-{n}").title for i in range(n)]

    assert_constant_queries(client_for(citizen), url("suggestions", here), add, few=1, many=12)


def test_my_applications_run_constant_queries(here, citizen):
    def add(n: int) -> list[str]:
        titles = []
        for i in range(n):
            org = organisation(here)
            mission = opportunity(org, title=f"Candidature {i}-{n}")
            application = services.application_submit(actor=citizen, opportunity=mission)
            manager = org.members.get().user
            services.application_accept(actor=manager, application=application)
            services.hours_log(
                actor=citizen,
                application=application,
                worked_on=timezone.localdate(),
                hours="1",
            )
            titles.append(mission.title)
        return titles

    assert_constant_queries(client_for(citizen), url("my_applications", here), add, few=1, many=8)


def test_the_volunteers_page_runs_constant_queries(here, mission, manager):
    def add(n: int) -> list[str]:
        return [volunteer(here, display_name=f"Bénévole {i}-{n}").display_name for i in range(n)]

    assert_constant_queries(
        client_for(manager), url("opportunity_volunteers", here, mission.pk), add, few=1, many=10
    )


def test_the_staff_queue_runs_constant_queries(here):
    officer = staff(here)

    def add(n: int) -> list[str]:
        return [organisation(here, verified=False).name for _ in range(n)]

    assert_constant_queries(
        client_for(officer), url("volunteering_staff:organisations", here), add, few=1, many=10
    )


def test_a_resident_of_another_town_finds_no_personal_page_here(here, mission):
    from .factories import town

    elsewhere = resident(town())
    assert client_for(elsewhere).get(url("profile", here)).status_code == 404
    assert client_for(elsewhere).get(url("my_applications", here)).status_code == 404
    assert client_for(elsewhere).get(url("opportunity", here, mission.pk)).status_code == 200
