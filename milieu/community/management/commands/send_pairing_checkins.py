from django.core.management.base import BaseCommand

from milieu.community.services.newcomers import pairing_send_checkins


class Command(BaseCommand):
    help = (
        "Remind both people of each active newcomer pairing whose check-in is due, and move the "
        "next check-in 14 days on. Run it once a day (cron or a systemd timer); running it more "
        "often sends nothing twice."
    )

    def handle(self, *args, **options):
        reminded = pairing_send_checkins()
        self.stdout.write(f"{reminded} pairing(s) reminded.")
