"""Benchmark: the national dashboard over many clubs.

    .venv/bin/python bench/bench_dashboard.py [--clubs 2000] [--members 65] [--years 5] [--runs 5]
    DATABASE_URL=postgres://…/ishc_bench .venv/bin/python bench/bench_dashboard.py --clubs 10000

Builds a throw-away database (a SQLite file in /tmp unless DATABASE_URL is given; the PostgreSQL
database is emptied and rebuilt), with N clubs spread over the 34 provinces and 3,321 communes,
`--members` members each whose join dates spread over `--years` years (one in ten has left),
a status history per club (2 % dissolved), and one monthly report per club and month.

Then times GET /dashboard/nation/ with Django's test Client: cold (first request of the process,
after the connection is reopened: everything computed), warm (median of --runs: results reused
from ishc.indicators.cache, since nothing changed) and uncached (the cache turned off: what the
first load after each change costs). The lower bound is one
hand-written aggregate SQL query per indicator family the page shows, run in the same process on
the same data: the time the database needs at the very least (the dashboard shows ~40
indicators; the five queries cover the families that dominate: clubs, members, composition,
coverage, reports). Prints one JSON object.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--clubs", type=int, default=2000)
    p.add_argument("--members", type=int, default=65)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--keep", action="store_true", help="reuse the database of the last run")
    return p.parse_args()


ARGS = parse()
if not os.getenv("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:////tmp/ishc_bench_dashboard_{ARGS.clubs}.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG off (as in production) but without collected static files.
STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
settings.STORAGES["staticfiles"]["BACKEND"] = STATIC

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from ishc.accounts.models import Assignment, Role, User  # noqa: E402
from ishc.clubs.models import Club, ClubStatusChange, Member, Membership  # noqa: E402
from ishc.geo.models import EthnicGroup, Unit  # noqa: E402
from ishc.reports.models import MonthlyReport  # noqa: E402

COHORTS = ["1533", "1336", "1336", "1648", "local"]


def reset_database():
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as c:
            c.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    call_command("load_admin_units", verbosity=0, stdout=open(os.devnull, "w"))


def build(n_clubs, n_members, years):
    rng = random.Random(2026)
    today = timezone.localdate()
    first = datetime.date(today.year - years, 1, 1)
    communes = list(Unit.objects.communes().values_list("pk", "province_id"))
    groups = list(EthnicGroup.objects.values_list("pk", flat=True))
    kinh = EthnicGroup.objects.get(code="01").pk
    span = (today - first).days
    clubs = []
    for i in range(n_clubs):
        commune, province = rng.choice(communes)
        founded = first + datetime.timedelta(days=rng.randint(0, span - 60))
        flags = {f: rng.random() < 0.2 for f in ("mountainous", "remote", "ethnic_minority_area")}
        clubs.append(
            Club(
                code=f"B-{i:06d}",
                name=f"CLB {i}",
                search_name=f"clb {i}",
                commune_id=commune,
                province_id=province,
                cohort=rng.choice(COHORTS),
                founded_on=founded,
                status="active",
                **flags,
            )
        )
    Club.objects.bulk_create(clubs, batch_size=2000)
    clubs = list(Club.objects.values_list("pk", "founded_on"))
    history, dissolved = [], []
    for pk, founded in clubs:
        history.append(ClubStatusChange(club_id=pk, status="active", since=founded))
        if rng.random() < 0.02:
            days = rng.randint(30, max(31, (today - founded).days))
            when = founded + datetime.timedelta(days=days)
            history.append(ClubStatusChange(club_id=pk, status="dissolved", since=min(when, today)))
            dissolved.append(pk)
    ClubStatusChange.objects.bulk_create(history, batch_size=5000)
    Club.objects.filter(pk__in=dissolved).update(status="dissolved")

    members, periods = [], []
    for pk, _founded in clubs:
        for _j in range(n_members):
            female = rng.random() < 0.65
            year = rng.randint(1935, 1964) if rng.random() < 0.64 else rng.randint(1966, 2000)
            members.append(
                Member(
                    club_id=pk,
                    full_name="Nguyễn Thị Hoa" if female else "Trần Văn Hùng",
                    search_name="nguyen thi hoa" if female else "tran van hung",
                    sex="F" if female else "M",
                    birth_year=year,
                    ethnicity_id=kinh if rng.random() < 0.8 else rng.choice(groups),
                    household=rng.choice(["poor", "near_poor", "average", "average", "better_off"]),
                    health_insurance=rng.random() < 0.85,
                )
            )
        if len(members) >= 50000:
            _flush(members, periods, rng, today)
    _flush(members, periods, rng, today)

    club_founded = dict(clubs)
    reports = []
    statuses = ["locked", "province_ok", "commune_ok", "submitted"]
    for pk, founded in clubs:
        month = founded.replace(day=1)
        while month < today.replace(day=1):
            if rng.random() < 0.9:
                nxt = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
                reports.append(
                    MonthlyReport(
                        club_id=pk,
                        month=month,
                        status=rng.choice(statuses),
                        first_submitted_on=nxt + datetime.timedelta(days=rng.randint(0, 9)),
                    )
                )
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        if len(reports) >= 50000:
            MonthlyReport.objects.bulk_create(reports, batch_size=5000)
            reports = []
    MonthlyReport.objects.bulk_create(reports, batch_size=5000)
    del club_founded


def _flush(members, periods, rng, today):
    created = Member.objects.bulk_create(members, batch_size=5000)
    if created[0].pk is None:  # backends without RETURNING: read the ids back
        created = list(Member.objects.order_by("-pk")[: len(members)])[::-1]
    ids = {m.club_id for m in members}
    founded = dict(Club.objects.filter(pk__in=ids).values_list("pk", "founded_on"))
    for m in created:
        start = founded[m.club_id]
        days = max(1, (today - start).days)
        joined = start + datetime.timedelta(days=int(rng.random() ** 3 * days))
        left = None
        if rng.random() < 0.1:
            left = joined + datetime.timedelta(days=rng.randint(1, max(1, (today - joined).days)))
            left = min(left, today)
        periods.append(
            Membership(member_id=m.pk, club_id=m.club_id, joined_on=joined, left_on=left)
        )
    Membership.objects.bulk_create(periods, batch_size=5000)
    members.clear()
    periods.clear()


def lower_bound() -> dict:
    """One hand-written aggregate query per indicator family, on the same data."""
    today = timezone.localdate()
    start = datetime.date(2025, 1, 1)
    older = datetime.date(today.year - settings.ISHC["OLDER_AGE"], today.month, min(today.day, 28))
    active = (
        "c.founded_on <= %(d)s AND COALESCE((SELECT s.status FROM clubs_clubstatuschange s "
        "WHERE s.club_id = c.id AND s.since <= %(d)s ORDER BY s.since DESC, s.id DESC LIMIT 1), "
        "c.status) = 'active'"
    )
    active_ids = f"p.club_id IN (SELECT c.id FROM clubs_club c WHERE {active})"
    queries = {
        "clubs (total, active, new) by province": (
            f"SELECT c.province_id, COUNT(*), SUM(CASE WHEN {active} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN c.founded_on >= %(s)s THEN 1 ELSE 0 END) FROM clubs_club c "
            "GROUP BY c.province_id"
        ),
        "members, women, older by province": (
            "SELECT c.province_id, COUNT(*), SUM(CASE WHEN m.sex = 'F' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN m.birth_year <= %(y)s THEN 1 ELSE 0 END) "
            "FROM clubs_membership p JOIN clubs_member m ON m.id = p.member_id "
            "JOIN clubs_club c ON c.id = p.club_id "
            "WHERE p.joined_on <= %(d)s AND (p.left_on IS NULL OR p.left_on > %(d)s) "
            f"AND {active_ids} GROUP BY c.province_id"
        ),
        "clubs within the composition bands": (
            "SELECT c.province_id, SUM(CASE WHEN t.n BETWEEN 50 AND 70 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN t.w * 100 BETWEEN t.n * 60 AND t.n * 70 THEN 1 ELSE 0 END) FROM "
            "(SELECT p.club_id, COUNT(*) n, SUM(CASE WHEN m.sex = 'F' THEN 1 ELSE 0 END) w "
            "FROM clubs_membership p JOIN clubs_member m ON m.id = p.member_id "
            "WHERE p.joined_on <= %(d)s AND (p.left_on IS NULL OR p.left_on > %(d)s) "
            "GROUP BY p.club_id) t JOIN clubs_club c ON c.id = t.club_id GROUP BY c.province_id"
        ),
        "communes with an active club": (
            f"SELECT c.province_id, COUNT(DISTINCT c.commune_id) FROM clubs_club c WHERE {active} "
            "GROUP BY c.province_id"
        ),
        "report completeness": (
            "SELECT c.province_id, COUNT(*), COUNT(r.id) FROM clubs_club c LEFT JOIN "
            "reports_monthlyreport r ON r.club_id = c.id AND r.month = %(m)s "
            "WHERE c.status = 'active' GROUP BY c.province_id"
        ),
    }
    params = {
        "d": today,
        "s": start,
        "y": older.year,
        "m": (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
    }
    if connection.vendor == "sqlite":
        # sqlite3's paramstyle for named parameters
        queries = {k: v.replace("%(", ":").replace(")s", "") for k, v in queries.items()}
    times = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            runs = []
            for _i in range(3):
                t = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                runs.append(time.perf_counter() - t)
            times[name] = min(runs) * 1000
    return times


def main():
    t0 = time.perf_counter()
    built = False
    if not (ARGS.keep and Club.objects.exists()):
        reset_database()
        build(ARGS.clubs, ARGS.members, ARGS.years)
        built = True
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    build_seconds = time.perf_counter() - t0
    user, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.CENTRAL})
    Assignment.objects.get_or_create(user=user, unit=None, club=None)
    connection.close()

    client = Client()
    client.force_login(user)
    url = "/dashboard/nation/"
    t = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - t) * 1000
    assert response.status_code == 200, response.status_code
    warm = []
    for _i in range(ARGS.runs):
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - t) * 1000)
    # Every request recomputing (what the first load after each change costs).
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 0}
    uncached = []
    for _i in range(max(2, ARGS.runs // 2)):
        with CaptureQueriesContext(connection) as uncached_queries:
            t = time.perf_counter()
            client.get(url)
            uncached.append((time.perf_counter() - t) * 1000)
    bound = lower_bound()
    bound_total = sum(bound.values())
    warm_ms = statistics.median(warm)
    print(
        json.dumps(
            {
                "benchmark": "national dashboard",
                "database": connection.vendor,
                "clubs": Club.objects.count(),
                "members": Member.objects.count(),
                "monthly_reports": MonthlyReport.objects.count(),
                "years": ARGS.years,
                "built": built,
                "build_seconds": round(build_seconds, 1),
                "cold_ms": round(cold, 1),
                "warm_ms_median": round(warm_ms, 1),
                "warm_ms_all": [round(w, 1) for w in warm],
                "queries_per_request": len(queries),
                "uncached_ms_median": round(statistics.median(uncached), 1),
                "uncached_queries_per_request": len(uncached_queries),
                "ratio_uncached_to_lower_bound": round(
                    statistics.median(uncached) / bound_total, 2
                ),
                "lower_bound_ms": {k: round(v, 1) for k, v in bound.items()},
                "lower_bound_total_ms": round(bound_total, 1),
                "ratio_warm_to_lower_bound": round(warm_ms / bound_total, 2),
                "goal": {"ratio": 2.0, "warm_ms": 300},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
