"""The "translate" action on posts and comments (page `people:translate` and
`GET /api/v1/community/translations`), against a LibreTranslate look-alike started by each test
on the loopback: what is read may be translated, what is refused reaches no server, a failing
server gives a clear message (never a 500), and without a backend the action is absent."""

import socket

import pytest
from django.test import Client
from django.utils import translation as i18n

from milieu.community import translation
from milieu.community.models import Group
from milieu.core.testing import client_for

from .factories_people import (
    comment_on,
    district_post,
    group_of,
    group_post,
    libretranslate,
    person,
    town,
    translated,
)

pytestmark = pytest.mark.django_db
BACKEND = "milieu.community.translation.LibreTranslateBackend"
API = "/api/v1/community/translations"


@pytest.fixture
def here():
    return town(slug="rouyn", name="Rouyn-Noranda")


@pytest.fixture
def there():
    return town(slug="gatineau", name="Gatineau")


@pytest.fixture
def me(here):
    return person(here, handle="moi")


@pytest.fixture
def post(here):
    return district_post(person(here), here, "Bonjour à tous, corvée samedi!", language="fr")


def _use(settings, url: str) -> None:
    settings.TRANSLATION_BACKEND = BACKEND
    settings.LIBRETRANSLATE_URL = url
    translation._backend.cache_clear()  # the backend reads its URL when it is made


@pytest.fixture
def server(settings):
    with libretranslate() as fake:
        _use(settings, fake.url)
        yield fake
    translation._backend.cache_clear()


@pytest.fixture
def failing_server(settings):
    with libretranslate(failing=True) as fake:
        _use(settings, fake.url)
        yield fake
    translation._backend.cache_clear()


@pytest.fixture
def no_backend(settings):
    settings.TRANSLATION_BACKEND = ""
    translation._backend.cache_clear()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fr(message: str) -> str:
    """`message` as the API says it without a language of its own: in French."""
    with i18n.override("fr"):
        return i18n.gettext(message)


def _text(response) -> str:
    return response.content.decode()


# --- The page and the fragment --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_without_javascript_a_page_shows_the_original_and_the_translation(
    server, me, post, language
):
    response = client_for(me).get(
        f"/{language}/community/translate/?target=post:{post.pk}&lang={language}"
    )

    body = _text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert '<div lang="fr"><p>Bonjour à tous, corvée samedi!</p></div>' in body
    assert f'<div class="translation" lang="{language}">' in body
    assert translated("Bonjour à tous, corvée samedi!", language) in body
    with i18n.override(language):
        assert i18n.gettext("Translated automatically") in body
    assert server.requests == [
        {
            "q": "Bonjour à tous, corvée samedi!",
            "source": "fr",
            "target": language,
            "format": "text",
        }
    ]


def test_htmx_gets_only_the_translated_text_with_the_original_folded(server, me, post):
    response = client_for(me).get(
        f"/en/community/translate/?target=post:{post.pk}&lang=en", HTTP_HX_REQUEST="true"
    )

    body = _text(response).strip()
    assert response.status_code == 200
    assert body.startswith('<div class="translation" lang="en">')
    assert "<html" not in body
    assert translated("Bonjour à tous, corvée samedi!", "en") in body
    assert "<details>" in body


def test_a_comment_is_translated_from_its_own_language(server, here, me, post):
    comment = comment_on(post, person(here), "Merci beaucoup!")

    response = client_for(me).get(f"/en/community/translate/?target=comment:{comment.pk}&lang=en")

    assert translated("Merci beaucoup!", "en") in _text(response)
    assert server.requests[0]["q"] == "Merci beaucoup!"


def test_the_language_of_the_page_is_asked_for_when_none_is_given(server, me, post):
    client_for(me).get(f"/es/community/translate/?target=post:{post.pk}")

    assert server.requests[0]["target"] == "es"


def test_a_translation_is_asked_of_the_server_once(server, me, post):
    client = client_for(me)
    for _ in range(2):
        response = client.get(f"/en/community/translate/?target=post:{post.pk}&lang=en")
        assert translated("Bonjour à tous, corvée samedi!", "en") in _text(response)

    assert len(server.requests) == 1


def test_a_failing_server_gives_a_clear_message_not_a_500(failing_server, me, post):
    client = client_for(me)

    page = client.get(f"/en/community/translate/?target=post:{post.pk}&lang=en")
    fragment = client.get(
        f"/en/community/translate/?target=post:{post.pk}&lang=en", HTTP_HX_REQUEST="true"
    )

    message = "The translation service is not answering right now. Try again later."
    assert page.status_code == 503
    assert message in _text(page)
    assert fragment.status_code == 400  # htmx swaps a 400 (base.html): shown in place of the text
    assert message in _text(fragment)
    assert 'role="alert"' in _text(fragment)
    assert len(failing_server.requests) == 2


def test_a_server_that_is_not_there_gives_the_same_message(settings, me, post):
    _use(settings, f"http://127.0.0.1:{_closed_port()}")

    response = client_for(me).get(f"/en/community/translate/?target=post:{post.pk}&lang=en")

    assert response.status_code == 503
    assert "The translation service is not answering right now." in _text(response)
    translation._backend.cache_clear()


def test_a_language_the_site_does_not_speak_is_refused(server, me, post):
    response = client_for(me).get(f"/en/community/translate/?target=post:{post.pk}&lang=de")

    assert response.status_code == 400
    assert "Choose French, English or Spanish." in _text(response)
    assert server.requests == []


@pytest.mark.parametrize("target", ["", "post", "post:abc", "message:1", "post:-1", "person:3"])
def test_a_malformed_target_is_refused(server, me, target):
    response = client_for(me).get(f"/en/community/translate/?target={target}&lang=en")

    assert response.status_code == 400
    assert server.requests == []


