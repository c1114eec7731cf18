from django.core.management.base import BaseCommand, CommandError

from milieu.accounts import card
from milieu.territory.models import Municipality


class Command(BaseCommand):
    help = (
        "Give a municipality a new citizen-card signing key (platform operators). The previous "
        "key stops signing and stays published until the last card it signed expires."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="The municipality's slug, e.g. brossard")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with the slug {options['municipality']!r}.")
        key = card.card_key_rotate(municipality)
        self.stdout.write(f"New card key {key.kid} for {municipality.name}.")
