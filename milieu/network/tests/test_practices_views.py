"""The practices' pages: the platform-wide catalogue (search, filters, pages, query counts), a
practice's page (adoptions, comments, drafts hidden), the staff pages."""

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import assert_constant_queries, client_for
from milieu.network import services_practices as services
from milieu.network.models import Adoption, Practice, PracticeComment
from milieu.territory.tests.factories import RegionFactory

from .practices_factories import practice, staff, town, values

pytestmark = pytest.mark.django_db


def _url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def _titles(response) -> str:
    return response.content.decode()


def test_the_catalogue_lists_published_practices_of_every_town_not_drafts():
    practice(town(name="Ville-Marie"), title="Wi-Fi à l'hôtel de ville")
    practice(town(name="Brossard"), title="Signalements en ligne")
    practice(town(), title="Brouillon secret", published=False)
    body = client_for().get(_url("practices:list")).content.decode()
    assert "Wi-Fi à l&#x27;hôtel de ville" in body
    assert "Signalements en ligne" in body
    assert "Brouillon secret" not in body


def test_search_finds_words_in_each_searched_field_and_all_words_must_match():
    here = town()
    practice(here, title="Infolettre imprimée", problem="Pas d'internet")
    practice(here, title="Autre", solution="Un kiosque numérique")
    practice(here, title="Troisième", technology="Raspberry Pi")
    practice(here, title="Quatrième", results="Participation doublée")
    client = client_for()

    def found(query: str) -> list[str]:
        response = client.get(_url("practices:list"), {"q": query})
        assert response.status_code == 200
        return [
            p.title
            for p in response.context["practices"]  # type: ignore[index]
        ]

    assert found("infolettre") == ["Infolettre imprimée"]
    assert found("KIOSQUE") == ["Autre"]
    assert found("raspberry") == ["Troisième"]
    assert found("doublée") == ["Quatrième"]
    assert found("infolettre kiosque") == []
    assert found("nothing-like-this") == []


def test_filters_by_tag_dimension_region_and_language():
    north = RegionFactory(slug="nord", name="Nord")
    south = RegionFactory(slug="sud", name="Sud")
    practice(town(north), title="A", tags=["wi-fi"], dimension="connectivity", language="fr")
    practice(town(south), title="B", tags=["infolettre"], dimension="participation", language="en")
    client = client_for()

    def found(**filters) -> list[str]:
        response = client.get(_url("practices:list"), filters)
        return sorted(p.title for p in response.context["practices"])

    assert found(tag="wi-fi") == ["A"]
    assert found(dimension="participation") == ["B"]
    assert found(region="nord") == ["A"]
    assert found(language="en") == ["B"]
    assert found(region="sud", tag="wi-fi") == []
    assert found(tag="unknown") == ["A", "B"]  # an unknown choice is no filter


def test_the_catalogue_is_paginated_by_twenty():
    here = town()
    for n in range(21):
        practice(here, title=f"Pratique numéro {n}")
    client = client_for()
    first = client.get(_url("practices:list"))
    assert len(first.context["practices"]) == 20
    assert first.context["next_page"] == 2
    second = client.get(_url("practices:list"), {"page": 2})
    assert [p.title for p in second.context["practices"]] == ["Pratique numéro 0"]
    assert second.context["next_page"] is None
    assert client.get(_url("practices:list"), {"page": "x"}).status_code == 200


