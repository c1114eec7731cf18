"""The practices API: the catalogue (search, filters, pages, query counts), a practice, writing
and publishing by the town's staff, adoptions (once, 409 again), comments and hiding; refusals
in the shared error shape, changing nothing."""

import json

import pytest

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import assert_constant_queries, client_for
from milieu.network import services_practices as services
from milieu.network.models import Adoption, Practice, PracticeComment

from .practices_factories import practice, staff, town, values

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _post(client, url: str, body: dict | None = None, method: str = "post"):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_list_searches_and_filters_published_practices():
    here = town()
    practice(here, title="Infolettre imprimée", tags=["infolettre"], language="fr")
    practice(here, title="Wi-Fi", tags=["wi-fi"], language="en", dimension="connectivity")
    practice(here, title="Brouillon", published=False)
    client = client_for()
    body = client.get(f"{API}/practices").json()
    assert sorted(item["title"] for item in body["items"]) == ["Infolettre imprimée", "Wi-Fi"]
    assert body["next_page"] is None
    assert [i["title"] for i in client.get(f"{API}/practices?q=imprim").json()["items"]] == [
        "Infolettre imprimée"
    ]
    assert [i["title"] for i in client.get(f"{API}/practices?tag=wi-fi").json()["items"]] == [
        "Wi-Fi"
    ]
    assert [i["title"] for i in client.get(f"{API}/practices?language=en").json()["items"]] == [
        "Wi-Fi"
    ]
    region = here.region.slug
    assert len(client.get(f"{API}/practices?region={region}").json()["items"]) == 2
    assert client.get(f"{API}/practices?region=nowhere").json()["items"] == []
    tags = client.get(f"{API}/practices/tags").json()
    assert [(t["slug"], t["count"]) for t in tags] == [("infolettre", 1), ("wi-fi", 1)]


