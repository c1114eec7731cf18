import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.cache import cache
from django.test import Client, override_settings

from milieu.accounts.models import Membership, Role, User
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def test_passwords_are_hashed_with_argon2():
    assert identify_hasher(UserFactory().password).algorithm == "argon2"


def test_production_hashers_start_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_lands_on_the_home_municipality_in_the_preferred_language():
    municipality = MunicipalityFactory(slug="brossard")
    citizen_of(municipality, email="camille@example.org", preferred_language="es")
    client = Client()

    response = client.post(
        "/fr/accounts/login/", {"login": "camille@example.org", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/es/brossard/"
    assert response.context["request"].path == "/es/brossard/"


def test_language_switch_is_remembered_on_the_account():
    municipality = MunicipalityFactory(slug="brossard")
    user = citizen_of(municipality)
    client = Client()
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fr/brossard/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/brossard/"
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_language_switch_works_for_visitors_without_an_account(client):
    MunicipalityFactory(slug="brossard")
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/fr/brossard/"})
    assert response["Location"] == "/es/brossard/"


def test_failed_logins_are_rate_limited():
    cache.clear()
    UserFactory(email="cible@example.org")
    client = Client()
    wrong = {"login": "cible@example.org", "password": "wrong"}
    answers = [client.post("/en/accounts/login/", wrong).content.decode() for _n in range(6)]

    assert ["Too many failed login attempts" in html for html in answers] == [False] * 5 + [True]
    # Even the right password is refused until the window has passed.
    right = client.post("/en/accounts/login/", {"login": "cible@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_profile_page_saves_home_municipality_and_district():
    brossard = MunicipalityFactory(slug="brossard", name="Brossard")
    district = DistrictFactory(municipality=brossard, name="Secteur A")
    user = UserFactory()
    client = Client()
    client.force_login(user)

    response = client.post(
        "/fr/profile/",
        {
            "display_name": "Camille",
            "preferred_language": "fr",
            "profile_visibility": "private",
            "home_municipality": "brossard",
            "home_district": district.pk,
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=user, is_home=True)
    assert (membership.municipality, membership.district) == (brossard, district)


def test_profile_refuses_a_district_outside_the_home_and_keeps_the_input():
    brossard = MunicipalityFactory(slug="brossard")
    magog = MunicipalityFactory(slug="magog")
    foreign = DistrictFactory(municipality=magog)
    user = UserFactory(display_name="Avant")
    client = Client()
    client.force_login(user)

    response = client.post(
        "/en/profile/",
        {
            "display_name": "Après",
            "preferred_language": "en",
            "profile_visibility": "private",
            "home_municipality": brossard.slug,
            "home_district": foreign.pk,
        },
    )

    assert response.status_code == 400
    assert 'value="Après"' in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_profile_requires_login(client):
    response = client.get("/fr/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/")


def test_staff_without_mfa_is_sent_to_enrol_before_the_staff_area():
    municipality = MunicipalityFactory(slug="brossard")
    client = Client()
    client.force_login(with_role(municipality, Role.STAFF, mfa=False))

    response = client.get("/fr/brossard/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/2fa/totp/activate/?next=/fr/brossard/staff/"


def test_join_and_leave_a_visited_municipality():
    brossard = MunicipalityFactory(slug="brossard")
    magog = MunicipalityFactory(slug="magog")
    user = citizen_of(brossard)
    client = Client()
    client.force_login(user)

    client.post("/fr/magog/join/")
    assert user.memberships.filter(municipality=magog, is_home=False).exists()
    client.post("/fr/magog/leave/")
    assert not user.memberships.filter(municipality=magog).exists()
    client.post("/fr/brossard/leave/")  # home: refused with a message
    assert user.memberships.filter(municipality=brossard, is_home=True).exists()


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_an_unverified_account_cannot_log_in():
    UserFactory(email="nouveau@example.org", verified=False)
    client = Client()
    client.post("/fr/accounts/login/", {"login": "nouveau@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="nouveau@example.org").last_login is None


def test_password_reset_sends_a_link_that_sets_a_new_password():
    from django.core import mail

    user = UserFactory(email="oubli@example.org")
    client = Client()
    client.post("/en/accounts/password/reset/", {"email": "oubli@example.org"})

    assert [m.to for m in mail.outbox] == [["oubli@example.org"]]
    link = re.search(
        r"http://testserver(/en/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )
    assert link
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")
