from django.core.management.base import BaseCommand

from milieu.exchange.services import loan_reminders_send


class Command(BaseCommand):
    help = (
        "Remind each borrower whose loan is due back tomorrow. Run it once a day (cron or a "
        "systemd timer); running it more often sends nothing twice."
    )

    def handle(self, *args, **options):
        reminded = loan_reminders_send()
        self.stdout.write(f"{reminded} loan(s) reminded.")
