"""The newcomer pages (`newcomers:*`) and the coordinators' pages (`newcomers_staff:*`), in
French, English and Spanish, with JavaScript off (plain forms) and on (htmx partials)."""

import datetime as dt
import logging

import pytest

from milieu.accounts.tests.factories import citizen_of
from milieu.community.models import (
    BuddyProfile,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
    PairingFeedback,
)
from milieu.community.services import newcomers as services
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    coordinator_of,
    district,
    newcomer_of,
    pairing_of,
    resource_of,
    town,
)
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def brossard():
    return town()


@pytest.fixture
def coordinator(brossard):
    return coordinator_of(brossard)


def body(response) -> str:
    return response.content.decode()


# --- The directory ------------------------------------------------------------------------------


@pytest.fixture
def directory(brossard):
    return {
        "trilingual": resource_of(
            brossard,
            name="Maison de l'accueil",
            category="welcome",
            description_fr="Accueil des personnes immigrantes.",
            description_en="Welcome for immigrants.",
            description_es="Acogida de personas inmigrantes.",
            languages=["fr", "en", "es"],
        ),
        "french_only": resource_of(
            brossard,
            name="Cours de français du soir",
            category="language",
            description_fr="Cours gratuits le soir.",
            languages=["fr"],
        ),
        "hidden": resource_of(
            brossard,
            name="Ancien service",
            description_fr="Fermé.",
            published=False,
        ),
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Accueil des personnes immigrantes."),
        ("en", "Welcome for immigrants."),
        ("es", "Acogida de personas inmigrantes."),
    ],
)
def test_the_directory_reads_in_the_readers_language_without_an_account(
    directory, language, expected
):
    response = client_for().get(f"/{language}/brossard/newcomers/")

    assert response.status_code == 200
    html = body(response)
    assert f'<html lang="{language}">' in html
    assert f'<div lang="{language}">{expected}</div>' in html
    # No translation in the reader's language: French, marked as such.
    assert '<div lang="fr">Cours gratuits le soir.</div>' in html
    assert "Ancien service" not in html
    # Categories in their order: welcome first, then French courses.
    assert html.index("Maison de l&#x27;accueil") < html.index("Cours de français du soir")
    assert 'href="/accounts/login/?next=' not in html  # no account needed
    assert f'href="/{language}/accounts/login/?next=/{language}/brossard/newcomers/"' in html


def test_the_directory_filters_by_category_and_language_served(directory):
    client = client_for()
    by_category = body(client.get("/en/brossard/newcomers/?category=language"))
    assert "Cours de français du soir" in by_category
    assert "Maison de l&#x27;accueil" not in by_category

    in_spanish = body(client.get("/en/brossard/newcomers/?language=es"))
    assert "Maison de l&#x27;accueil" in in_spanish
    assert "Cours de français du soir" not in in_spanish

    nothing = body(client.get("/en/brossard/newcomers/?category=housing"))
    assert "No resource matches these choices." in nothing


def test_the_directory_list_is_a_partial_for_htmx(directory):
    response = client_for().get("/en/brossard/newcomers/?category=welcome", **HTMX)
    html = body(response)
    assert html.lstrip().startswith('<div id="resource-list">')
    assert "Maison de l&#x27;accueil" in html
    assert "<h1>" not in html


def test_the_directory_is_paginated(brossard):
    for index in range(32):
        resource_of(brossard, name=f"Service {index:02d}")
    first = body(client_for().get("/en/brossard/newcomers/"))
    second = body(client_for().get("/en/brossard/newcomers/?page=2"))
    assert "Service 29" in first and "Service 30" not in first
    assert "Service 30" in second and "Service 31" in second
    assert "Page 2 of 2" in second


def test_the_page_does_not_exist_where_the_module_is_off():
    town("laprairie", "La Prairie", newcomers=False)
    assert client_for().get("/en/laprairie/newcomers/").status_code == 404


