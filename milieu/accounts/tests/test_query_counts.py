"""Query budget of the accounts pages and API (issue 6): the same number of queries, at most 12,
for a few memberships, roles, citizen ids, checks or keys as for many.

The staff verification queues, decisions, counter and their API lists are measured in
`test_verification_views.py` and `test_verification_api.py`."""

from datetime import date, timedelta
from itertools import count

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from oauth2_provider.models import AccessToken

from milieu.accounts import card, selectors
from milieu.accounts.models import (
    BackgroundCheck,
    Membership,
    ResidencyShareConsent,
    Role,
    RoleAssignment,
)
from milieu.accounts.services.oidc import oidc_client_create
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.accounts.tests.factories_card import CitizenIdFactory, resident_of
from milieu.accounts.tests.factories_identity import CivicAddressFactory
from milieu.core.testing import assert_constant_queries, assert_within_budget, client_for
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
_numbers = count()


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Ville de Brossard", id_code="BRO")


def _memberships(user, *, with_ids: bool = False, with_checks: bool = False):
    """Adds municipalities the user belongs to (a role in each, a citizen id, a background
    check and a residency-sharing consent when asked): the lists of "my" pages."""

    def add(n):
        names = []
        for _ in range(n):
            municipality = MunicipalityFactory(name=f"Ville membre {next(_numbers)}")
            Membership.objects.create(
                user=user,
                municipality=municipality,
                district=DistrictFactory(municipality=municipality),
            )
            RoleAssignment.objects.create(user=user, municipality=municipality, role=Role.MERCHANT)
            ResidencyShareConsent.objects.create(user=user, municipality=municipality)
            names.append(municipality.slug)  # linked on the pages, a field in the API
            if with_ids:
                names.append(CitizenIdFactory(user=user, municipality=municipality).number)
            if with_checks:
                BackgroundCheck.objects.create(
                    user=user,
                    municipality=municipality,
                    kind="Police",
                    checked_on=date.today(),
                    expires_on=date.today() + timedelta(days=365),
                )
        return names

    return add


# --- My pages -----------------------------------------------------------------------------------


def test_my_profile_is_constant_in_my_municipalities_and_roles(brossard):
    user = citizen_of(brossard)
    assert_constant_queries(client_for(user), "/fr/profile/", _memberships(user))


def test_my_identity_page_is_constant_in_my_municipalities_and_ids(brossard):
    user = resident_of(brossard).user
    assert_constant_queries(
        client_for(user),
        "/fr/profile/identity/",
        _memberships(user, with_ids=True, with_checks=True),
    )


def test_my_identity_page_is_constant_in_the_services_i_signed_in_to(brossard):
    user = citizen_of(brossard)

    def add(n):
        names = []
        for _ in range(n):
            name = f"Service {next(_numbers)}"
            application, _secret = oidc_client_create(
                name=name, redirect_uris=["https://service.example.org/cb"], confidential=True
            )
            AccessToken.objects.create(
                user=user,
                application=application,
                token=f"token-{application.pk}",
                expires=timezone.now() + timedelta(hours=1),
                scope="openid profile",
            )
            names.append(name)
        return names

    assert_constant_queries(client_for(user), "/fr/profile/identity/", add)
    assert_constant_queries(client_for(user), "/api/v1/me/authorizations", add)


def test_my_card_and_the_verifier_are_within_budget(brossard):
    citizen_id = resident_of(brossard, display_name="Alice Tremblay")
    client = client_for(citizen_id.user)
    assert_within_budget(client, "/fr/card/", citizen_id.number)
    assert_within_budget(client_for(), "/fr/card/verify/")
    assert_within_budget(client, "/api/v1/card", citizen_id.number)


def test_the_verification_page_of_a_citizen_is_within_budget(brossard):
    client = client_for(citizen_of(brossard))
    assert_within_budget(client, "/fr/brossard/identity/", brossard.name)
    assert_within_budget(client, "/api/v1/municipalities/brossard/identity/methods")


def test_the_card_documents_are_constant_in_keys_and_revocations():
    def add_keys(n):
        kids = []
        for _ in range(n):
            kids.append(card.card_key_active(MunicipalityFactory()).kid)
        return kids

    def add_revocations(n):
        numbers = []
        for _ in range(n):
            citizen_id = CitizenIdFactory(revoked_at=timezone.now())
            numbers.append(citizen_id.number)
        return numbers

    assert_constant_queries(client_for(), "/.well-known/citizen-card/jwks.json", add_keys)
    assert_constant_queries(
        client_for(), "/.well-known/citizen-card/revocations.json", add_revocations
    )


