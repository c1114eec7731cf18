"""A form refused because the netiquette is not accepted yet keeps what was typed and offers the
netiquette's box in the same form: ticking it and sending again accepts and publishes, in one
step (posts, comments and messages alike)."""

import pytest

from milieu.community.models import Message, NetiquetteAcceptance, Post
from milieu.core.testing import client_for

from .factories_social import member, post, town

pytestmark = pytest.mark.django_db

TEXT = "Qui a vu un chat roux près du parc?"


@pytest.fixture
def brossard():
    return town("brossard", "Brossard")


def test_a_refused_post_keeps_its_text_and_offers_the_box_in_the_form(brossard):
    newcomer = member(brossard, accepted=False)
    url = "/fr/brossard/community/districts/quartier-1/"

    refused = client_for(newcomer).post(url, {"body": TEXT, "language": "fr"})

    assert refused.status_code == 403
    page = refused.content.decode()
    form = page[page.index('id="post-form"') : page.index("</form>", page.index('id="post-form"'))]
    assert TEXT in form
    assert 'name="accept_netiquette"' in form
    assert "/fr/brossard/community/netiquette/" in form
    assert not Post.objects.exists()
    assert not NetiquetteAcceptance.objects.filter(user=newcomer).exists()


def test_ticking_the_box_accepts_and_publishes_in_one_step(brossard):
    newcomer = member(brossard, accepted=False)
    url = "/fr/brossard/community/districts/quartier-1/"

    sent = client_for(newcomer).post(
        url, {"body": TEXT, "language": "fr", "accept_netiquette": "1"}
    )

    assert sent.status_code == 302
    assert Post.objects.get().body == TEXT
    assert NetiquetteAcceptance.objects.filter(user=newcomer, municipality=brossard).exists()


def test_a_comment_can_accept_the_netiquette_too(brossard):
    author = member(brossard)
    found = post(author, district=brossard.districts.first())
    neighbour = member(brossard, accepted=False)
    url = f"/fr/brossard/community/posts/{found.pk}/comments/"

    refused = client_for(neighbour).post(url, {"body": "Moi!", "language": "fr"})
    sent = client_for(neighbour).post(
        url, {"body": "Moi!", "language": "fr", "accept_netiquette": "1"}
    )

    assert refused.status_code == 403
    assert 'name="accept_netiquette"' in refused.content.decode()
    assert sent.status_code == 302
    assert list(found.comments.values_list("body", flat=True)) == ["Moi!"]


def test_a_first_message_can_accept_the_netiquette_too(brossard):
    writer = member(brossard, accepted=False)
    reader = member(brossard)
    handle = reader.community_profile.handle

    refused = client_for(writer).post("/fr/messages/new/", {"to": handle, "body": TEXT})
    sent = client_for(writer).post(
        "/fr/messages/new/", {"to": handle, "body": TEXT, "accept_netiquette": "1"}
    )

    assert refused.status_code == 403
    page = refused.content.decode()
    assert TEXT in page and 'name="accept_netiquette"' in page
    assert sent.status_code == 302
    assert Message.objects.get().body == TEXT


def test_without_the_box_nothing_is_accepted(brossard):
    newcomer = member(brossard, accepted=False)

    client_for(newcomer).post(
        "/fr/brossard/community/districts/quartier-1/",
        {"body": TEXT, "language": "fr", "accept_netiquette": "0"},
    )

    assert not NetiquetteAcceptance.objects.filter(user=newcomer).exists()
    assert not Post.objects.exists()
