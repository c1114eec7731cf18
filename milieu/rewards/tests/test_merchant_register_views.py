"""The merchant self-registration page, /<lang>/rewards/merchants/new/."""

import pytest

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.rewards.models import Merchant
from milieu.territory.tests.factories import MunicipalityFactory

URL = "/fr/rewards/merchants/new/"
BUSINESS = {
    "name": "Boulangerie du Coin",
    "category": "boulangerie",
    "address": "1 rue Principale",
    "hours": "7 h à 18 h",
    "description": "Pain au levain.",
}


@pytest.fixture
def brossard(db):
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def chateauguay(db):
    return MunicipalityFactory(slug="chateauguay", name="Châteauguay")


@pytest.fixture
def owner(brossard):
    return with_role(brossard, Role.MERCHANT, mfa=False)


def test_the_select_offers_only_municipalities_of_the_merchant_role(
    client, owner, brossard, chateauguay
):
    client.force_login(owner)
    response = client.get(URL)
    assert response.status_code == 200
    choices = list(response.context["form"].fields["municipality"].queryset)
    assert choices == [brossard]
    assert "Châteauguay" not in response.content.decode()


def test_a_merchant_registers_a_business_left_to_the_city_to_verify(client, owner, brossard):
    client.force_login(owner)
    response = client.post(URL, {"municipality": brossard.pk, **BUSINESS})
    assert response.status_code == 302
    merchant = Merchant.objects.get()
    assert (merchant.owner, merchant.municipality, merchant.name) == (
        owner,
        brossard,
        "Boulangerie du Coin",
    )
    assert merchant.verified_at is None
    assert merchant.program.municipality == brossard


def test_a_municipality_without_the_role_is_refused(client, owner, chateauguay):
    client.force_login(owner)
    response = client.post(URL, {"municipality": chateauguay.pk, **BUSINESS})
    assert response.status_code == 400
    assert "municipality" in response.context["form"].errors
    assert not Merchant.objects.exists()


def test_missing_fields_are_shown_on_the_form(client, owner, brossard):
    client.force_login(owner)
    response = client.post(URL, {"municipality": brossard.pk, "name": "  "})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"name", "category", "address"}
    assert not Merchant.objects.exists()


def test_without_the_merchant_role_the_page_is_forbidden(client, brossard):
    client.force_login(citizen_of(brossard))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"municipality": brossard.pk, **BUSINESS}).status_code == 403
    assert not Merchant.objects.exists()


def test_a_revoked_role_no_longer_opens_the_page(client, owner, brossard):
    RoleAssignment.objects.filter(user=owner).update(revoked_at="2026-01-01T00:00:00Z")
    client.force_login(owner)
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]
