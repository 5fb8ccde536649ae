import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ishc.core.models import Submission


class Command(BaseCommand):
    help = (
        "Forget once-only submit tokens older than --days (default 7). A browser or API client "
        "retries within minutes; after a week a token guards nothing and the table only grows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        cutoff = timezone.now() - datetime.timedelta(days=days)
        deleted, _ = Submission.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} submissions older than {days} days forgotten")