# --- A newcomer who reads English does everything -----------------------------------------------


def test_a_newcomer_with_english_pages_goes_from_profile_to_feedback(
    brossard, coordinator, django_capture_on_commit_callbacks
):
    centre = district(brossard, "Centre", 45.45, -73.46)
    person = citizen_of(brossard, display_name="Lucía Gómez", preferred_language="en")
    client = client_for(person)

    home = body(client.get("/en/brossard/newcomers/"))
    assert "I am new here" in home
    assert 'href="/en/brossard/newcomers/me/"' in home

    form = client.get("/en/brossard/newcomers/me/")
    assert form.status_code == 200
    assert "Date of my arrival" in body(form)
    saved = client.post(
        "/en/brossard/newcomers/me/",
        {
            "arrival_date": "2026-08-15",
            "languages_spoken": ["es", "en"],
            "languages_wanted": ["fr"],
            "needs": ["french", "friends"],
            "interests": ["cooking"],
            "availability": ["weekend_morning"],
            "district_id": str(centre.pk),
            "about": "Me encanta cocinar.",
            "seeking": "on",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == "/en/brossard/newcomers/"
    profile = NewcomerProfile.objects.get(user=person)
    assert profile.languages_spoken == ["es", "en"]
    assert profile.district == centre
    assert "a coordinator will propose a buddy to you" in body(client.get(saved["Location"]))

    buddy = buddy_of(brossard, user=citizen_of(brossard, display_name="Marc Tremblay"))
    buddy.languages = ["fr", "es"]
    buddy.save()
    with django_capture_on_commit_callbacks(execute=True):
        pairing = services.pairing_propose(actor=coordinator, newcomer=profile, buddy=buddy)
    url = f"/en/brossard/newcomers/pairings/{pairing.pk}/"

    page = body(client.get(url))
    assert "A buddy to welcome me" in page
    assert "Both speak Spanish." in page
    assert "Marc Tremblay" not in page  # not before both accept
    assert client.post(url + "accept/").status_code == 302
    assert "You accepted." in body(client.get(url))

    services.pairing_accept(actor=buddy.user, pairing=pairing)
    page = body(client.get(url))
    assert "Marc Tremblay" in page
    handle = buddy.user.community_profile.handle
    assert f"(@{handle})" in page
    assert f'<a href="/en/messages/new/?to={handle}">Write a message</a>' in page

    assert client.post(url + "complete/").status_code == 302
    assert "The pairing is completed. Thank you!" in body(client.get(url))
    assert client.post(url + "feedback/", {"rating": "5", "comment": "Great!"}).status_code == 302
    assert PairingFeedback.objects.get().rating == 5
    assert "Thank you for your feedback." in body(client.get(url))

    mine = body(client.get("/en/brossard/newcomers/pairings/"))
    assert url in mine
    assert "Completed" in mine


def test_a_bad_profile_is_shown_again_with_what_was_typed(brossard):
    client = client_for(citizen_of(brossard))
    response = client.post(
        "/en/brossard/newcomers/me/",
        {"arrival_date": "not a date", "about": "Me encanta cocinar.", "seeking": "on"},
    )
    assert response.status_code == 400
    html = body(response)
    assert "Me encanta cocinar." in html
    assert "Enter a valid date." in html
    assert not NewcomerProfile.objects.exists()


def test_a_far_future_arrival_is_refused_by_the_service_and_the_form_keeps_it(brossard):
    client = client_for(citizen_of(brossard))
    far = (dt.date.today() + dt.timedelta(days=900)).isoformat()
    response = client.post(
        "/en/brossard/newcomers/me/",
        {"arrival_date": far, "languages_spoken": ["es"], "about": "Hola"},
    )
    assert response.status_code == 400
    assert "Enter a date within the coming year." in body(response)
    assert f'value="{far}"' in body(response)
    assert not NewcomerProfile.objects.exists()


def test_a_resident_volunteers_as_a_buddy_in_french(brossard):
    person = citizen_of(brossard)
    client = client_for(person)
    assert client.get("/fr/brossard/newcomers/buddy/").status_code == 200
    response = client.post(
        "/fr/brossard/newcomers/buddy/",
        {"languages": ["fr", "en"], "capacity": "2", "interests": ["music"], "active": "on"},
    )
    assert response.status_code == 302
    buddy = BuddyProfile.objects.get(user=person)
    assert (buddy.languages, buddy.capacity, buddy.active) == (["fr", "en"], 2, True)
    # Shown again, filled in.
    form = body(client.get("/fr/brossard/newcomers/buddy/"))
    assert '<option value="2" selected>' in form


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_every_member_page_answers_in_each_language(brossard, coordinator, language):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "active", by=coordinator)
    client = client_for(newcomer.user)
    for path in ("", "me/", "buddy/", "pairings/", f"pairings/{pairing.pk}/"):
        response = client.get(f"/{language}/brossard/newcomers/{path}")
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in body(response)


def test_someone_who_may_not_take_part_is_told_why(brossard):
    outsider = citizen_of(town("longueuil", "Longueuil"))
    client = client_for(outsider)
    home = body(client.get("/en/brossard/newcomers/"))
    assert "Members of Brossard with a confirmed email address" in home
    for path in ("me/", "buddy/"):
        response = client.get(f"/en/brossard/newcomers/{path}")
        assert response.status_code == 403
        assert "Members of Brossard with a confirmed email address" in body(response)
        refused = client.post(f"/en/brossard/newcomers/{path}", {"languages": ["fr"]})
        assert refused.status_code == 403
    assert not BuddyProfile.objects.exists()


def test_an_impossible_step_shows_the_page_again_with_a_409(brossard):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "active")
    response = client_for(newcomer.user).post(
        f"/en/brossard/newcomers/pairings/{pairing.pk}/accept/"
    )
    assert response.status_code == 409
    assert "This pairing can no longer be accepted: it is active." in body(response)
    pairing.refresh_from_db()
    assert pairing.state == "active"