def test_list_pages_by_twenty_with_constant_queries():
    here = town()
    adopter_town = town()
    adopter = staff(adopter_town)

    def add(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            created = practice(here, tags=["wi-fi", "aînés"])
            services.adoption_add(actor=adopter, practice=created, municipality=adopter_town)
            titles.append(created.title)
        return titles

    assert_constant_queries(client_for(), f"{API}/practices", add, few=2, many=20)
    practice(here)
    body = client_for().get(f"{API}/practices").json()
    assert (len(body["items"]), body["next_page"]) == (20, 2)
    assert body["items"][1]["adoption_count"] == 1
    assert len(client_for().get(f"{API}/practices?page=2").json()["items"]) == 1


def test_get_a_practice_and_a_draft_only_for_its_staff():
    here = town()
    writer = staff(here)
    shared = practice(here, author=writer, title="Publiée", tags=["Wi-Fi"])
    draft = practice(here, author=writer, published=False)
    body = client_for().get(f"{API}/practices/{shared.pk}").json()
    assert body["title"] == "Publiée"
    assert body["tags"] == [{"slug": "wi-fi", "name": "wi-fi"}]
    assert body["municipality"] == {
        "slug": here.slug,
        "name": here.name,
        "region": here.region.slug,
    }
    missing = client_for(staff(town())).get(f"{API}/practices/{draft.pk}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client_for(writer).get(f"{API}/practices/{draft.pk}").json()["status"] == "draft"


def test_staff_create_update_publish_and_withdraw():
    here = town()
    client = client_for(staff(here))
    created = _post(client, f"{API}/municipalities/{here.slug}/practices", values(title="Borne"))
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    updated = _post(
        client, f"{API}/practices/{pk}", values(title="Borne publique", tags=["kiosque"]), "put"
    )
    assert updated.status_code == 200
    assert updated.json()["tags"] == [{"slug": "kiosque", "name": "kiosque"}]
    published = _post(client, f"{API}/practices/{pk}/publish")
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    listed = client.get(f"{API}/municipalities/{here.slug}/practices").json()
    assert [p["title"] for p in listed] == ["Borne publique"]
    assert _post(client, f"{API}/practices/{pk}/withdraw").json()["status"] == "draft"


def test_invalid_input_answers_400_with_the_field_and_saves_nothing():
    here = town()
    response = _post(
        client_for(staff(here)),
        f"{API}/municipalities/{here.slug}/practices",
        values(contact=""),
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["contact"]
    assert Practice.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("citizen", 403), ("other_staff", 403), ("nomfa", 403)],
)
def test_writes_by_others_are_refused_and_change_nothing(who, status):
    here = town()
    draft = practice(here, published=False)
    actor = {
        "anonymous": None,
        "citizen": citizen_of(here),
        "other_staff": staff(town()),
        "nomfa": staff(here, mfa=False),
    }[who]
    client = client_for(actor)
    create = _post(client, f"{API}/municipalities/{here.slug}/practices", values())
    assert create.status_code == status
    publish = _post(client, f"{API}/practices/{draft.pk}/publish")
    # A draft is not found for those who may not see it.
    assert publish.status_code == (401 if who == "anonymous" else 404)
    listing = client.get(f"{API}/municipalities/{here.slug}/practices")
    assert listing.status_code == (401 if who == "anonymous" else 404)
    assert Practice.objects.get().status == "draft"
    assert Practice.objects.count() == 1


def test_adopt_once_then_409_and_take_back():
    shared = practice(town())
    there = town()
    client = client_for(staff(there))
    url = f"{API}/practices/{shared.pk}/adoptions"
    first = _post(client, url, {"note": "Adaptée"})
    assert first.status_code == 201
    assert first.json()["municipality"]["slug"] == there.slug
    again = _post(client, url)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_adopted"
    assert [a["note"] for a in client_for().get(url).json()] == ["Adaptée"]
    assert client_for().get(f"{API}/practices/{shared.pk}").json()["adoption_count"] == 1
    assert client.delete(f"{url}/{there.slug}").status_code == 204
    assert Adoption.objects.count() == 0
    assert client.delete(f"{url}/{there.slug}").status_code == 404


def test_adoption_refusals():
    here = town()
    shared = practice(here)
    url = f"{API}/practices/{shared.pk}/adoptions"
    own = _post(client_for(staff(here)), url)
    assert (own.status_code, own.json()["error"]["code"]) == (409, "own_practice")
    assert _post(client_for(citizen_of(town())), url).status_code == 403
    assert _post(client_for(), url).status_code == 401
    there, elsewhere = town(), town()
    person = staff(there)
    RoleAssignment.objects.create(user=person, role=Role.STAFF, municipality=elsewhere)
    several = _post(client_for(person), url)
    assert several.status_code == 400
    assert list(several.json()["error"]["fields"]) == ["municipality"]
    named = _post(client_for(person), url, {"municipality": elsewhere.slug})
    assert named.status_code == 201
    stranger = _post(client_for(staff(town())), url, {"municipality": there.slug})
    assert stranger.status_code == 403
    assert list(Adoption.objects.values_list("municipality", flat=True)) == [elsewhere.pk]


def test_comment_and_hide():
    here = town()
    owner = staff(here)
    shared = practice(here, author=owner)
    there = town()
    url = f"{API}/practices/{shared.pk}/comments"
    created = _post(client_for(with_role(there, Role.ELECTED)), url, {"body": "Bravo"})
    assert created.status_code == 201
    assert created.json()["municipality"]["slug"] == there.slug
    assert _post(client_for(citizen_of(there)), url, {"body": "Moi"}).status_code == 403
    pk = created.json()["id"]
    assert _post(client_for(staff(there)), f"{url}/{pk}/hide").status_code == 403
    hidden = _post(client_for(owner), f"{url}/{pk}/hide", {"hidden": True})
    assert hidden.json()["hidden"] is True
    assert client_for().get(url).json() == []
    assert [c["body"] for c in client_for(owner).get(url).json()] == ["Bravo"]
    assert PracticeComment.objects.count() == 1
