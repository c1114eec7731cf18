from django.core.management.base import BaseCommand

from milieu.accounts.services import citizen_id_send_reminders


class Command(BaseCommand):
    help = (
        "Remind citizens whose id expires in 30, 7 or 1 days. Run it once a day (cron or a "
        "systemd timer); running it more often sends nothing twice."
    )

    def handle(self, *args, **options):
        sent = citizen_id_send_reminders()
        self.stdout.write(f"{sent} reminder(s) queued.")
