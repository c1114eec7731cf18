"""Writes for Milieu as an OpenID Connect provider: registering a client.

Platform operators register clients, either here (`manage.py oidc_client_create`) or in the
Django admin (django-oauth-toolkit's Applications). Municipal staff do not: a client can ask
any citizen for their data, so adding one is a platform decision.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AbstractApplication, get_application_model

from milieu.core.errors import ApplicationError


def oidc_client_create(
    *, name: str, redirect_uris: list[str], confidential: bool
) -> tuple[AbstractApplication, str | None]:
    """A client for the authorization code flow with PKCE, whose ID tokens are signed RS256.

    Returns the application and, for a confidential client, its secret in clear: it is stored
    hashed and can never be shown again.
    """
    Application = get_application_model()
    secret = generate_client_secret()
    application = Application(
        name=name.strip(),
        client_type=(
            Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC
        ),
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uri.strip() for uri in redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    if not application.name:
        message = _("Give the client a name: people see it on the consent page.")
        raise ApplicationError(message, code="validation", extra={"fields": {"name": [message]}})
    try:
        application.full_clean(exclude=["user"])
    except ValidationError as error:
        fields = {
            field: [str(m) for m in messages] for field, messages in error.message_dict.items()
        }
        raise ApplicationError(
            _("This client cannot be registered: %(errors)s")
            % {"errors": "; ".join(m for messages in fields.values() for m in messages)},
            code="validation",
            extra={"fields": fields},
        ) from None
    with transaction.atomic():
        application.save()
    return application, (secret if confidential else None)


@transaction.atomic
def oidc_authorization_revoke(*, actor, application_id: int) -> int:
    """Withdraw everything a service holds for the person: its tokens stop working at once.

    Returns the number of tokens revoked (0 when the service held none: nothing to withdraw).
    """
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    revoked = 0
    for refresh in get_refresh_token_model().objects.filter(
        user=actor, application_id=application_id, revoked__isnull=True
    ):
        refresh.revoke()
        revoked += 1
    for access in get_access_token_model().objects.filter(
        user=actor, application_id=application_id
    ):
        access.revoke()
        revoked += 1
    get_id_token_model().objects.filter(user=actor, application_id=application_id).delete()
    get_grant_model().objects.filter(user=actor, application_id=application_id).delete()
    if not revoked:
        from milieu.core.errors import NotFound

        raise NotFound(_("This service holds no access to your account."))
    return revoked