def test_an_htmx_search_answers_the_results_only():
    practice(town(), title="Infolettre")
    response = client_for().get(
        _url("practices:list"), {"q": "infolettre"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "Infolettre" in body
    assert "<html" not in body


def test_the_catalogue_runs_constant_queries():
    here = town()
    regions = [RegionFactory() for _ in range(3)]

    def add(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            created = practice(town(regions[len(titles) % 3]), tags=["wi-fi", f"t{len(titles)}"])
            services.adoption_add(actor=staff(here), practice=created, municipality=here) if len(
                titles
            ) % 2 else None
            titles.append(created.title)
        return titles

    assert_constant_queries(client_for(), _url("practices:list"), add, few=2, many=20)


def test_the_practice_page_shows_adoptions_and_comments_with_constant_queries():
    here = town()
    shared = practice(here, title="Wi-Fi public")
    client = client_for()
    url = _url("practices:detail", shared.pk)

    def add(n: int) -> list[str]:
        names = []
        for _ in range(n):
            there = town()
            services.adoption_add(actor=staff(there), practice=shared, municipality=there)
            services.comment_add(
                actor=staff(there), practice=shared, municipality=there, body=f"Bravo {there.name}"
            )
            names += [there.name, f"Bravo {there.name}"]
        return names

    assert_constant_queries(client, url, add, few=2, many=12)
    body = client.get(url).content.decode()
    assert "Adopted by 12 municipalities" in body


def test_a_draft_is_not_found_except_for_its_own_staff():
    here = town()
    writer = staff(here)
    draft = practice(here, author=writer, published=False, title="Brouillon")
    url = _url("practices:detail", draft.pk)
    assert client_for().get(url).status_code == 404
    assert client_for(citizen_of(here)).get(url).status_code == 404
    assert client_for(staff(town())).get(url).status_code == 404
    response = client_for(writer).get(url)
    assert response.status_code == 200
    assert "Draft: only your municipality" in response.content.decode()
    assert client_for().get(_url("practices:detail", 999_999)).status_code == 404


def test_the_adopt_button_shows_to_other_towns_staff_only():
    here = town()
    shared = practice(here)
    url = _url("practices:detail", shared.pk)
    button = "We adopted this"
    assert button not in client_for().get(url).content.decode()
    assert button not in client_for(citizen_of(town())).get(url).content.decode()
    assert button not in client_for(staff(here)).get(url).content.decode()
    there = town()
    adopter = staff(there)
    assert button in client_for(adopter).get(url).content.decode()
    services.adoption_add(actor=adopter, practice=shared, municipality=there)
    body = client_for(adopter).get(url).content.decode()
    assert button not in body
    assert f"Take back the adoption of {there.name}" in body


def test_adopting_on_the_page_shows_the_town_and_undoing_removes_it():
    shared = practice(town())
    there = town(name="Témiscaming")
    client = client_for(staff(there))
    response = client.post(
        _url("practices:adopt", shared.pk), {"municipality": there.pk, "note": "Adapté"}
    )
    assert response.status_code == 302
    body = client.get(_url("practices:detail", shared.pk)).content.decode()
    assert "Adopted by 1 municipality" in body
    assert "Témiscaming" in body
    again = client.post(_url("practices:adopt", shared.pk), {"municipality": there.pk})
    assert again.status_code == 400  # the button is gone; the form refuses the town
    assert Adoption.objects.count() == 1
    assert (
        client.post(_url("practices:unadopt", shared.pk), {"municipality": there.pk}).status_code
        == 302
    )
    assert Adoption.objects.count() == 0


def test_a_comment_posted_on_the_page_shows_with_the_town():
    shared = practice(town())
    there = town(name="Notre-Dame-du-Nord")
    elected = with_role(there, Role.ELECTED)
    client = client_for(elected)
    response = client.post(
        _url("practices:comment", shared.pk), {"municipality": there.pk, "body": "Excellent"}
    )
    assert response.status_code == 302
    body = client_for().get(_url("practices:detail", shared.pk)).content.decode()
    assert "Excellent" in body and "Notre-Dame-du-Nord" in body
    empty = client.post(
        _url("practices:comment", shared.pk), {"municipality": there.pk, "body": ""}
    )
    assert empty.status_code == 400
    assert PracticeComment.objects.count() == 1


def test_a_hidden_comment_is_gone_for_the_public_and_marked_for_the_owner():
    here = town()
    owner = staff(here)
    shared = practice(here, author=owner)
    there = town()
    comment = services.comment_add(
        actor=staff(there), practice=shared, municipality=there, body="Publicité"
    )
    client = client_for(owner)
    hide = _url("practices:comment_hide", shared.pk, comment.pk)
    assert client.post(hide, {"hidden": "1"}).status_code == 302
    assert "Publicité" not in client_for().get(_url("practices:detail", shared.pk)).content.decode()
    assert "Show this comment" in client.get(_url("practices:detail", shared.pk)).content.decode()


def test_staff_write_then_publish_from_their_pages():
    here = town()
    writer = staff(here)
    client = client_for(writer)
    assert client.get(_url("practices_staff:create", here.slug)).status_code == 200
    form = values(title="Borne numérique", tags="kiosque, aînés")
    response = client.post(_url("practices_staff:create", here.slug), form)
    created = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("practices_staff:edit", here.slug, created.pk)
    assert created.status == "draft"
    listing = client.get(_url("practices_staff:list", here.slug)).content.decode()
    assert "Borne numérique" in listing
    edit = client.post(
        _url("practices_staff:edit", here.slug, created.pk), {**form, "title": "Borne publique"}
    )
    assert edit.status_code == 302
    published = client.post(_url("practices_staff:publish", here.slug, created.pk))
    assert published["Location"] == _url("practices:detail", created.pk)
    created.refresh_from_db()
    assert (created.title, created.status) == ("Borne publique", "published")
    assert sorted(created.tags.values_list("slug", flat=True)) == ["aines", "kiosque"]
    client.post(_url("practices_staff:withdraw", here.slug, created.pk))
    assert Practice.objects.get().status == "draft"


def test_the_staff_form_shows_errors_and_saves_nothing():
    here = town()
    response = client_for(staff(here)).post(
        _url("practices_staff:create", here.slug), values(title="", tags="x" * 61)
    )
    assert response.status_code == 400
    assert Practice.objects.count() == 0


def test_another_towns_practice_is_not_found_on_the_staff_pages():
    here, there = town(), town()
    theirs = practice(there, published=False)
    client = client_for(staff(here))
    assert client.get(_url("practices_staff:edit", here.slug, theirs.pk)).status_code == 404
    assert client.post(_url("practices_staff:publish", here.slug, theirs.pk)).status_code == 404
    assert Practice.objects.get().status == "draft"


def test_the_staff_list_runs_constant_queries():
    here = town()
    writer = staff(here)

    def add(n: int) -> list[str]:
        return [practice(here, author=writer, published=bool(i % 2)).title for i in range(n)]

    assert_constant_queries(
        client_for(writer), _url("practices_staff:list", here.slug), add, few=2, many=15
    )
