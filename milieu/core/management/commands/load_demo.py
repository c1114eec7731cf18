import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from milieu.core import demo


class Command(BaseCommand):
    help = "Load the demo territories, content and accounts (idempotent) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (never in production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development; pass --force to load it anyway.")
        # The console speaks English to the developer; the pages speak the visitor's language.
        with translation.override("en"):
            for loader in demo.loaders():
                for line in loader.load():
                    self.stdout.write(line)
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Open http://127.0.0.1:{port}/ (French), /en/ or /es/.")
