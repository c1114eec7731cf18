"""Citizen ids, yearly confirmation, reminders, trust levels, background checks, consent."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from milieu.accounts import services
from milieu.accounts.models import CitizenId, Role, TrustLevel, Verification
from milieu.accounts.permissions import has_trust_level, is_resident, is_screened
from milieu.accounts.selectors import trust_level
from milieu.accounts.services.identity import citizen_id_number, citizen_id_number_is_valid
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def pending(user, municipality, method="counter") -> Verification:
    return Verification.objects.create(user=user, municipality=municipality, method=method)


def issue(user, municipality) -> CitizenId:
    return services.citizen_id_issue(verification=pending(user, municipality), decided_by=None)


def test_citizen_id_numbers_carry_a_check_digit():
    assert citizen_id_number("BRO", 2026, 4217) == "BRO-2026-004217-9"
    assert citizen_id_number_is_valid("BRO-2026-004217-9")
    assert not citizen_id_number_is_valid("BRO-2026-004217-8")
    assert not citizen_id_number_is_valid("BRO-2026-004271-9")  # swapped digits
    assert not citizen_id_number_is_valid("garbage")


@time_machine.travel(NOW, tick=False)
def test_issue_approves_and_numbers_serially_per_municipality_and_year():
    brossard = MunicipalityFactory(id_code="BRO")
    first, second = citizen_of(brossard), citizen_of(brossard)

    a = issue(first, brossard)
    b = issue(second, brossard)

    assert (a.number, b.number) == (
        citizen_id_number("BRO", 2026, 1),
        citizen_id_number("BRO", 2026, 2),
    )
    assert a.expires_at == NOW + timedelta(days=365)
    assert a.verification.status == Verification.Status.APPROVED
    assert a.verification.decided_at == NOW


def test_a_decided_verification_cannot_issue_twice():
    municipality = MunicipalityFactory()
    citizen_id = issue(citizen_of(municipality), municipality)
    with pytest.raises(ApplicationError):
        services.citizen_id_issue(verification=citizen_id.verification, decided_by=None)
    assert CitizenId.objects.count() == 1


def test_re_verification_renews_the_same_id():
    municipality = MunicipalityFactory()
    user = citizen_of(municipality)
    first = issue(user, municipality)
    with time_machine.travel(first.expires_at + timedelta(days=3), tick=False):
        renewed = issue(user, municipality)
    assert renewed.pk == first.pk
    assert renewed.number == first.number
    assert renewed.expires_at > first.expires_at


def test_one_active_id_per_person_and_municipality_is_a_database_rule():
    municipality = MunicipalityFactory()
    citizen_id = issue(citizen_of(municipality), municipality)
    with pytest.raises(IntegrityError):
        CitizenId.objects.create(
            user=citizen_id.user,
            municipality=municipality,
            verification=citizen_id.verification,
            number="X-1",
            year=2026,
            serial=999,
            expires_at=citizen_id.expires_at,
        )


def test_verifying_makes_the_municipality_home_when_there_is_none():
    municipality = MunicipalityFactory()
    user = UserFactory()
    issue(user, municipality)
    assert user.memberships.get().is_home


def test_trust_levels_rise_with_verification_and_screening_and_fall_at_expiry():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)
    user = citizen_of(municipality)
    assert trust_level(user=user, municipality=municipality) == TrustLevel.MEMBER
    assert (
        trust_level(user=UserFactory(verified=False), municipality=municipality)
        == TrustLevel.VISITOR
    )

    with time_machine.travel(NOW, tick=False):
        citizen_id = issue(user, municipality)
        assert trust_level(user=user, municipality=municipality) == TrustLevel.RESIDENT
        services.background_check_record(
            actor=staff,
            municipality=municipality,
            user=user,
            kind="Vérification des antécédents judiciaires",
            checked_on=date(2026, 3, 1),
            expires_on=date(2029, 3, 1),
        )
        assert trust_level(user=user, municipality=municipality) == TrustLevel.SCREENED

    with time_machine.travel(citizen_id.expires_at + timedelta(seconds=1), tick=False):
        # An expired id drops the level (screening needs residency too) until confirmed.
        assert trust_level(user=user, municipality=municipality) == TrustLevel.MEMBER
        services.citizen_id_confirm(actor=user, citizen_id=citizen_id)
        assert trust_level(user=user, municipality=municipality) == TrustLevel.SCREENED


def test_trust_predicates_compose_for_other_apps():
    municipality = MunicipalityFactory()
    user = citizen_of(municipality)
    assert not is_resident(user, municipality)
    issue(user, municipality)
    fresh = type(user).objects.get(pk=user.pk)  # predicates memoise per user object
    assert is_resident(fresh, municipality)
    assert not is_screened(fresh, municipality)
    assert has_trust_level(TrustLevel.MEMBER)(fresh, municipality)


@time_machine.travel(NOW, tick=False)
def test_confirmation_opens_30_days_before_expiry():
    municipality = MunicipalityFactory()
    user = citizen_of(municipality)
    citizen_id = issue(user, municipality)

    with pytest.raises(ApplicationError) as early:
        services.citizen_id_confirm(actor=user, citizen_id=citizen_id)
    assert early.value.code == "too_early"

    with time_machine.travel(citizen_id.expires_at - timedelta(days=29), tick=False):
        confirmed = services.citizen_id_confirm(actor=user, citizen_id=citizen_id)
        assert confirmed.expires_at == citizen_id.expires_at - timedelta(days=29) + timedelta(
            days=365
        )


def test_nobody_confirms_someone_elses_id():
    municipality = MunicipalityFactory()
    citizen_id = issue(citizen_of(municipality), municipality)
    with pytest.raises(NotFound):
        services.citizen_id_confirm(actor=citizen_of(municipality), citizen_id=citizen_id)


def test_reminders_go_out_at_30_7_and_1_days_once_each():
    municipality = MunicipalityFactory(name="Brossard")
    user = citizen_of(municipality, preferred_language="en")
    with time_machine.travel(NOW, tick=False):
        citizen_id = issue(user, municipality)
    expiry = citizen_id.expires_at

    def run(days_before: float) -> int:
        return services.citizen_id_send_reminders(now=expiry - timedelta(days=days_before))

    assert run(31) == 0
    assert run(30) == 1
    assert run(29) == 0  # not twice
    assert run(6.5) == 1
    assert run(0.5) == 1
    assert run(0.25) == 0
    assert len(mail.outbox) == 3
    assert "expires in 30 days" in mail.outbox[0].subject
    assert citizen_id.number in mail.outbox[0].body
    assert "expires in 1 day" in mail.outbox[2].subject


def test_a_citizen_first_reached_late_gets_one_reminder_not_a_burst():
    municipality = MunicipalityFactory()
    with time_machine.travel(NOW, tick=False):
        citizen_id = issue(citizen_of(municipality), municipality)
    assert services.citizen_id_send_reminders(now=citizen_id.expires_at - timedelta(days=5)) == 1
    assert len(mail.outbox) == 1
    citizen_id.refresh_from_db()
    assert citizen_id.reminded_days == [30, 7]


def test_revoking_a_verification_revokes_its_id_and_needs_a_reason():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)
    user = citizen_of(municipality)
    citizen_id = issue(user, municipality)

    with pytest.raises(ApplicationError):
        services.verification_revoke(actor=staff, verification=citizen_id.verification, reason=" ")
    citizen_id.refresh_from_db()
    assert citizen_id.revoked_at is None

    services.verification_revoke(actor=staff, verification=citizen_id.verification, reason="Fraude")
    citizen_id.refresh_from_db()
    assert citizen_id.revoked_at is not None
    assert trust_level(user=user, municipality=municipality) == TrustLevel.MEMBER


def test_staff_of_another_city_cannot_revoke():
    municipality = MunicipalityFactory()
    citizen_id = issue(citizen_of(municipality), municipality)
    other_staff = with_role(MunicipalityFactory(), Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.verification_revoke(
            actor=other_staff, verification=citizen_id.verification, reason="x"
        )
    citizen_id.refresh_from_db()
    assert citizen_id.revoked_at is None


def test_background_check_validation():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)
    stranger = UserFactory()
    with pytest.raises(ApplicationError) as refused:
        services.background_check_record(
            actor=staff,
            municipality=municipality,
            user=stranger,
            kind="",
            checked_on=date(2026, 1, 10),
            expires_on=date(2026, 1, 1),
        )
    assert set(refused.value.extra["fields"]) == {"kind", "expires_on", "email"}


def test_a_visited_municipality_sees_the_home_verification_only_with_consent():
    home = MunicipalityFactory()
    visited = MunicipalityFactory()
    user = citizen_of(home)
    issue(user, home)
    services.membership_join(actor=user, municipality=visited)

    assert trust_level(user=user, municipality=visited) == TrustLevel.MEMBER
    services.residency_share_grant(actor=user, municipality=visited)
    assert trust_level(user=user, municipality=visited) == TrustLevel.RESIDENT
    services.residency_share_withdraw(actor=user, municipality=visited)
    assert trust_level(user=user, municipality=visited) == TrustLevel.MEMBER


def test_consent_needs_membership_and_is_not_for_home():
    home, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    user = citizen_of(home)
    with pytest.raises(PermissionDenied):
        services.residency_share_grant(actor=user, municipality=elsewhere)
    with pytest.raises(ApplicationError):
        services.residency_share_grant(actor=user, municipality=home)
