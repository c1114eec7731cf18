from django.core.management.base import BaseCommand

from milieu.notifications.alerts import alerts_send_due


class Command(BaseCommand):
    help = (
        "Send the scheduled municipal alerts whose time has come. Run it every minute (cron or "
        "a systemd timer); running it more often, or next to the deferred tasks, sends nothing "
        "twice."
    )

    def handle(self, *args, **options):
        started = alerts_send_due()
        self.stdout.write(f"{started} alert(s) started.")
