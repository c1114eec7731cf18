from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
        for loader in demo.loaders():
            for line in loader.load():
                self.stdout.write(line)