def test_ending_without_a_reason_keeps_the_pairing_and_asks_for_one(brossard):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "active")
    response = client_for(newcomer.user).post(
        f"/en/brossard/newcomers/pairings/{pairing.pk}/end/", {"reason": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in body(response)
    pairing.refresh_from_db()
    assert pairing.state == "active"


def test_a_pairing_step_with_htmx_swaps_the_panel(brossard):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "active")
    response = client_for(newcomer.user).post(
        f"/en/brossard/newcomers/pairings/{pairing.pk}/end/", {"reason": "I moved."}, **HTMX
    )
    assert response.status_code == 200
    html = body(response)
    assert html.lstrip().startswith('<div id="pairing-panel">')
    assert "The pairing has ended." in html
    assert "I moved." in html


def test_a_coordinator_opening_the_members_pairing_page_lands_on_the_back_office(
    brossard, coordinator
):
    pairing = pairing_of(newcomer_of(brossard), buddy_of(brossard), "proposed")
    response = client_for(coordinator).get(f"/en/brossard/newcomers/pairings/{pairing.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/brossard/staff/newcomers/pairings/{pairing.pk}/"


# --- Coordinators -------------------------------------------------------------------------------


def test_the_queue_lists_newcomers_waiting_without_a_pairing_oldest_first(brossard, coordinator):
    older = newcomer_of(brossard, user=citizen_of(brossard, display_name="Ana Older"))
    newer = newcomer_of(brossard, user=citizen_of(brossard, display_name="Ben Newer"))
    newer.created_at = older.created_at + dt.timedelta(days=2)
    newer.save()
    newcomer_of(brossard, user=citizen_of(brossard, display_name="Cleo Resting"), seeking=False)
    paired = newcomer_of(brossard, user=citizen_of(brossard, display_name="Dan Paired"))
    pairing_of(paired, buddy_of(brossard), "proposed")

    html = body(client_for(coordinator).get("/en/brossard/staff/newcomers/"))
    assert "Ana Older" in html and "Ben Newer" in html
    assert html.index("Ana Older") < html.index("Ben Newer")
    assert "Cleo Resting" not in html
    assert "Dan Paired" not in html


def test_a_coordinator_sees_the_ranked_buddies_and_proposes_one(
    brossard, coordinator, caplog, django_capture_on_commit_callbacks
):
    newcomer = newcomer_of(
        brossard,
        user=citizen_of(brossard, display_name="Lucía Gómez"),
        languages_spoken=["es"],
        languages_wanted=["fr"],
    )
    best = buddy_of(brossard, user=citizen_of(brossard, display_name="Marc Tremblay"))
    best.languages = ["fr", "es"]
    best.save()
    buddy_of(brossard, user=citizen_of(brossard, display_name="Hans Keller"), languages=["de"])
    client = client_for(coordinator)
    url = f"/en/brossard/staff/newcomers/newcomers/{newcomer.pk}/"

    with caplog.at_level(logging.INFO, logger="milieu.audit"):
        page = body(client.get(url))
    assert page.index("Marc Tremblay") < page.index("Hans Keller")
    assert "55 out of 100" in page
    assert "No language in common." in page
    assert "Both speak Spanish." in page
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject, r.what) for r in access] == [
        (coordinator.pk, newcomer.user.pk, "newcomer_profile")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"buddy": str(best.pk), "note": "Bienvenue!"})
    pairing = Pairing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/brossard/staff/newcomers/pairings/{pairing.pk}/"
    assert (pairing.buddy, pairing.note, pairing.score) == (best, "Bienvenue!", 55)

    again = client.post(url, {"buddy": str(best.pk), "note": "Encore"})
    assert again.status_code == 400  # the buddy is no longer offered: they are taken
    assert Pairing.objects.count() == 1


