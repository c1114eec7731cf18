"""People see which services signed in with Milieu and can withdraw their access."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from milieu.accounts.services.oidc import oidc_client_create
from milieu.accounts.tests.factories import citizen_of
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def grant(user, application, scope: str) -> AccessToken:
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=f"access-{user.pk}-{application.pk}-{scope}",
        expires=timezone.now() + timedelta(hours=1),
        scope=scope,
    )
    RefreshToken.objects.create(
        user=user, application=application, token=f"refresh-{access.token}", access_token=access
    )
    return access


@pytest.fixture
def setup():
    municipality = MunicipalityFactory()
    person = citizen_of(municipality)
    other = citizen_of(municipality)
    portal, _secret = oidc_client_create(
        name="Portail loisirs", redirect_uris=["https://loisirs.example.org/cb"], confidential=True
    )
    library, _secret = oidc_client_create(
        name="Bibliothèque", redirect_uris=["https://biblio.example.org/cb"], confidential=True
    )
    grant(person, portal, "openid profile residency")
    grant(other, portal, "openid")
    return person, other, portal, library


def test_the_identity_page_lists_services_and_what_they_receive(setup):
    person, _other, _portal, _library = setup
    client = Client()
    client.force_login(person)

    html = client.get("/en/profile/identity/").content.decode()

    assert "Portail loisirs" in html
    assert "Your home municipality and whether you are a verified resident there" in html
    assert "Bibliothèque" not in html


def test_withdrawing_a_service_revokes_its_tokens_and_only_mine(setup):
    person, other, portal, _library = setup
    client = Client()
    client.force_login(person)

    response = client.post(f"/fr/profile/identity/services/{portal.pk}/revoke/")

    assert response.status_code == 302
    assert not AccessToken.objects.filter(user=person).exists()
    assert not RefreshToken.objects.filter(user=person, revoked__isnull=True).exists()
    assert AccessToken.objects.filter(user=other).count() == 1


def test_withdrawing_a_service_that_holds_nothing_is_a_404_and_changes_nothing(setup):
    person, _other, _portal, library = setup
    client = Client()
    client.force_login(person)
    before = AccessToken.objects.count()

    assert client.post(f"/fr/profile/identity/services/{library.pk}/revoke/").status_code == 404
    assert client.delete(f"/api/v1/me/authorizations/{library.pk}").status_code == 404
    assert AccessToken.objects.count() == before


def test_authorizations_api(setup):
    person, _other, portal, _library = setup
    client = Client()
    client.force_login(person)

    listed = client.get("/api/v1/me/authorizations").json()
    assert [(a["name"], a["scopes"]) for a in listed] == [
        ("Portail loisirs", ["openid", "profile", "residency"])
    ]
    assert client.delete(f"/api/v1/me/authorizations/{portal.pk}").status_code == 204
    assert client.get("/api/v1/me/authorizations").json() == []
    assert Client().get("/api/v1/me/authorizations").status_code == 401
