import pytest
from django.db import IntegrityError

from milieu.accounts import services
from milieu.accounts.models import Membership, Role, RoleAssignment
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_profile_update_saves_and_bad_values_change_nothing():
    user = UserFactory(display_name="Avant")
    services.profile_update(actor=user, display_name="  Camille  ", preferred_language="es")
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language) == ("Camille", "es")

    with pytest.raises(ApplicationError) as refused:
        services.profile_update(actor=user, display_name="X", preferred_language="de")
    assert set(refused.value.extra["fields"]) == {"preferred_language"}
    user.refresh_from_db()
    assert user.display_name == "Camille"


def test_new_profiles_are_private_by_default():
    assert UserFactory().profile_visibility == "private"


def test_home_set_moves_the_home_and_keeps_the_old_one_as_visited():
    brossard, magog = MunicipalityFactory(), MunicipalityFactory()
    user = citizen_of(brossard)
    district = DistrictFactory(municipality=magog)

    services.home_set(actor=user, municipality=magog, district=district)

    homes = Membership.objects.filter(user=user, is_home=True)
    assert [(m.municipality, m.district) for m in homes] == [(magog, district)]
    assert Membership.objects.filter(user=user, municipality=brossard, is_home=False).exists()


def test_home_set_refuses_a_district_of_another_municipality():
    brossard, magog = MunicipalityFactory(), MunicipalityFactory()
    user = citizen_of(brossard)

    with pytest.raises(ApplicationError):
        services.home_set(
            actor=user, municipality=magog, district=DistrictFactory(municipality=brossard)
        )
    assert Membership.objects.get(user=user, is_home=True).municipality == brossard


def test_one_home_is_enforced_by_the_database():
    brossard, magog = MunicipalityFactory(), MunicipalityFactory()
    user = citizen_of(brossard)
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, municipality=magog, is_home=True)


def test_join_is_idempotent_and_leaving_home_is_refused():
    brossard, magog = MunicipalityFactory(), MunicipalityFactory()
    user = citizen_of(brossard)

    services.membership_join(actor=user, municipality=magog)
    services.membership_join(actor=user, municipality=magog)
    assert user.memberships.count() == 2

    with pytest.raises(ApplicationError):
        services.membership_leave(actor=user, municipality=brossard)
    services.membership_leave(actor=user, municipality=magog)
    assert list(user.memberships.values_list("municipality", flat=True)) == [brossard.pk]
    with pytest.raises(NotFound):
        services.membership_leave(actor=user, municipality=magog)


def test_admin_grants_and_revokes_a_role_and_history_is_kept():
    municipality = MunicipalityFactory()
    admin = with_role(municipality, Role.ADMIN)
    person = UserFactory(email="Marchande@Example.org")

    assignment = services.role_grant(
        actor=admin, municipality=municipality, email="marchande@example.org ", role=Role.MERCHANT
    )
    assert (assignment.user, assignment.granted_by) == (person, admin)
    with pytest.raises(ApplicationError) as duplicate:
        services.role_grant(
            actor=admin, municipality=municipality, email=person.email, role=Role.MERCHANT
        )
    assert duplicate.value.code == "duplicate"

    services.role_revoke(actor=admin, municipality=municipality, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.revoked_by == admin
    assert assignment.revoked_at is not None
    # Revoked roles stay as history and the role can be granted again.
    services.role_grant(
        actor=admin, municipality=municipality, email=person.email, role=Role.MERCHANT
    )
    assert RoleAssignment.objects.filter(user=person).count() == 2


def test_role_grant_refuses_unknown_people_and_regional_roles():
    municipality = MunicipalityFactory()
    admin = with_role(municipality, Role.ADMIN)

    with pytest.raises(ApplicationError) as unknown:
        services.role_grant(actor=admin, municipality=municipality, email="x@y.org", role="staff")
    assert "email" in unknown.value.extra["fields"]
    with pytest.raises(ApplicationError) as regional:
        services.role_grant(
            actor=admin, municipality=municipality, email=admin.email, role=Role.CONSORTIUM_ADMIN
        )
    assert "role" in regional.value.extra["fields"]
    assert RoleAssignment.objects.count() == 1


def test_staff_cannot_grant_roles_so_nobody_escalates_themselves():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=staff, municipality=municipality, email=staff.email, role="admin")
    assert RoleAssignment.objects.count() == 1


def test_an_admin_cannot_remove_their_own_admin_role():
    municipality = MunicipalityFactory()
    admin = with_role(municipality, Role.ADMIN)
    own = RoleAssignment.objects.get(user=admin)
    with pytest.raises(ApplicationError):
        services.role_revoke(actor=admin, municipality=municipality, assignment=own)
    own.refresh_from_db()
    assert own.revoked_at is None


def test_consortium_admin_manages_roles_in_member_municipalities_only():
    region = RegionFactory(slug="temiscamingue")
    ville_marie = MunicipalityFactory(region=region)
    elsewhere = MunicipalityFactory()
    consortium_admin = UserFactory()
    RoleAssignment.objects.create(user=consortium_admin, role=Role.CONSORTIUM_ADMIN, region=region)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(consortium_admin, generate_totp_secret())
    person = UserFactory()

    services.role_grant(
        actor=consortium_admin, municipality=ville_marie, email=person.email, role="admin"
    )
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=consortium_admin, municipality=elsewhere, email=person.email, role="admin"
        )


def test_a_role_must_match_its_scope():
    municipality = MunicipalityFactory()
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(
            user=UserFactory(), role=Role.CONSORTIUM_ADMIN, municipality=municipality
        )
