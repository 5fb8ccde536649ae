"""python manage.py generate_national_data --clubs N --years Y --seed S (see ishc.core.nation)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ishc.core.nation import Nation
from ishc.geo.models import Unit


class Command(BaseCommand):
    help = "Generate a deterministic synthetic nation of clubs for benchmarks and load tests."

    def add_arguments(self, parser):
        parser.add_argument("--clubs", type=int, default=1000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--meeting-months", type=int, default=6, help="months of meetings and reports"
        )

    def handle(self, *args, clubs, years, seed, meeting_months, **options):
        if not Unit.objects.provinces().exists():
            self.stdout.write("Loading the administrative units first…")
            call_command("load_admin_units", verbosity=0)
        nation = Nation(
            clubs,
            years,
            seed,
            meeting_months=meeting_months,
            progress=lambda line: self.stdout.write(line),
        )
        try:
            counts = nation.run()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
