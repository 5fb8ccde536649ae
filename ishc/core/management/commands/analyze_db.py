from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Refresh the database's planner statistics (ANALYZE). SQLite keeps none until asked: "
        "without them it picks a scan of every entry for some figures (25 s instead of 0.06 s "
        "for one month of 100 clubs). Run it daily and after a large import; PostgreSQL's "
        "autovacuum does the same on its own, and running it there is harmless."
    )

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"ANALYZE done on {connection.vendor}")
