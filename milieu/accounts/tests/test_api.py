import pytest
from django.test import Client

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_me_requires_authentication(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_shows_memberships_and_roles(django_assert_max_num_queries):
    municipality = MunicipalityFactory(slug="brossard")
    user = with_role(municipality, Role.STAFF, email="staff@example.org")
    client = Client()
    client.force_login(user)

    with django_assert_max_num_queries(10):  # cold: the access facts are read (6 queries)
        body = client.get("/api/v1/me").json()

    assert body["email"] == "staff@example.org"
    assert body["mfa_enabled"] is True
    assert body["memberships"] == [
        {
            "municipality": "brossard",
            "municipality_name": municipality.name,
            "district_id": None,
            "district_name": None,
            "is_home": True,
        }
    ]
    assert body["roles"] == [{"role": "staff", "municipality": "brossard", "region": None}]


def test_me_comes_from_the_cache_until_my_account_memberships_or_roles_change():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from milieu.accounts import services

    brossard, laprairie = MunicipalityFactory(slug="brossard"), MunicipalityFactory()
    user = citizen_of(brossard, display_name="Camille")
    client = Client()
    client.force_login(user)
    client.get("/api/v1/me")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").json()["display_name"] == "Camille"
    assert [q["sql"] for q in queries if "accounts_" in q["sql"]] == []  # the session only

    services.membership_join(actor=user, municipality=laprairie)
    slugs = {m["municipality"] for m in client.get("/api/v1/me").json()["memberships"]}
    assert slugs == {"brossard", laprairie.slug}

    admin = with_role(laprairie, Role.ADMIN)
    services.role_grant(actor=admin, municipality=laprairie, email=user.email, role=Role.STAFF)
    assert client.get("/api/v1/me").json()["roles"] == [
        {"role": "staff", "municipality": laprairie.slug, "region": None}
    ]

    user.display_name = "Camille T."
    user.save()
    assert client.get("/api/v1/me").json()["display_name"] == "Camille T."


def test_patch_me_changes_profile_and_home():
    brossard = MunicipalityFactory(slug="brossard")
    magog = MunicipalityFactory(slug="magog")
    district = DistrictFactory(municipality=magog)
    user = citizen_of(brossard)
    client = Client()
    client.force_login(user)

    response = client.patch(
        "/api/v1/me",
        {"display_name": "Gabriel", "home_municipality": "magog", "home_district": district.pk},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Gabriel"
    assert Membership.objects.get(user=user, is_home=True).district == district


def test_patch_me_with_a_foreign_district_changes_nothing():
    brossard = MunicipalityFactory(slug="brossard")
    magog = MunicipalityFactory(slug="magog")
    user = citizen_of(brossard, display_name="Avant")
    client = Client()
    client.force_login(user)

    response = client.patch(
        "/api/v1/me",
        {
            "display_name": "Après",
            "home_municipality": "magog",
            "home_district": DistrictFactory(municipality=brossard).pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 404
    user.refresh_from_db()
    assert user.display_name == "Avant"
    assert Membership.objects.get(user=user, is_home=True).municipality == brossard
    assert not Membership.objects.filter(user=user, municipality=magog).exists()


def test_patch_me_rejects_a_wrong_type_with_a_field_error():
    user = citizen_of(MunicipalityFactory())
    client = Client()
    client.force_login(user)

    response = client.patch("/api/v1/me", {"home_district": "abc"}, content_type="application/json")

    assert response.status_code == 422
    assert "home_district" in response.json()["error"]["fields"]


def test_admin_lists_grants_and_revokes_roles_through_the_api():
    municipality = MunicipalityFactory(slug="brossard")
    admin = with_role(municipality, Role.ADMIN)
    merchant = citizen_of(municipality, email="marchand@example.org")
    client = Client()
    client.force_login(admin)

    created = client.post(
        "/api/v1/municipalities/brossard/roles",
        {"email": merchant.email, "role": "merchant"},
        content_type="application/json",
    )
    assert created.status_code == 201
    listed = client.get("/api/v1/municipalities/brossard/roles").json()
    assert {(r["user_email"], r["role"]) for r in listed} == {
        (admin.email, "admin"),
        (merchant.email, "merchant"),
    }
    deleted = client.delete(f"/api/v1/municipalities/brossard/roles/{created.json()['id']}")
    assert deleted.status_code == 204
    assert len(client.get("/api/v1/municipalities/brossard/roles").json()) == 1


def test_my_compiled_memberships_and_roles_answer_what_the_orm_answers():
    from milieu.accounts.selectors import profile

    brossard = MunicipalityFactory(slug="brossard")
    user = with_role(brossard, Role.STAFF)
    district = DistrictFactory(municipality=brossard)
    Membership.objects.filter(user=user).update(district=district)
    other = MunicipalityFactory()
    Membership.objects.create(user=user, municipality=other)
    with_role(other, Role.ADMIN)  # someone else's role, compiled first

    for query in (profile.MY_MEMBERSHIPS, profile.MY_ROLES):
        assert query.rows(user.pk) == [tuple(row) for row in query.reference(user.pk)]
    assert profile.my_memberships(user=user)[0]["district_name"] == district.name
