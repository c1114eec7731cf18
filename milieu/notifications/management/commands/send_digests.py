from django.core.management.base import BaseCommand

from milieu.notifications.digests import PERIODS, send_digests


class Command(BaseCommand):
    help = (
        "Send the email digests of the people who chose them: `--period daily` once a day, "
        "`--period weekly` once a week (cron or a systemd timer). Running it again sends nothing "
        "twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, choices=[str(p) for p in PERIODS])

    def handle(self, *args, period: str, **options):
        result = send_digests(period=period)
        self.stdout.write(
            f"{result.emails} digest(s) sent with {result.notifications} notification(s); "
            f"{result.failed} failed (left for the next run)."
        )
