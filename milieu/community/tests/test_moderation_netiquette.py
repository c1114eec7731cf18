"""The netiquette: reading it in one's language, accepting it (page and API), and moderators
publishing a new version that everyone must accept again before they next speak."""

import json

import pytest
from django.utils import translation

from milieu.accounts.tests.factories import UserFactory
from milieu.community import netiquette
from milieu.community.models import CommunityProfile, Netiquette, NetiquetteAcceptance
from milieu.community.services import moderation as services
from milieu.community.services.common import NetiquetteRequired, require_can_speak
from milieu.core.errors import ApplicationError, PermissionDenied
from milieu.core.testing import client_for

from .factories_moderation import accept, moderator, page_text, person, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language), whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def here():
    return town("lac-vert", "Lac-Vert")


@pytest.fixture
def there():
    return town("mont-gris", "Mont-Gris")


def _publish(municipality, **texts) -> Netiquette:
    return Netiquette.objects.create(
        municipality=municipality,
        version=(Netiquette.objects.filter(municipality=municipality).count() + 1),
        **texts,
    )


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_default_netiquette_is_a_list_of_rules_in_the_readers_language(client, here, language):
    response = client.get(f"/{language}/lac-vert/community/netiquette/")

    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert body.count("<li>") >= len(netiquette.DEFAULT_RULES)
    assert body.count("<h1>") == 1
    assert "Lac-Vert" in page_text(response)


def test_a_towns_own_netiquette_shows_in_the_readers_language_or_in_french(client, here):
    _publish(here, text_fr="Soyons polis.", text_en="Let us be polite.", text_es="")

    english = client.get("/en/lac-vert/community/netiquette/")
    spanish = client.get("/es/lac-vert/community/netiquette/")

    assert '<div class="netiquette-text" lang="en"><p>Let us be polite.</p></div>' in (
        english.content.decode()
    )
    # Not written in Spanish: the French text, marked as French for screen readers.
    assert '<div class="netiquette-text" lang="fr"><p>Soyons polis.</p></div>' in (
        spanish.content.decode()
    )


def test_a_visitor_is_asked_to_log_in_to_accept(client, here):
    response = client.get("/en/lac-vert/community/netiquette/")

    assert "Log in to accept the netiquette" in page_text(response)
    assert "I accept the netiquette" not in page_text(response)


def test_the_page_does_not_exist_where_the_community_is_off(client, here):
    here.enabled_modules = ["districts"]
    here.save()

    assert client.get("/en/lac-vert/community/netiquette/").status_code == 404


# --- Accepting ----------------------------------------------------------------------------------


