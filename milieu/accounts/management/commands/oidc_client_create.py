from django.core.management.base import BaseCommand, CommandError

from milieu.accounts.services.oidc import oidc_client_create
from milieu.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        'Register a system that may "sign in with Milieu" (OpenID Connect, authorization code '
        "with PKCE). Prints the client id, and the secret of a confidential client once: it is "
        "stored hashed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Shown to people on the consent page.")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="An exact redirect URI (https); repeat the option for several.",
        )
        parser.add_argument(
            "--confidential",
            action="store_true",
            help="A server-side client that keeps a secret (default: a public client, PKCE only).",
        )

    def handle(self, *args, **options):
        try:
            application, secret = oidc_client_create(
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                confidential=options["confidential"],
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"client_id: {application.client_id}")
        if secret is not None:
            self.stdout.write(f"client_secret: {secret}")
            self.stdout.write("Store the secret now: it is kept hashed and cannot be shown again.")
        else:
            self.stdout.write("Public client: no secret; it must use PKCE (S256).")