# --- Staff pages --------------------------------------------------------------------------------


def _roles(municipality):
    def add(n):
        return [with_role(municipality, Role.STAFF, mfa=False).email for _ in range(n)]

    return add


def _checks(municipality, recorder):
    def add(n):
        emails = []
        for _ in range(n):
            person = citizen_of(municipality)
            BackgroundCheck.objects.create(
                user=person,
                municipality=municipality,
                kind="Police",
                checked_on=date.today(),
                expires_on=date.today() + timedelta(days=365),
                recorded_by=recorder,
            )
            emails.append(person.email)
        return emails

    return add


def test_the_staff_roles_page_is_constant_in_its_roles(brossard):
    admin = with_role(brossard, Role.ADMIN)
    assert_constant_queries(client_for(admin), "/fr/brossard/staff/roles/", _roles(brossard))


def test_the_background_checks_page_is_constant_in_its_checks(brossard):
    staff = with_role(brossard, Role.STAFF)
    assert_constant_queries(
        client_for(staff), "/fr/brossard/staff/checks/", _checks(brossard, staff)
    )


def test_the_registry_page_is_constant_in_its_addresses(brossard):
    staff = with_role(brossard, Role.STAFF)

    def add(n):
        CivicAddressFactory.create_batch(n, municipality=brossard)
        return [brossard.name]

    assert_constant_queries(client_for(staff), "/fr/brossard/staff/identity/registry/", add)


# --- API ----------------------------------------------------------------------------------------


def test_the_api_me_is_constant_in_my_municipalities_and_roles(brossard):
    user = citizen_of(brossard)
    assert_constant_queries(client_for(user), "/api/v1/me", _memberships(user))


def test_the_api_my_identity_is_constant_in_my_municipalities_and_ids(brossard):
    user = resident_of(brossard).user
    assert_constant_queries(
        client_for(user), "/api/v1/me/identity", _memberships(user, with_ids=True, with_checks=True)
    )


def test_the_api_roles_are_constant_in_their_number(brossard):
    admin = with_role(brossard, Role.ADMIN)
    assert_constant_queries(
        client_for(admin), "/api/v1/municipalities/brossard/roles", _roles(brossard)
    )


def test_the_api_background_checks_are_constant_in_their_number(brossard):
    staff = with_role(brossard, Role.STAFF)
    assert_constant_queries(
        client_for(staff),
        "/api/v1/municipalities/brossard/background-checks",
        _checks(brossard, staff),
        many=20,  # the API's page
    )


def test_someone_else_s_lists_do_not_show(brossard):
    """The lists above are the actor's own: another person's memberships are not counted in."""
    user, other = citizen_of(brossard), UserFactory()
    _memberships(other)(3)
    body = client_for(user).get("/api/v1/me").json()
    assert [m["municipality"] for m in body["memberships"]] == ["brossard"]


def test_trust_levels_at_once_agree_with_trust_level_one_by_one(brossard):
    """The identity page and API compute every municipality's trust level in one go
    (`selectors.trust_levels`); it must say what `selectors.trust_level` says for each."""
    shared, unshared, screened, expired = (MunicipalityFactory() for _ in range(4))
    resident = resident_of(brossard).user
    newcomer = citizen_of(brossard)
    unverified = citizen_of(brossard)
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    for user in (resident, newcomer, unverified):
        for municipality in (shared, unshared, screened, expired):
            Membership.objects.create(user=user, municipality=municipality)
        ResidencyShareConsent.objects.create(user=user, municipality=shared)
    CitizenIdFactory(user=resident, municipality=screened)
    BackgroundCheck.objects.create(
        user=resident,
        municipality=screened,
        kind="Police",
        checked_on=date.today() - timedelta(days=30),
        expires_on=date.today() + timedelta(days=30),
    )
    CitizenIdFactory(
        user=resident,
        municipality=expired,
        issued_at=timezone.now() - timedelta(days=400),
    )
    municipalities = [brossard, shared, unshared, screened, expired]
    for user in (resident, newcomer, unverified):
        at_once = selectors.trust_levels(user=user, municipalities=municipalities)
        one_by_one = {
            m.pk: selectors.trust_level(user=user, municipality=m) for m in municipalities
        }
        assert at_once == one_by_one
    levels = selectors.trust_levels(user=resident, municipalities=municipalities)
    assert [levels[m.pk].name for m in municipalities] == [
        "RESIDENT",
        "RESIDENT",  # the home municipality's verification, shared
        "MEMBER",
        "SCREENED",
        "MEMBER",  # the id there expired
    ]
