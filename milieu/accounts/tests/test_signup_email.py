"""Sign-up by email, end to end through Django's test client and a real local SMTP server."""

import re

import pytest
from allauth.account.models import EmailAddress
from pytest_django.asserts import assertContains

from milieu.accounts.models import User

PASSWORD = "Ch0colat-Brossard!"
CONFIRM_LINK = re.compile(r"http://testserver(/fr/accounts/confirm-email/[^/\s]+/)")


def _confirmation_path(body: str) -> str:
    links = CONFIRM_LINK.findall(body)
    assert len(links) == 1, f"expected one confirmation link in the email, found {links!r}"
    return links[0]


@pytest.mark.django_db
def test_signup_sends_french_confirmation_email_and_confirmed_citizen_lands_on_profile(
    client, smtp_server
):
    response = client.post(
        "/fr/accounts/signup/",
        {"email": "citoyenne@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "citoyenne@example.org"
    assert user.preferred_language == "fr"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "citoyenne@example.org",
        False,
        True,
    )

    message = smtp_server.wait_for_message()
    assert message["Subject"] == "[Milieu] Confirmez votre adresse e-mail"
    assert message["From"] == "Milieu <no-reply@milieu.local>"
    assert message["To"] == "citoyenne@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    path = _confirmation_path(body)
    # The greeting names the platform (SITE_NAME); the links use the request's host.
    assert body == (
        "Bonjour, c'est Milieu !\n"
        "\n"
        "Vous recevez cet e-mail car l'utilisateur citoyenne a indiqué votre adresse pour se "
        "connecter à son compte sur testserver.\n"
        "\n"
        f"Pour confirmer que cela est correct, allez sur http://testserver{path}\n"
        "\n"
        "Merci d'utiliser Milieu !\n"
        "testserver\n"
    )
    assert len(smtp_server.messages) == 1

    # Opening the link only shows a confirmation button (ACCOUNT_CONFIRM_EMAIL_ON_GET is False).
    response = client.get(path)
    assertContains(response, "<h1>Confirmer l'adresse e-mail</h1>", html=True)
    address.refresh_from_db()
    assert address.verified is False

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/"
    address.refresh_from_db()
    assert address.verified is True

    response = client.post(
        "/fr/accounts/login/",
        {"login": "citoyenne@example.org", "password": PASSWORD},
        follow=True,
    )
    # No home municipality yet: the login lands on the profile page to choose one.
    assert response.redirect_chain == [("/fr/profile/continue/", 302), ("/fr/profile/", 302)]
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "errors"),
    [
        pytest.param(
            {"email": "citoyenne@example.org", "password1": PASSWORD, "password2": "Vanille-42!"},
            {"password2": ["Vous devez saisir deux fois le même mot de passe."]},
            id="mismatching-passwords",
        ),
        pytest.param(
            {"email": "pas-une-adresse", "password1": PASSWORD, "password2": PASSWORD},
            {"email": ["Saisissez une adresse de courriel valide."]},
            id="invalid-email",
        ),
        pytest.param(
            {"email": "pas-une-adresse", "password1": PASSWORD, "password2": "Vanille-42!"},
            {
                "email": ["Saisissez une adresse de courriel valide."],
                "password2": ["Vous devez saisir deux fois le même mot de passe."],
            },
            id="both",
        ),
    ],
)
def test_signup_with_bad_input_shows_french_errors_and_creates_nothing(
    client, smtp_server, data, errors
):
    response = client.post("/fr/accounts/signup/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    for field, messages in errors.items():
        assertContains(
            response,
            f'<ul class="errorlist" id="id_{field}_error"><li>{messages[0]}</li></ul>',
            html=True,
        )
    # What the person typed is kept, except the passwords, which are never sent back.
    assert response.context["form"]["email"].value() == data["email"]
    assert PASSWORD not in response.content.decode()
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_signing_up_in_english_or_spanish_makes_it_the_persons_language(
    client, smtp_server, language
):
    response = client.post(
        f"/{language}/accounts/signup/",
        {"email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get().preferred_language == language
    message = smtp_server.wait_for_message()
    assert f"http://testserver/{language}/accounts/confirm-email/" in (
        message.get_body(preferencelist=("plain",)).get_content()
    )
