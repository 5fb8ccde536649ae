from django.core.management.base import BaseCommand, CommandError

from ishc.finance import monthly


class Command(BaseCommand):
    help = (
        "Compare the months' sums of every club (finance.ClubMonth, read by the fund and loan "
        "figures) with the entries they are made of, and list each difference. With --rebuild, "
        "make them again from the entries first (after a restore from an old backup, or a "
        "change written outside the services). Exits with an error when a difference remains."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="make the sums again from the entries first"
        )
        parser.add_argument("--club", type=int, action="append", help="only this club's id")

    def handle(self, *args, rebuild, club, **options):
        if rebuild:
            monthly.rebuild(club)
            self.stdout.write("Rebuilt from the entries.")
        found = monthly.differences(club)
        for d in found[:50]:
            self.stdout.write(
                f"club {d['club']} {d['month']:%m/%Y} {d['column']}: "
                f"stored {d['stored']}, entries {d['entries']}"
            )
        if found:
            raise CommandError(
                f"{len(found)} differences between the months' sums and the entries; "
                "run verify_figures --rebuild."
            )
        self.stdout.write("The months' sums agree with the entries.")
