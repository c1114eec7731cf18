from django.core.management.base import BaseCommand

from milieu.participation.tasks_consultations import close_all


class Command(BaseCommand):
    help = (
        "Close the consultations whose phase for taking part has ended, and compute their "
        "results. Run it every few minutes (cron or a systemd timer); it closes nothing twice."
    )

    def handle(self, *args, **options):
        done = close_all()
        self.stdout.write(f"{done} consultation(s) closed.")
