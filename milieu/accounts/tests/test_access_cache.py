"""The cached user and access facts: read once, and never older than the database."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from milieu.accounts import services
from milieu.accounts.access import access_cache_key, access_facts
from milieu.accounts.backends import ModelBackend, user_cache_key
from milieu.accounts.models import Role, RoleAssignment, TrustLevel, User
from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.accounts.selectors import trust_level
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.compiled import aware
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as the next request sees it (a new object, through the cache)."""
    return ModelBackend().get_user(user.pk)


def test_the_facts_are_read_in_one_query_then_from_the_cache():
    brossard = MunicipalityFactory()
    staff = with_role(brossard, Role.STAFF)

    with CaptureQueriesContext(connection) as cold:
        assert is_municipal_staff(fresh(staff), brossard) is True
    with CaptureQueriesContext(connection) as warm:
        user = fresh(staff)
        assert is_municipal_staff(user, brossard) is True
        assert has_mfa(user) is True

    assert cache.get(access_cache_key(staff.pk)) is not None
    assert len(warm) == 0
    assert len(cold) == 2  # the user row, then every fact in one UNION ALL


def test_a_granted_then_revoked_role_counts_at_once():
    brossard = MunicipalityFactory()
    admin = with_role(brossard, Role.ADMIN)
    person = citizen_of(brossard)
    assert is_municipal_staff(fresh(person), brossard) is False

    assignment = services.role_grant(
        actor=admin, municipality=brossard, email=person.email, role=Role.STAFF
    )
    assert is_municipal_staff(fresh(person), brossard) is True

    services.role_revoke(actor=admin, municipality=brossard, assignment=assignment)
    assert is_municipal_staff(fresh(person), brossard) is False
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is not None


def test_removing_the_authenticator_removes_staff_rights_at_once():
    brossard = MunicipalityFactory()
    staff = with_role(brossard, Role.STAFF)
    assert has_mfa(fresh(staff)) is True

    Authenticator.objects.filter(user=staff).delete()

    assert has_mfa(fresh(staff)) is False


def test_revoking_a_verification_lowers_the_trust_level_at_once():
    from milieu.accounts.models import Verification
    from milieu.accounts.services import citizen_id_issue

    brossard = MunicipalityFactory()
    admin = with_role(brossard, Role.ADMIN)
    person = citizen_of(brossard)
    verification = Verification.objects.create(user=person, municipality=brossard, method="counter")
    citizen_id_issue(verification=verification, decided_by=admin)
    assert trust_level(user=fresh(person), municipality=brossard) == TrustLevel.RESIDENT

    services.verification_revoke(actor=admin, verification=verification, reason="Moved away")

    assert trust_level(user=fresh(person), municipality=brossard) == TrustLevel.MEMBER


def test_a_deactivated_or_changed_user_is_never_served_from_the_cache():
    person = citizen_of(MunicipalityFactory())
    assert fresh(person) is not None
    assert cache.get(user_cache_key(person.pk)) is not None

    person.set_password("a-new-password-2026")
    person.save()
    assert fresh(person).password == person.password

    person.is_active = False
    person.save()
    assert fresh(person) is None


def test_a_changed_password_ends_other_sessions():
    person = citizen_of(MunicipalityFactory())
    client = Client()
    client.force_login(person)
    assert client.get("/api/v1/me").status_code == 200  # the user is now cached

    person.set_password("a-new-password-2026")
    person.save()

    assert client.get("/api/v1/me").status_code == 401


def test_facts_memoised_on_a_user_object_are_dropped_after_a_change():
    brossard = MunicipalityFactory()
    admin = with_role(brossard, Role.ADMIN)
    person = citizen_of(brossard)
    assert access_facts(person).roles == frozenset()

    services.role_grant(actor=admin, municipality=brossard, email=person.email, role=Role.STAFF)

    assert (Role.STAFF, brossard.pk, None) in access_facts(person).roles


@pytest.mark.parametrize(
    "backend",
    ["milieu.accounts.backends.ModelBackend", "milieu.accounts.backends.AuthenticationBackend"],
)
def test_every_login_backend_reads_the_user_from_the_cache(backend):
    """A password login and allauth's code login name different backends in the session."""
    person = citizen_of(MunicipalityFactory())
    client = Client()
    client.force_login(person, backend=backend)
    assert client.get("/api/v1/me").status_code == 200  # the user is now cached

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def test_a_password_login_names_the_cached_backend():
    person = citizen_of(MunicipalityFactory())
    person.set_password("a-password-2026")
    person.save()
    client = Client()
    response = client.post(
        "/en/accounts/login/", {"login": person.email, "password": "a-password-2026"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"].startswith("milieu.accounts.backends.")


def test_the_compiled_facts_query_answers_what_the_orm_answers():
    """`access.FACTS` runs the union's SQL compiled once; the ORM's own run of the same
    queryset is the reference, for every kind of fact (on SQLite and on PostgreSQL)."""
    from datetime import date

    from milieu.accounts import access
    from milieu.accounts.models import BackgroundCheck, ResidencyShareConsent
    from milieu.accounts.tests.factories_card import resident_of

    brossard, laprairie = MunicipalityFactory(), MunicipalityFactory()
    person = resident_of(brossard).user  # home, citizen id, verified email
    services.membership_join(actor=person, municipality=laprairie)
    ResidencyShareConsent.objects.create(user=person, municipality=laprairie)
    BackgroundCheck.objects.create(
        user=person,
        municipality=brossard,
        kind="police",
        checked_on=date(2026, 1, 5),
        expires_on=date(2029, 1, 5),
    )
    RoleAssignment.objects.create(user=person, role=Role.STAFF, municipality=laprairie)
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={})
    access_facts(with_role(brossard, Role.ADMIN))  # another person's facts compile it first

    expected = sorted(
        (fact, municipality, region, aware(at))
        for fact, municipality, region, at in access.FACTS.reference(person.pk)
    )
    got = sorted(
        (fact, municipality, region, aware(at))
        for fact, municipality, region, at in access.FACTS.rows(person.pk)
    )
    assert got == expected
    assert {row[0] for row in got} == {
        "home",
        "member",
        "shared",
        "id",
        "check",
        "staff",
        "mfa",
        "email",
    }
    facts = access._load(person)
    assert facts.checks == {brossard.pk: date(2029, 1, 5)}
    assert set(facts.citizen_ids) == {brossard.pk}
    assert facts.has_mfa and facts.email_verified and facts.shared == {laprairie.pk}