def test_a_refused_proposal_keeps_the_note(brossard, coordinator):
    newcomer = newcomer_of(brossard)
    buddy = buddy_of(brossard)
    client = client_for(coordinator)
    url = f"/en/brossard/staff/newcomers/newcomers/{newcomer.pk}/"
    client.get(url)
    newcomer.seeking = False
    newcomer.save()
    response = client.post(url, {"buddy": str(buddy.pk), "note": "Un mot gardé"})
    assert response.status_code == 409
    assert "This newcomer is not looking for a buddy at the moment." in body(response)
    assert "Un mot gardé" in body(response)
    assert not Pairing.objects.exists()


def test_the_pairings_list_filters_by_state_and_a_coordinator_ends_one(brossard, coordinator):
    active = pairing_of(
        newcomer_of(brossard, user=citizen_of(brossard, display_name="Active Newcomer")),
        buddy_of(brossard),
        "active",
    )
    pairing_of(
        newcomer_of(brossard, user=citizen_of(brossard, display_name="Declined Newcomer")),
        buddy_of(brossard),
        "declined",
    )
    client = client_for(coordinator)
    everything = body(client.get("/en/brossard/staff/newcomers/pairings/"))
    assert "Active Newcomer" in everything and "Declined Newcomer" in everything
    only_active = body(client.get("/en/brossard/staff/newcomers/pairings/?state=active"))
    assert "Active Newcomer" in only_active and "Declined Newcomer" not in only_active

    url = f"/en/brossard/staff/newcomers/pairings/{active.pk}/"
    assert "End the pairing" in body(client.get(url))
    response = client.post(url + "end/", {"reason": "Plus de nouvelles."})
    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.state, active.end_reason) == ("ended", "Plus de nouvelles.")
    refused = client.post(url + "complete/")
    assert refused.status_code == 409
    active.refresh_from_db()
    assert active.state == "ended"