def test_accepting_records_the_version_creates_a_handle_and_goes_back_to_next(here):
    marie = UserFactory(display_name="Marie Tremblay")
    from milieu.accounts.models import Membership

    Membership.objects.create(user=marie, municipality=here, is_home=True)
    client = client_for(marie)

    page = client.get("/en/lac-vert/community/netiquette/?next=/en/lac-vert/community/")
    assert "I accept the netiquette" in page_text(page)
    response = client.post(
        "/en/lac-vert/community/netiquette/", {"next": "/en/lac-vert/community/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/lac-vert/community/"
    assert list(
        NetiquetteAcceptance.objects.values_list("user_id", "municipality_id", "version")
    ) == [(marie.pk, here.pk, 0)]
    assert CommunityProfile.objects.get(user=marie).handle == "marie-tremblay"
    again = client.get("/en/lac-vert/community/netiquette/")
    assert "You accepted these rules on" in page_text(again)


def test_accepting_twice_records_it_once(here):
    marie = person(here, accepted=False)

    first = services.netiquette_accept(actor=marie, municipality=here)
    second = services.netiquette_accept(actor=marie, municipality=here)

    assert first.pk == second.pk
    assert NetiquetteAcceptance.objects.count() == 1


def test_an_unsafe_next_is_ignored(here):
    marie = person(here, accepted=False)

    response = client_for(marie).post(
        "/en/lac-vert/community/netiquette/", {"next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/lac-vert/community/netiquette/"
    assert NetiquetteAcceptance.objects.count() == 1


def test_anonymous_accepting_is_sent_to_log_in_and_nothing_is_recorded(client, here):
    response = client.post("/en/lac-vert/community/netiquette/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert NetiquetteAcceptance.objects.count() == 0


def test_someone_from_another_town_cannot_accept_here(here, there):
    stranger = person(there, accepted=False)

    response = client_for(stranger).post("/en/lac-vert/community/netiquette/")

    assert response.status_code == 403
    assert "You are not allowed to do this." in page_text(response)
    assert NetiquetteAcceptance.objects.count() == 0
    assert not CommunityProfile.objects.filter(user=stranger, handle="x").exists()


def test_an_unverified_email_cannot_accept(here):
    unverified = person(here, accepted=False, verified=False)

    with pytest.raises(PermissionDenied):
        services.netiquette_accept(actor=unverified, municipality=here)
    assert NetiquetteAcceptance.objects.count() == 0


def test_api_reads_and_accepts_the_netiquette(here):
    marie = person(here, accepted=False)
    client = client_for(marie)

    read = client.get("/api/v1/municipalities/lac-vert/community/netiquette")
    assert read.status_code == 200
    assert read.json()["version"] == 0
    assert read.json()["accepted"] is False
    assert len(read.json()["rules"]) == len(netiquette.DEFAULT_RULES)

    accepted = client.post("/api/v1/municipalities/lac-vert/community/netiquette/accept")
    assert accepted.status_code == 200
    assert accepted.json()["version"] == 0
    assert client.get("/api/v1/municipalities/lac-vert/community/netiquette").json()["accepted"]


def test_api_netiquette_is_readable_anonymously_but_not_accepted(client, here):
    read = client.get("/api/v1/municipalities/lac-vert/community/netiquette")
    accepted = client.post("/api/v1/municipalities/lac-vert/community/netiquette/accept")

    assert read.status_code == 200
    assert read.json()["accepted"] is None
    assert accepted.status_code == 401
    assert NetiquetteAcceptance.objects.count() == 0


def test_api_accept_refuses_someone_from_another_town(here, there):
    stranger = person(there, accepted=False)

    response = client_for(stranger).post(
        "/api/v1/municipalities/lac-vert/community/netiquette/accept"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert NetiquetteAcceptance.objects.count() == 0


# --- Publishing ---------------------------------------------------------------------------------


def test_publishing_a_new_version_asks_everyone_to_accept_again(here):
    staff = moderator(here)
    marie = person(here)
    require_can_speak(marie, here, action="post")  # accepted the default: may speak
    netiquette.current(here)  # cached

    published = services.netiquette_publish(
        actor=staff, municipality=here, text_fr="Règle 1", text_en="Rule 1"
    )

    assert published.version == 1
    assert netiquette.current(here).version == 1
    with pytest.raises(NetiquetteRequired):
        require_can_speak(marie, here, action="post")
    services.netiquette_accept(actor=marie, municipality=here)
    require_can_speak(marie, here, action="post")


def test_versions_follow_each_other(here):
    staff = moderator(here)

    first = services.netiquette_publish(actor=staff, municipality=here, text_fr="Un")
    second = services.netiquette_publish(actor=staff, municipality=here, text_fr="Deux")

    assert (first.version, second.version) == (1, 2)
    assert netiquette.current(here).text("fr") == "Deux"


def test_french_is_required(here):
    staff = moderator(here)

    with pytest.raises(ApplicationError) as refused:
        services.netiquette_publish(actor=staff, municipality=here, text_fr="  ", text_en="Hi")

    assert refused.value.extra["fields"] == {"text_fr": ["Write the netiquette in French."]}
    assert Netiquette.objects.count() == 0


def test_staff_publish_from_their_page_and_keep_the_text_on_error(here):
    staff = moderator(here)
    client = client_for(staff)

    form = client.get("/en/lac-vert/staff/moderation/netiquette/")
    assert "The platform's default netiquette is in force." in page_text(form)
    refused = client.post(
        "/en/lac-vert/staff/moderation/netiquette/", {"text_fr": "", "text_en": "Be nice"}
    )
    assert refused.status_code == 400
    assert "Be nice" in refused.content.decode()
    assert Netiquette.objects.count() == 0

    done = client.post(
        "/en/lac-vert/staff/moderation/netiquette/",
        {"text_fr": "Soyez gentils", "text_en": "Be nice", "text_es": "Sean amables"},
    )
    assert done.status_code == 302
    assert list(Netiquette.objects.values_list("version", "text_fr", "text_en", "text_es")) == [
        (1, "Soyez gentils", "Be nice", "Sean amables")
    ]
    spanish = client_for().get("/es/lac-vert/community/netiquette/")
    assert '<div class="netiquette-text" lang="es"><p>Sean amables</p></div>' in (
        spanish.content.decode()
    )


def test_api_publishes_a_version(here):
    staff = moderator(here)

    response = client_for(staff).post(
        "/api/v1/municipalities/lac-vert/moderation/netiquette",
        json.dumps({"text_fr": "Soyez gentils"}),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["version"] == 1
    assert netiquette.current(here).version == 1


@pytest.mark.parametrize("who", ["citizen", "staff_no_mfa", "staff_other"])
def test_only_the_towns_moderators_publish(here, there, who):
    actor = {
        "citizen": lambda: person(here),
        "staff_no_mfa": lambda: moderator(here, mfa=False),
        "staff_other": lambda: moderator(there),
    }[who]()
    client = client_for(actor)

    page = client.post("/en/lac-vert/staff/moderation/netiquette/", {"text_fr": "Pirate"})
    api = client.post(
        "/api/v1/municipalities/lac-vert/moderation/netiquette",
        json.dumps({"text_fr": "Pirate"}),
        content_type="application/json",
    )

    assert page.status_code == (302 if who == "staff_no_mfa" else 403)
    assert api.status_code == 403
    assert Netiquette.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.netiquette_publish(actor=actor, municipality=here, text_fr="Pirate")
    assert netiquette.current(here).version == 0


def test_accept_helper_records_the_current_version(here):
    marie = person(here, accepted=False)
    _publish(here, text_fr="v1")
    netiquette.forget(here)

    accept(marie, here)

    assert netiquette.has_accepted(marie, here)
