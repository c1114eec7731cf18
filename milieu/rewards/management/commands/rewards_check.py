from django.core.management.base import BaseCommand, CommandError

from milieu.rewards.ledger import check


class Command(BaseCommand):
    help = (
        "Rebuild every points balance from the ledger's entries and report any difference, any "
        "posting that does not sum to zero, and whether debits equal credits. Exits non-zero on "
        "any finding. --repair rewrites the cached balances (never the entries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
        report = check(repair=options["repair"])
        self.stdout.write(f"{report.accounts} account(s) checked.")
        for account_id, cached, actual in report.mismatched:
            self.stdout.write(f"account {account_id}: balance {cached}, entries sum to {actual}")
        for posting_id in report.unbalanced_postings:
            self.stdout.write(f"posting {posting_id} does not sum to zero")
        if report.total:
            self.stdout.write(f"debits and credits differ by {report.total}")
        if options["repair"] and report.mismatched:
            self.stdout.write(
                f"{len(report.mismatched)} cached balance(s) rebuilt from the entries."
            )
            report = check()
        if not report.ok:
            raise CommandError("The ledger check found differences.")
        self.stdout.write("The ledger is consistent.")
