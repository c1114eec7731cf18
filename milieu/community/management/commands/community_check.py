from django.core.management.base import BaseCommand, CommandError

from milieu.community.counters import check, check_and_repair


class Command(BaseCommand):
    help = (
        "Recount the community's counters (group members and posts, last post, post comments "
        "and reactions) from their rows and report any difference; exits non-zero on any. "
        "--repair writes the true values."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
        report = check_and_repair() if options["repair"] else check()
        self.stdout.write(f"{report.groups} group(s) and {report.posts} post(s) checked.")
        for kind, pk, name, cached, actual in report.mismatched:
            self.stdout.write(f"{kind} {pk}: {name} is {cached}, the rows say {actual}")
        if options["repair"] and report.mismatched:
            self.stdout.write(f"{len(report.mismatched)} counter(s) repaired.")
            report = check()
        if not report.ok:
            raise CommandError("The community's counters differ from their rows.")
        self.stdout.write("The community's counters are consistent.")
