"""How fast the Board's figures are on a national-sized set of contributions and events.

Run from the repository root: `.venv/bin/python bench/bench_board_figures.py [contributions]
[events]`. Uses its own throw-away SQLite file unless DATABASE_URL is set. Prints one JSON object:
the seconds of each figures function, next to the lower bound of one hand-written SQL query
computing the same per-province total.
"""

import datetime
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from ishc.board import figures  # noqa: E402
from ishc.board.models import Contribution, Event, SourceType  # noqa: E402
from ishc.clubs.models import Club, Cohort  # noqa: E402
from ishc.geo.models import Level, Scheme, Unit  # noqa: E402


def _best(fn, repeat=3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return round(best, 4)


def main() -> None:
    n_contributions = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    n_events = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    provinces = Unit.objects.bulk_create(
        Unit(
            scheme=Scheme.CURRENT,
            level=Level.PROVINCE,
            code=9000 + i,
            name=f"Tỉnh {i}",
            division_type="",
            search_name=f"tinh {i}",
        )
        for i in range(34)
    )
    communes = Unit.objects.bulk_create(
        Unit(
            scheme=Scheme.CURRENT,
            level=Level.COMMUNE,
            code=90000 + i,
            name=f"Xã {i}",
            division_type="",
            parent=provinces[i % 34],
            province=provinces[i % 34],
            search_name=f"xa {i}",
        )
        for i in range(3321)
    )
    clubs = Club.objects.bulk_create(
        Club(
            code=f"B-{i}",
            name=f"CLB {i}",
            search_name=f"clb {i}",
            commune=communes[i % 3321],
            province_id=communes[i % 3321].province_id,
            cohort=Cohort.P1336,
        )
        for i in range(8000)
    )
    sources = list(SourceType.values)
    rows = []
    for i in range(n_contributions):
        target = rng.random()
        rows.append(
            Contribution(
                received_on=datetime.date(2021 + i % 5, 1 + i % 12, 1 + i % 28),
                source_type=rng.choice(sources),
                source_name="x",
                kind="cash",
                amount=rng.randint(1, 100) * 1_000_000,
                purpose="loan_capital",
                club=clubs[i % len(clubs)] if target < 0.7 else None,
                unit=(communes[i % 3321] if target < 0.9 else provinces[i % 34])
                if 0.7 <= target < 0.97
                else None,
            )
        )
    Contribution.objects.bulk_create(rows, batch_size=5000)
    Event.objects.bulk_create(
        (
            Event(
                held_on=datetime.date(2021 + i % 5, 1 + i % 12, 1),
                event_type="training",
                topic="t",
                participants=40,
                women=25,
                older=20,
                unit=communes[i % 3321] if i % 10 else None,
            )
            for i in range(n_events)
        ),
        batch_size=5000,
    )
    contrib, unit = Contribution._meta.db_table, Unit._meta.db_table
    clubs_table = Club._meta.db_table
    lower_sql = (
        f"SELECT COALESCE(cl.province_id, u.province_id, c.unit_id) AS p, SUM(c.amount) "
        f"FROM {contrib} c LEFT JOIN {clubs_table} cl ON cl.id = c.club_id "
        f"LEFT JOIN {unit} u ON u.id = c.unit_id GROUP BY p"
    )

    def lower_bound():
        with connection.cursor() as cursor:
            cursor.execute(lower_sql)
            cursor.fetchall()

    result = {
        "database": connection.vendor,
        "contributions": n_contributions,
        "events": n_events,
        "seconds": {
            "sql_lower_bound_by_province": _best(lower_bound),
            "resources_by_province": _best(figures.resources_by_province),
            "resources_by_source": _best(figures.resources_by_source),
            "resources_by_year": _best(figures.resources_by_year),
            "resources_by_province_and_source": _best(figures.resources_by_province_and_source),
            "events_by_province": _best(figures.events_by_province),
        },
    }
    result["ratio_by_province_to_lower_bound"] = round(
        result["seconds"]["resources_by_province"]
        / max(result["seconds"]["sql_lower_bound_by_province"], 1e-6),
        2,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
