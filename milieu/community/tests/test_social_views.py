"""The social pages: each renders in French, English and Spanish; forms keep what was typed on
any refusal; htmx swaps fragments; everything works without JavaScript."""

import gzip
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from milieu.community.models import Comment, Group, GroupMembership, Post, Reaction
from milieu.community.services import common
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f
from milieu.core.ratelimit import Limit
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db
LANGUAGES = ["fr", "en", "es"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def here():
    return f.town(slug="rouyn", name="Rouyn")


@pytest.fixture
def district(here):
    return here.districts.order_by("slug")[0]


@pytest.fixture
def alice(here, district):
    return f.member(here, district=district, display_name="Alice Tremblay")


@pytest.fixture
def bob(here):
    return f.member(here, display_name="Bob Gagnon")


@pytest.fixture
def club(here, alice):
    return f.group(here, alice, name="Club de lecture", description="Un livre par mois")


@pytest.fixture
def post(alice, district):
    return f.post(alice, district=district, body="Qui a vu mon chat roux?")


def base(language: str = "fr") -> str:
    return f"/{language}/rouyn/community"


def text_of(response) -> str:
    return response.content.decode()


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


# --- Every page, in every language ----------------------------------------------------------------


def page_urls(district, club, post, comment) -> list[tuple[str, str]]:
    return [
        ("/", "Rouyn"),
        (f"/districts/{district.slug}/", district.name),
        ("/groups/", "Club de lecture"),
        ("/groups/new/", 'name="name"'),
        (f"/groups/{club.slug}/", "Un livre par mois"),
        (f"/groups/{club.slug}/edit/", "Un livre par mois"),
        (f"/groups/{club.slug}/members/", "Alice Tremblay"),
        (f"/posts/{post.pk}/", "mon chat roux"),
        (f"/posts/{post.pk}/edit/", "mon chat roux"),
        (f"/posts/{post.pk}/delete/", "mon chat roux"),
        (f"/comments/{comment.pk}/edit/", "Je regarde"),
        (f"/comments/{comment.pk}/delete/", "Je regarde"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_each_language(language, alice, district, club, post):
    comment = f.comment(alice, post, "Je regarde dans ma cour")
    client = client_for(alice)

    for path, marker in page_urls(district, club, post, comment):
        response = client.get(base(language) + path)
        assert response.status_code == 200, path
        body = text_of(response)
        assert f'<html lang="{language}">' in body, path
        assert marker in body, path
        assert body.count("<h1") == 1, path


def test_the_community_home_shows_my_neighbourhood_districts_and_active_groups(
    here, alice, district, club
):
    quiet = f.group(here, alice, name="Groupe tranquille")
    f.post(alice, group=club)
    body = text_of(client_for(alice).get(base() + "/"))

    mine = body.index(in_language("fr", "My neighbourhood"))
    assert f'href="/fr/rouyn/community/districts/{district.slug}/"' in body[mine:]
    for other in here.districts.all():
        assert f'href="/fr/rouyn/community/districts/{other.slug}/"' in body
    assert body.index("Club de lecture") < body.index("Groupe tranquille")
    assert 'href="/fr/rouyn/community/groups/new/"' in body
    assert "/fr/rouyn/community/netiquette/?next=/fr/rouyn/community/" in body
    assert quiet.slug in body


def test_an_anonymous_visitor_sees_the_districts_and_a_login_link(here):
    response = client_for().get(base() + "/")
    body = text_of(response)
    assert response.status_code == 200
    assert "/fr/accounts/login/?next=" in body
    assert here.districts.first().name in body
    assert "/community/districts/" not in body


def test_the_community_is_for_members_of_the_municipality(here, district, club, post):
    stranger = f.member(f.town())
    for path in (f"/districts/{district.slug}/", "/groups/", f"/groups/{club.slug}/"):
        response = client_for(stranger).get(base() + path)
        assert response.status_code == 403
        assert 'href="/fr/rouyn/"' in text_of(response)
        anonymous = client_for().get(base() + path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(stranger).get(base() + f"/posts/{post.pk}/").status_code == 403


def test_the_community_pages_do_not_exist_where_the_module_is_off(here, alice, district):
    here.enabled_modules = ["districts"]
    here.save()
    assert client_for(alice).get(base() + "/").status_code == 404
    assert client_for(alice).get(base() + f"/districts/{district.slug}/").status_code == 404


# --- Posting, without JavaScript --------------------------------------------------------------------


def test_posting_in_a_district_redirects_to_its_feed_with_the_post_on_top(alice, district):
    client = client_for(alice)
    url = base() + f"/districts/{district.slug}/"

    response = client.post(
        url,
        {
            "body": "Corvée au parc samedi",
            "language": "fr",
            "image_1": f.upload_file(),
            "alt_1": "Le parc",
        },
    )

    assert response.status_code == 302 and response["Location"] == url
    post = Post.objects.get()
    assert (post.district, post.body, post.images.get().alt_text) == (
        district,
        "Corvée au parc samedi",
        "Le parc",
    )
    body = text_of(client.get(url))
    assert "Corvée au parc samedi" in body
    assert 'alt="Le parc"' in body and 'loading="lazy"' in body
    assert 'width="64" height="48"' in re.sub(r"\s+", " ", body)


def test_the_post_form_defaults_to_the_pages_language(alice, district):
    for language in LANGUAGES:
        body = text_of(client_for(alice).get(base(language) + f"/districts/{district.slug}/"))
        assert f'<option value="{language}" selected>' in body


def test_a_refused_post_keeps_what_was_typed(alice, district):
    typed = "Un texte trop long " + "é" * 5000
    response = client_for(alice).post(
        base() + f"/districts/{district.slug}/",
        {"body": typed, "language": "en", "alt_1": "Ma description"},
    )

    body = text_of(response)
    assert response.status_code == 400
    assert typed in body
    assert '<option value="en" selected>' in body
    assert 'value="Ma description"' in body
    assert not Post.objects.exists()


def test_a_post_before_the_netiquette_links_to_it_and_keeps_the_text(here, district):
    newcomer = f.member(here, accepted=False)
    url = base() + f"/districts/{district.slug}/"

    response = client_for(newcomer).post(url, {"body": "Premier message!", "language": "fr"})

    body = text_of(response)
    assert response.status_code == 403
    assert "Premier message!" in body
    assert f'href="/fr/rouyn/community/netiquette/?next={url}"' in body
    assert not Post.objects.exists()


def test_a_rate_limited_post_keeps_the_text_and_says_when_to_retry(alice, district, monkeypatch):
    monkeypatch.setitem(common.LIMITS, "post", [Limit(1, 600)])
    client = client_for(alice)
    url = base() + f"/districts/{district.slug}/"
    client.post(url, {"body": "Un", "language": "fr"})

    response = client.post(url, {"body": "Deux, trop vite", "language": "fr"})

    assert response.status_code == 429
    assert "Deux, trop vite" in text_of(response)
    assert Post.objects.count() == 1


def test_a_refused_picture_says_why_and_asks_to_choose_pictures_again(alice, district):
    response = client_for(alice).post(
        base() + f"/districts/{district.slug}/",
        {"body": "Avec photo", "language": "fr", "image_1": f.upload_file(b"pas une image")},
    )

    body = text_of(response)
    assert response.status_code == 400
    assert "Avec photo" in body
    assert in_language("fr", "This file is not a JPEG, PNG, WebP or GIF picture.") in body
    assert not Post.objects.exists()


def test_someone_who_cannot_take_part_gets_no_form(here, district):
    unverified = f.member(here, verified=False)
    body = text_of(client_for(unverified).get(base() + f"/districts/{district.slug}/"))
    assert 'id="post-form"' not in body


# --- Feeds and htmx -------------------------------------------------------------------------------


def test_the_next_page_of_a_feed_is_a_link_or_an_htmx_fragment(alice, district):
    for number in range(23):
        f.raw_post(alice, district=district, body=f"Message numéro {number:02d}")
    client = client_for(alice)
    url = base() + f"/districts/{district.slug}/"

    first = text_of(client.get(url))
    assert "Message numéro 22" in first and "Message numéro 02" not in first
    link = re.search(r'href="([^"]*cursor=[^"]*)"', first).group(1).replace("&amp;", "&")

    full = client.get(link)
    assert "<html" in text_of(full) and "Message numéro 02" in text_of(full)
    fragment = text_of(client.get(link, HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment and "<h1" not in fragment
    assert fragment.count('<li class="feed-item">') == 3
    assert "Message numéro 00" in fragment and "Message numéro 03" not in fragment
    assert 'rel="next"' not in fragment  # the last page


def test_commenting_without_javascript_redirects_to_the_comment(alice, bob, post):
    response = client_for(bob).post(
        base() + f"/posts/{post.pk}/comments/", {"body": "Je l'ai vu!", "language": "fr"}
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/fr/rouyn/community/posts/{post.pk}/?page=last#comment-{comment.pk}"
    )
    page = text_of(client_for(bob).get(response["Location"]))
    assert f'id="comment-{comment.pk}"' in page and "Je l&#x27;ai vu!" in page


def test_commenting_with_htmx_swaps_the_comments(alice, bob, post):
    response = client_for(bob).post(
        base() + f"/posts/{post.pk}/comments/",
        {"body": "Au coin de la rue", "language": "fr"},
        HTTP_HX_REQUEST="true",
    )

    body = text_of(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="comments"')
    assert "Au coin de la rue" in body and "<html" not in body
    assert '<textarea name="body"' in body and "Au coin de la rue</textarea>" not in body


def test_a_refused_comment_with_htmx_keeps_the_text_in_the_fragment(here, post):
    newcomer = f.member(here, accepted=False)
    response = client_for(newcomer).post(
        base() + f"/posts/{post.pk}/comments/",
        {"body": "Mon premier commentaire", "language": "fr"},
        HTTP_HX_REQUEST="true",
    )

    body = text_of(response)
    assert response.status_code == 400  # htmx swaps 400s (base.html)
    assert "Mon premier commentaire</textarea>" in body
    assert f"/fr/rouyn/community/netiquette/?next=/fr/rouyn/community/posts/{post.pk}/" in body
    assert not Comment.objects.exists()


def test_a_refused_comment_without_javascript_keeps_the_text(bob, post):
    response = client_for(bob).post(
        base() + f"/posts/{post.pk}/comments/", {"body": "", "language": "fr"}
    )
    assert response.status_code == 400
    assert "<html" in text_of(response)
    assert not Comment.objects.exists()


def test_reacting_with_htmx_swaps_the_reactions_and_again_takes_it_back(bob, post):
    client = client_for(bob)
    url = base() + f"/posts/{post.pk}/react/"

    first = text_of(client.post(url, {"kind": "thanks"}, HTTP_HX_REQUEST="true"))
    assert first.lstrip().startswith(f'<div class="post-reactions" id="post-{post.pk}-reactions"')
    assert re.search(r'value="thanks"\s+class="secondary"\s+aria-pressed="true"', first)
    assert Reaction.objects.get().kind == "thanks"

    client.post(url, {"kind": "thanks"}, HTTP_HX_REQUEST="true")
    assert not Reaction.objects.exists()
    post.refresh_from_db()
    assert post.reaction_count == 0


def test_reacting_without_javascript_returns_to_the_page(bob, post, district):
    feed = base() + f"/districts/{district.slug}/"
    response = client_for(bob).post(
        base() + f"/posts/{post.pk}/react/", {"kind": "support", "next": feed}
    )
    assert response.status_code == 302 and response["Location"] == feed
    elsewhere = client_for(bob).post(
        base() + f"/posts/{post.pk}/react/", {"kind": "like", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == f"/fr/rouyn/community/posts/{post.pk}/"
    assert Reaction.objects.get().kind == "like"


def test_a_hidden_post_shows_its_author_the_banner_and_nobody_else(alice, bob, post, district):
    Post.objects.filter(pk=post.pk).update(
        hidden_at=timezone.now(), hidden_reason="Information personnelle"
    )

    mine = text_of(client_for(alice).get(base() + f"/posts/{post.pk}/"))
    assert in_language("fr", "Hidden by the moderators") in mine
    assert "Information personnelle" in mine
    assert client_for(bob).get(base() + f"/posts/{post.pk}/").status_code == 404
    for who in (alice, bob):
        assert "mon chat roux" not in text_of(
            client_for(who).get(base() + f"/districts/{district.slug}/")
        )


def test_user_content_carries_its_language(alice, district):
    f.post(alice, district=district, body="Lost dog near the school", language="en")
    body = text_of(client_for(alice).get(base() + f"/districts/{district.slug}/"))
    assert re.search(r'lang="en">\s*<p>Lost dog near the school</p>', body)


def test_mentions_and_links_are_rendered_safely(alice, bob, district):
    handle = bob.community_profile.handle
    f.post(alice, district=district, body=f"@{handle} <script>alert(1)</script> https://ex.org")
    body = text_of(client_for(alice).get(base() + f"/districts/{district.slug}/"))
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
    assert f'class="mention">@{handle}</a>' in body
    assert 'href="https://ex.org" rel="nofollow ugc noopener"' in body


def test_a_full_feed_page_stays_well_under_100_kb(alice, district):
    for number in range(25):
        f.raw_post(alice, district=district, body=f"Texte {number} " + "mot " * 1200)
    response = client_for(alice).get(base() + f"/districts/{district.slug}/")
    assert len(gzip.compress(response.content, 6)) < 30 * 1024
    assert text_of(response).count('<li class="feed-item">') == 20


# --- Groups ---------------------------------------------------------------------------------------


def test_creating_a_group_leads_to_it(here, alice):
    response = client_for(alice).post(
        base() + "/groups/new/",
        {
            "name": "Marche du matin",
            "description": "",
            "interest": "outdoors",
            "visibility": "open",
            "language": "fr",
        },
    )
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fr/rouyn/community/groups/{group.slug}/"
    assert group.interest == "outdoors"


def test_a_refused_group_keeps_what_was_typed(here):
    newcomer = f.member(here, accepted=False)
    response = client_for(newcomer).post(
        base() + "/groups/new/",
        {
            "name": "Marche du soir",
            "description": "Tous les jeudis",
            "interest": "",
            "visibility": "on_request",
            "language": "fr",
        },
    )
    body = text_of(response)
    assert response.status_code == 403
    assert 'value="Marche du soir"' in body and "Tous les jeudis" in body
    assert re.search(r'value="on_request"[^>]*checked', body)
    assert "/fr/rouyn/community/netiquette/?next=/fr/rouyn/community/groups/new/" in body
    assert not Group.objects.exists()


def test_only_moderators_see_the_official_box(here, alice):
    assert 'name="official"' not in text_of(client_for(alice).get(base() + "/groups/new/"))
    moderator = f.staff(here)
    assert 'name="official"' in text_of(client_for(moderator).get(base() + "/groups/new/"))


def test_a_group_on_request_shows_its_description_but_not_its_posts(here, alice, bob):
    group = f.group(
        here, alice, name="Cercle privé", description="Entre voisines", visibility="on_request"
    )
    f.post(alice, group=group, body="Ordre du jour confidentiel")
    client = client_for(bob)

    body = text_of(client.get(base() + f"/groups/{group.slug}/"))
    assert "Entre voisines" in body and "Ordre du jour confidentiel" not in body
    assert in_language("fr", "Ask to join") in body
    assert client.get(base() + f"/groups/{group.slug}/members/").status_code == 403

    client.post(base() + f"/groups/{group.slug}/join/")
    assert GroupMembership.objects.get(group=group, user=bob).status == "pending"
    members = text_of(client_for(alice).get(base() + f"/groups/{group.slug}/members/"))
    assert "Bob Gagnon" in members
    client_for(alice).post(base() + f"/groups/{group.slug}/members/{bob.pk}/approve/")
    assert "Ordre du jour confidentiel" in text_of(client.get(base() + f"/groups/{group.slug}/"))


def test_joining_and_leaving_an_open_group(club, bob):
    client = client_for(bob)
    response = client.post(base() + f"/groups/{club.slug}/join/")
    assert response.status_code == 302
    assert response["Location"] == f"/fr/rouyn/community/groups/{club.slug}/"
    club.refresh_from_db()
    assert club.member_count == 2
    client.post(base() + f"/groups/{club.slug}/leave/")
    club.refresh_from_db()
    assert club.member_count == 1


def test_the_last_administrator_is_told_why_they_cannot_leave(club, alice):
    client = client_for(alice)
    response = client.post(base() + f"/groups/{club.slug}/leave/", follow=True)
    assert in_language(
        "fr", "You are the group's only administrator: make another member administrator first."
    ) in text_of(response).replace("&#x27;", "'")
    assert GroupMembership.objects.filter(group=club, user=alice).exists()


def test_posting_in_a_group_from_its_page(club, alice, bob):
    client = client_for(alice)
    url = base() + f"/groups/{club.slug}/"
    assert client.post(url, {"body": "Prochain livre: Kukum", "language": "fr"}).status_code == 302
    assert Post.objects.get().group == club
    assert 'id="post-form"' not in text_of(client_for(bob).get(url))
    refused = client_for(bob).post(url, {"body": "Je ne suis pas membre", "language": "fr"})
    assert refused.status_code == 403 and "Je ne suis pas membre" in text_of(refused)
    assert Post.objects.count() == 1


def test_editing_a_group_is_for_its_administrators(club, bob):
    services.group_join(actor=bob, group=club)
    assert client_for(bob).get(base() + f"/groups/{club.slug}/edit/").status_code == 403


# --- Editing and deleting -------------------------------------------------------------------------


def test_editing_my_post_keeps_the_text_on_error_and_saves_it(alice, bob, post):
    client = client_for(alice)
    url = base() + f"/posts/{post.pk}/edit/"

    refused = client.post(url, {"body": "", "language": "fr"})
    assert refused.status_code == 400
    done = client.post(url, {"body": "Retrouvé, merci!", "language": "fr"})
    assert done.status_code == 302
    post.refresh_from_db()
    assert post.body == "Retrouvé, merci!"
    assert client_for(bob).get(url).status_code == 403


def test_deleting_my_post_asks_first_then_returns_to_the_feed(alice, bob, post, district):
    url = base() + f"/posts/{post.pk}/delete/"
    assert client_for(bob).post(url).status_code == 403
    response = client_for(alice).post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/fr/rouyn/community/districts/{district.slug}/"
    assert not Post.objects.exists()


def test_editing_and_deleting_my_comment(alice, bob, post):
    comment = f.comment(bob, post, "Premier jet")
    client = client_for(bob)
    assert client_for(alice).get(base() + f"/comments/{comment.pk}/edit/").status_code == 403
    client.post(base() + f"/comments/{comment.pk}/edit/", {"body": "Corrigé", "language": "fr"})
    comment.refresh_from_db()
    assert comment.body == "Corrigé"
    client.post(base() + f"/comments/{comment.pk}/delete/")
    assert not Comment.objects.exists()


def test_the_nav_marks_the_current_entry(alice, club):
    body = text_of(client_for(alice).get(base() + "/groups/"))
    assert re.search(r'href="/fr/rouyn/community/groups/"\s+aria-current="page"', body)


def test_the_translate_link_appears_only_with_a_backend_and_another_language(
    settings, alice, district
):
    english = f.post(alice, district=district, body="Lost dog near the school", language="en")
    f.post(alice, district=district, body="Chien perdu", language="fr")
    url = base() + f"/districts/{district.slug}/"
    assert "?target=post:" not in text_of(client_for(alice).get(url))

    settings.TRANSLATION_BACKEND = "milieu.community.translation.LibreTranslateBackend"
    settings.LIBRETRANSLATE_URL = "http://127.0.0.1:9"
    body = text_of(client_for(alice).get(url))
    assert body.count("?target=post:") == 2  # href and hx-get, for the English post only
    assert f'hx-get="/fr/community/translate/?target=post:{english.pk}&amp;lang=fr"' in body
    assert f'hx-target="#post-{english.pk}-text"' in body


def test_the_nav_links_to_newcomers_only_where_the_module_is_on(here, alice):
    assert "/newcomers/" not in text_of(client_for(alice).get(base() + "/groups/"))
    here.enabled_modules = [*here.enabled_modules, "newcomers"]
    here.save()
    assert 'href="/fr/rouyn/newcomers/"' in text_of(client_for(alice).get(base() + "/groups/"))