# --- Who may translate what -----------------------------------------------------------------------


def test_a_post_of_another_town_is_not_found_and_never_sent(server, there, me):
    theirs = district_post(person(there), there, "Chez nous")

    response = client_for(me).get(f"/en/community/translate/?target=post:{theirs.pk}&lang=en")

    assert response.status_code == 404
    assert server.requests == []


def test_a_private_groups_post_is_not_found_for_a_non_member(server, here, me):
    private = group_of(here, "Club", visibility=Group.Visibility.ON_REQUEST)
    secret = group_post(person(here), private, "Secret du club")
    client = client_for(me)

    post_response = client.get(f"/en/community/translate/?target=post:{secret.pk}&lang=en")
    comment = comment_on(secret, person(here), "Secret aussi")
    comment_response = client.get(f"/en/community/translate/?target=comment:{comment.pk}&lang=en")

    assert (post_response.status_code, comment_response.status_code) == (404, 404)
    assert server.requests == []


def test_a_hidden_post_or_comment_is_not_found(server, here, me, post):
    hidden_post = district_post(person(here), here, "Caché", hidden=True)
    hidden_comment = comment_on(post, person(here), "Caché aussi", hidden=True)
    client = client_for(me)

    assert (
        client.get(f"/en/community/translate/?target=post:{hidden_post.pk}&lang=en").status_code
        == 404
    )
    assert (
        client.get(
            f"/en/community/translate/?target=comment:{hidden_comment.pk}&lang=en"
        ).status_code
        == 404
    )
    assert server.requests == []


def test_an_unknown_post_is_not_found(server, me):
    response = client_for(me).get("/en/community/translate/?target=post:999999&lang=en")

    assert response.status_code == 404


def test_staff_of_the_town_may_translate_staff_of_another_may_not(server, here, there, post):
    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    clerk = with_role(here, Role.STAFF)
    other_clerk = with_role(there, Role.STAFF)

    assert (
        client_for(clerk).get(f"/en/community/translate/?target=post:{post.pk}&lang=en").status_code
        == 200
    )
    assert (
        client_for(other_clerk)
        .get(f"/en/community/translate/?target=post:{post.pk}&lang=en")
        .status_code
        == 404
    )
    assert len(server.requests) == 1


def test_anonymous_visitors_are_sent_to_log_in(server, post):
    response = Client().get(f"/en/community/translate/?target=post:{post.pk}&lang=en")

    assert response.status_code == 302
    assert server.requests == []


# --- The API --------------------------------------------------------------------------------------


def test_the_api_translates_a_post(server, me, post):
    response = client_for(me).get(f"{API}?target=post:{post.pk}&lang=en")

    assert response.status_code == 200
    assert response.json() == {
        "target": f"post:{post.pk}",
        "source": "fr",
        "language": "en",
        "text": translated("Bonjour à tous, corvée samedi!", "en"),
        "machine_translated": True,
    }


def test_the_api_says_when_the_server_fails(failing_server, me, post):
    response = client_for(me).get(f"{API}?target=post:{post.pk}&lang=en")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "translation_unavailable"


def test_the_api_refuses_what_i_may_not_read(server, there, me):
    theirs = district_post(person(there), there, "Chez nous")

    response = client_for(me).get(f"{API}?target=post:{theirs.pk}&lang=en")

    assert response.status_code == 404
    assert server.requests == []


def test_the_api_refuses_bad_input(server, me, post):
    client = client_for(me)

    assert client.get(f"{API}?target=post:{post.pk}&lang=xx").status_code == 400
    assert client.get(f"{API}?target=nothing&lang=en").status_code == 400
    assert client.get(f"{API}?target=post:{post.pk}").status_code == 422


# --- Without a backend the action is absent -------------------------------------------------------


def test_without_a_backend_the_page_does_not_exist(no_backend, me, post):
    response = client_for(me).get(f"/en/community/translate/?target=post:{post.pk}&lang=en")

    assert response.status_code == 404


def test_without_a_backend_the_api_says_so(no_backend, me, post):
    response = client_for(me).get(f"{API}?target=post:{post.pk}&lang=en")

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "translation_not_offered",
        "message": _fr("Automatic translation is not offered on this site."),
        "fields": {},
    }


def test_without_a_backend_posts_have_no_translate_link(no_backend, here, me):
    marie = person(here, handle="marie")
    district_post(marie, here, "Bonjour", language="fr")

    body = _text(client_for(me).get("/en/community/people/marie/"))

    assert "/community/translate/" not in body


def test_with_a_backend_posts_in_another_language_have_a_translate_link(server, here, me):
    marie = person(here, handle="marie")
    french = district_post(marie, here, "Bonjour", language="fr")
    english = district_post(marie, here, "Hello", language="en")

    body = _text(client_for(me).get("/en/community/people/marie/"))

    assert f"/en/community/translate/?target=post:{french.pk}&amp;lang=en" in body
    assert f"/en/community/translate/?target=post:{english.pk}" not in body


def test_too_many_translations_in_a_short_time_are_refused(server, me, post, monkeypatch):
    from milieu.community.selectors import people
    from milieu.core.ratelimit import Limit

    monkeypatch.setattr(people, "TRANSLATION_LIMITS", [Limit(2, 600)])
    client = client_for(me)
    url = f"/en/community/translate/?target=post:{post.pk}&lang=en"
    statuses = [client.get(url).status_code for _ in range(2)]

    refused = client.get(url)
    api_refused = client.get(f"{API}?target=post:{post.pk}&lang=en")

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert "You have done this too often." in _text(refused)
    assert api_refused.status_code == 429
    assert api_refused.json()["error"]["code"] == "rate_limited"
