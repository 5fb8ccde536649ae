"""Report completeness and activity figures for N clubs grouped by province, computed by
ishc.reports.figures and ishc.activities.figures, against hand-written SQL over the same tables,
in the same run.

    python bench/bench_reports.py                  # 5,000 clubs on a throw-away SQLite file
    python bench/bench_reports.py --clubs 20000
    DATABASE_URL=postgres://… python bench/bench_reports.py   # a throw-away PostgreSQL database

Without DATABASE_URL the bench uses its own temporary SQLite file; with one, the database must be
a throw-away one (the run refuses a database that already holds clubs). Prints one JSON object.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTH = datetime.date(2026, 3, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=5000)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        print(json.dumps(run(args), indent=2))


def run(args):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from ishc.clubs.models import Club

    if Club.objects.exists():
        raise SystemExit("the database already holds clubs: give a throw-away DATABASE_URL")
    started = time.perf_counter()
    _fill(args.clubs, args.provinces)
    setup = time.perf_counter() - started

    from django.test.utils import CaptureQueriesContext

    from ishc.activities.figures import activity_figures
    from ishc.reports.figures import reporting_figures

    clubs = Club.objects.all()
    end = datetime.date(2026, 3, 31)

    def timed(fn):
        best = None
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = fn()
            best = min(best or 1e9, time.perf_counter() - t)
        return result, best

    with CaptureQueriesContext(connection) as q_reporting:
        reporting, t_reporting = timed(lambda: reporting_figures(clubs, MONTH, "club__province_id"))
    with CaptureQueriesContext(connection) as q_activity:
        activity, t_activity = timed(
            lambda: activity_figures(clubs, MONTH, end, "club__province_id")
        )
    hand, t_hand = timed(lambda: _hand_reporting(connection))
    hand_act, t_hand_act = timed(lambda: _hand_activity(connection, end))
    # The two ways must agree, or the timing means nothing.
    assert {k: (v["active_clubs"], v["reported"], v["on_time"]) for k, v in reporting.items()} == (
        hand
    ), "reporting figures differ from the hand-written SQL"
    assert {k: v["meetings"] for k, v in activity.items() if v["meetings"]} == hand_act
    return {
        "database": connection.vendor,
        "clubs": args.clubs,
        "setup_seconds": round(setup, 1),
        "reporting_figures_ms": round(t_reporting * 1000, 1),
        "reporting_queries": len(q_reporting.captured_queries) // args.repeat,
        "reporting_hand_sql_ms": round(t_hand * 1000, 1),
        "activity_figures_ms": round(t_activity * 1000, 1),
        "activity_queries": len(q_activity.captured_queries) // args.repeat,
        "activity_meetings_hand_sql_ms": round(t_hand_act * 1000, 1),
    }


def _fill(n: int, provinces: int) -> None:
    """N clubs over `provinces` provinces and 10 communes each; per club a meeting and two
    activities in March 2026 and a report of March: 70 % sent (60 % on time), 10 % drafts."""
    import random

    from ishc.activities.models import ActivityRecord, Kind, Meeting
    from ishc.clubs.models import Club
    from ishc.geo.models import Level, Scheme, Unit
    from ishc.reports.models import MonthlyReport, Status

    rng = random.Random(5)
    units = []
    for p in range(1, provinces + 1):
        province = Unit(scheme=Scheme.CURRENT, level=Level.PROVINCE, code=p, name=f"Tỉnh {p}")
        province.save()
        for c in range(10):
            commune = Unit(
                scheme=Scheme.CURRENT,
                level=Level.COMMUNE,
                code=p * 100 + c,
                name=f"Xã {p}-{c}",
                parent=province,
                province=province,
            )
            commune.save()
            units.append(commune)
    Club.objects.bulk_create(
        Club(
            code=f"B-{i:06d}",
            name=f"CLB {i}",
            search_name=f"clb {i}",
            commune=units[i % len(units)],
            province_id=units[i % len(units)].province_id,
            cohort="1336",
            founded_on=datetime.date(2021, 1, 1),
        )
        for i in range(n)
    )
    ids = list(Club.objects.values_list("pk", flat=True))
    Meeting.objects.bulk_create(
        Meeting(club_id=i, held_on=datetime.date(2026, 3, rng.randint(1, 28)), topic="x")
        for i in ids
        if rng.random() < 0.9
    )
    ActivityRecord.objects.bulk_create(
        ActivityRecord(
            club_id=i, kind=rng.choice(Kind.values), on=datetime.date(2026, 3, 15), title="x"
        )
        for i in ids
        for _ in range(2)
    )
    reports = []
    for i in ids:
        r = rng.random()
        if r < 0.7:
            sent = datetime.date(2026, 4, 3 if r < 0.6 else 9)
            reports.append(
                MonthlyReport(
                    club_id=i, month=MONTH, status=Status.SUBMITTED, first_submitted_on=sent
                )
            )
        elif r < 0.8:
            reports.append(MonthlyReport(club_id=i, month=MONTH))
    MonthlyReport.objects.bulk_create(reports)


def _hand_reporting(connection) -> dict:
    """The lower bound: one GROUP BY with two EXISTS, written by hand."""
    sql = """
        SELECT c.province_id, COUNT(*),
          SUM(CASE WHEN EXISTS (SELECT 1 FROM reports_monthlyreport r WHERE r.club_id = c.id
                AND r.month = %s AND r.status <> 'draft') THEN 1 ELSE 0 END),
          SUM(CASE WHEN EXISTS (SELECT 1 FROM reports_monthlyreport r WHERE r.club_id = c.id
                AND r.month = %s AND r.status <> 'draft' AND r.first_submitted_on <= %s)
              THEN 1 ELSE 0 END)
        FROM clubs_club c
        WHERE c.status = 'active' AND (c.founded_on IS NULL OR c.founded_on <= %s)
        GROUP BY c.province_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [MONTH, MONTH, datetime.date(2026, 4, 5), datetime.date(2026, 3, 31)])
        return {row[0]: (row[1], int(row[2]), int(row[3])) for row in cursor.fetchall()}


def _hand_activity(connection, end) -> dict:
    sql = """
        SELECT c.province_id, COUNT(*) FROM activities_meeting m
        JOIN clubs_club c ON c.id = m.club_id
        WHERE m.held_on BETWEEN %s AND %s GROUP BY c.province_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [MONTH, end])
        return dict(cursor.fetchall())


if __name__ == "__main__":
    main()
