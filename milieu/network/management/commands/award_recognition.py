from django.core.management.base import BaseCommand

from milieu.network.services_recognition import recognition_evaluate


class Command(BaseCommand):
    help = (
        "Evaluate every recognition criterion: award badges to the municipalities that meet "
        "them, refresh the evidence of those that still do, lapse the others (kept as history). "
        "Run it once a day, after compute_indicators; running it again changes nothing."
    )

    def handle(self, *args, **options):
        result = recognition_evaluate()
        self.stdout.write(
            f"{result.awarded} badge(s) awarded, {result.confirmed} confirmed, "
            f"{result.lapsed} lapsed."
        )
