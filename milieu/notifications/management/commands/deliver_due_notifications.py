from django.core.management.base import BaseCommand

from milieu.notifications.services import deliver_due


class Command(BaseCommand):
    help = (
        "Queue the deliveries whose time has come: held for quiet hours, waiting for a retry, or "
        "left behind by a stopped worker. Run it every few minutes (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{deliver_due()} delivery(ies) queued.")
