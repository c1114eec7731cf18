from django.core.management.base import BaseCommand

from milieu.events.tasks import extend_all


class Command(BaseCommand):
    help = (
        "Give every repeating event its dates up to about 400 days ahead. Run it once a day "
        "(cron or a systemd timer); running it more often adds nothing twice."
    )

    def handle(self, *args, **options):
        done = extend_all()
        self.stdout.write(f"{done} event(s) brought up to date.")
