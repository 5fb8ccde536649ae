"""The API over a province's data: a page of 100 members and the province's indicators, against
the same data read by one hand-written SQL query, in the same run.

    python bench/bench_api.py                        # 400 clubs × 40 members, SQLite
    python bench/bench_api.py --clubs 2000           # a large province
    DATABASE_URL=postgres://…/throwaway python bench/bench_api.py   # SQLite, then PostgreSQL

Each database is measured in its own process (bench/driver.py); a PostgreSQL database given by
DATABASE_URL is emptied and refilled. Requests go through Django's test Client with a real
token (authentication, scope, rate counter, serialisation: everything but the network). Times are
the median of --runs in milliseconds; `queries` is what one request costs.

- members_page: GET /api/v1/members?limit=100&offset=<middle>, against one SELECT of the same
  100 rows in the same order with the total count (a window function).
- province_indicators: GET /api/v1/indicators/values for the province and this year, with the
  dashboards' result cache off (what the first request after a change costs) and on (a repeat).
  The hand-written query computes only the clubs and membership counters (clubs, members, women,
  older) in one pass — the family that dominates; the API computes all ~40 indicators, so the
  ratio is an upper bound of the API's overhead on that family.
Prints one JSON object.
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
sys.path.insert(0, str(ROOT / "bench"))

from driver import run_on_each_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=400)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run(args)))
        return
    child = ["--clubs", str(args.clubs), "--members", str(args.members), "--runs", str(args.runs)]
    print(json.dumps(run_on_each_database(__file__, child), indent=2))


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["ISHC_API_REQUESTS_PER_MINUTE"] = "1000000"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def _build(n_clubs: int, n_members: int):
    from django.utils import timezone

    from ishc.accounts.models import Assignment, Role, User
    from ishc.clubs.models import Club, Member, Membership
    from ishc.geo.models import EthnicGroup, Unit

    rng = random.Random(2026)
    today = timezone.localdate()
    province = Unit.objects.create(
        scheme="2025", level="province", code=8, name="Tỉnh Tuyên Quang", division_type=""
    )
    communes = [
        Unit.objects.create(
            scheme="2025",
            level="commune",
            code=1000 + i,
            name=f"Xã {i}",
            division_type="",
            parent=province,
            province=province,
        )
        for i in range(max(1, n_clubs // 8))
    ]
    kinh = EthnicGroup.objects.create(code="01", name="Kinh")
    Club.objects.bulk_create(
        [
            Club(
                code=f"B-{i:06d}",
                name=f"CLB {i}",
                search_name=f"clb {i}",
                commune=communes[i % len(communes)],
                province=province,
                cohort="1336",
                founded_on=datetime.date(2021, 1, 1),
            )
            for i in range(n_clubs)
        ],
        batch_size=2000,
    )
    for club_id in Club.objects.values_list("pk", flat=True):
        members = Member.objects.bulk_create(
            [
                Member(
                    club_id=club_id,
                    full_name="Nguyễn Thị Hoa",
                    search_name="nguyen thi hoa",
                    sex="F" if rng.random() < 0.65 else "M",
                    birth_year=rng.randint(1935, 2000),
                    ethnicity=kinh,
                    household="average",
                )
                for _ in range(n_members)
            ]
        )
        if members[0].pk is None:
            members = list(Member.objects.filter(club_id=club_id).order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(
                    member_id=m.pk,
                    club_id=club_id,
                    joined_on=datetime.date(2022, 1, 1)
                    + datetime.timedelta(days=rng.randint(0, 900)),
                )
                for m in members
            ]
        )
    officer = User.objects.create_user("province", password="x", role=Role.PROVINCE)
    Assignment.objects.create(user=officer, unit=province)
    return province, officer, today


def _median_ms(call, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


HAND_PAGE = """
SELECT id, club_id, full_name, sex, birth_year, birth_date, ethnicity_id, household, disabled,
       lives_alone, health_insurance, allowance, phone, group_id, COUNT(*) OVER () AS total
FROM clubs_member m
WHERE m.club_id IN (SELECT id FROM clubs_club WHERE province_id = %(p)s)
ORDER BY club_id, search_name, id LIMIT 100 OFFSET %(offset)s
"""

HAND_COUNTERS = """
SELECT COUNT(DISTINCT c.id), COUNT(p.id), SUM(CASE WHEN m.sex = 'F' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.birth_year <= %(older)s THEN 1 ELSE 0 END)
FROM clubs_club c
LEFT JOIN clubs_membership p ON p.club_id = c.id AND p.joined_on <= %(d)s
     AND (p.left_on IS NULL OR p.left_on > %(d)s)
LEFT JOIN clubs_member m ON m.id = p.member_id
WHERE c.province_id = %(p)s
"""


def run(args):
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ishc.api.tokens import create_token

    started = time.perf_counter()
    province, officer, today = _build(args.clubs, args.members)
    setup = round(time.perf_counter() - started, 1)
    _token, raw = create_token(officer, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    total = args.clubs * args.members
    offset = total // 2
    page_url = f"/api/v1/members?limit=100&offset={offset}&unit={province.pk}"
    values_url = f"/api/v1/indicators/values?level=province&id={province.pk}&year={today.year}"

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            get(url)
        return len(captured)

    def sql(text, params):
        if connection.vendor == "sqlite":
            text = text.replace("%(", ":").replace(")s", "")
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            return cursor.fetchall()

    get(page_url)  # the token's rate counter exists from here on
    page_api = _median_ms(lambda: get(page_url), args.runs)
    page_sql = _median_ms(lambda: sql(HAND_PAGE, {"p": province.pk, "offset": offset}), args.runs)
    assert len(get(page_url).json()["items"]) == 100

    older = today.year - settings.ISHC["OLDER_AGE"]
    counters = {"p": province.pk, "d": today, "older": older}
    hand = sql(HAND_COUNTERS, counters)[0]
    api_values = {v["code"]: v["numerator"] for v in get(values_url).json()["values"]}
    assert api_values["clubs_total"] == hand[0] and api_values["members"] == hand[1], (
        api_values,
        hand,
    )
    indicators_sql = _median_ms(lambda: sql(HAND_COUNTERS, counters), args.runs)
    seconds = settings.ISHC["DASHBOARD_CACHE_SECONDS"]
    settings.ISHC["DASHBOARD_CACHE_SECONDS"] = 0
    uncached = _median_ms(lambda: get(values_url), args.runs)
    uncached_queries = queries(values_url)
    settings.ISHC["DASHBOARD_CACHE_SECONDS"] = seconds or 600
    get(values_url)
    cached = _median_ms(lambda: get(values_url), args.runs)
    return {
        "backend": connection.vendor,
        "clubs": args.clubs,
        "members": total,
        "setup_seconds": setup,
        "members_page": {
            "api_ms": page_api,
            "queries": queries(page_url),
            "hand_sql_ms": page_sql,
            "ratio": round(page_api / page_sql, 1) if page_sql else None,
        },
        "province_indicators": {
            "api_uncached_ms": uncached,
            "queries_uncached": uncached_queries,
            "api_cached_ms": cached,
            "hand_sql_ms": indicators_sql,
            "ratio_uncached": round(uncached / indicators_sql, 1) if indicators_sql else None,
            "ratio_cached": round(cached / indicators_sql, 1) if indicators_sql else None,
        },
    }


if __name__ == "__main__":
    main()