def test_staff_manage_the_directory(brossard, coordinator):
    client = client_for(coordinator)
    base = "/en/brossard/staff/newcomers/resources/"
    created = client.post(
        base,
        {
            "category": "employment",
            "name": "Emploi Rive-Sud",
            "description_fr": "Aide à la recherche d'emploi.",
            "description_en": "Job search help.",
            "url": "https://emploi.example.org",
            "languages": ["fr", "en"],
            "published": "on",
        },
    )
    assert created.status_code == 302
    resource = NewcomerResource.objects.get()
    assert (resource.name, resource.languages, resource.published) == (
        "Emploi Rive-Sud",
        ["fr", "en"],
        True,
    )
    assert "Job search help." in body(client_for().get("/en/brossard/newcomers/"))

    edited = client.post(
        f"{base}{resource.pk}/",
        {
            "category": "employment",
            "name": "Emploi Rive-Sud",
            "description_fr": "Aide à la recherche d'emploi.",
            "description_es": "Ayuda para buscar empleo.",
            "languages": ["fr", "es"],
            "published": "on",
        },
    )
    assert edited.status_code == 302
    assert "Ayuda para buscar empleo." in body(client_for().get("/es/brossard/newcomers/"))

    assert client.post(f"{base}{resource.pk}/publish/", {"published": "0"}).status_code == 302
    resource.refresh_from_db()
    assert resource.published is False
    assert "Emploi Rive-Sud" not in body(client_for().get("/en/brossard/newcomers/"))
    assert "Emploi Rive-Sud" in body(client.get(base))

    assert "Delete Emploi Rive-Sud?" in body(client.get(f"{base}{resource.pk}/delete/"))
    assert client.post(f"{base}{resource.pk}/delete/").status_code == 302
    assert not NewcomerResource.objects.exists()


def test_a_resource_without_french_is_refused_and_the_form_keeps_the_rest(brossard, coordinator):
    response = client_for(coordinator).post(
        "/en/brossard/staff/newcomers/resources/",
        {"category": "health", "name": "Clinique", "description_en": "A clinic."},
    )
    assert response.status_code == 400
    assert "A clinic." in body(response)
    assert not NewcomerResource.objects.exists()


def test_a_feedback_without_a_rating_keeps_the_comment(brossard):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "completed")
    response = client_for(newcomer.user).post(
        f"/en/brossard/newcomers/pairings/{pairing.pk}/feedback/", {"comment": "Muy amable."}
    )
    assert response.status_code == 400
    assert "Muy amable." in body(response)
    assert not PairingFeedback.objects.exists()


def test_the_coordinators_lists_are_partials_for_htmx(brossard, coordinator):
    pairing_of(
        newcomer_of(brossard, user=citizen_of(brossard, display_name="Eva Active")),
        buddy_of(brossard),
        "active",
    )
    newcomer_of(brossard, user=citizen_of(brossard, display_name="Waiting Person"))
    client = client_for(coordinator)
    pairings = body(client.get("/en/brossard/staff/newcomers/pairings/?state=active", **HTMX))
    assert pairings.lstrip().startswith('<div id="pairing-list">')
    assert "Eva Active" in pairings
    queue = body(client.get("/en/brossard/staff/newcomers/", **HTMX))
    assert queue.lstrip().startswith('<div id="queue">')
    assert "Waiting Person" in queue


def test_the_empty_note_field_is_rendered_once_for_every_newcomers_page(
    brossard, coordinator, monkeypatch
):
    from milieu.core import pagecache
    from milieu.core.testing import fields_rendered

    pagecache.clear()
    first, second = newcomer_of(brossard), newcomer_of(brossard)
    buddy_of(brossard)
    rendered = fields_rendered(monkeypatch)
    client = client_for(coordinator)
    for newcomer in (first, second):
        page = body(client.get(f"/en/brossard/staff/newcomers/newcomers/{newcomer.pk}/"))
        assert 'name="note"' in page

    assert rendered == ["note"]
    pagecache.clear()
