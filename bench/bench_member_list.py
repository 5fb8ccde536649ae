"""The member list of one province at 10,000+ members: the page's queries (the count and the
first 25 rows, with the "current member" test and the filters of an empty form) and the whole
page through Django's test client, against a plain indexed list query over the same members
(a count and the first 25 by name) and against hand-written SQL for the same answer (the
current members counted, and the first 25 of them by name), measured in the same run. Then
the national club list (/clubs/, the first 25 clubs by name with their composition) against a
hand-written count and the 25 clubs with their member counts.

    python bench/bench_member_list.py                     # 12,000 members on SQLite
    python bench/bench_member_list.py --members 50000
    DATABASE_URL=postgres://… python bench/bench_member_list.py   # SQLite, then that PostgreSQL

With DATABASE_URL the database must be a throw-away one (the run refuses one that already holds
clubs). Prints one JSON object per database. Issue 12 finding 9: 12.4 s at 10,737 members on
SQLite before the member's own index served the "current member" subquery.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from driver import run_on_each_database, setup_django  # noqa: E402

os.environ["ALLOWED_HOSTS"] = "testserver"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=12_000)
    parser.add_argument("--clubs", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run(args)))
        return
    child_argv = ["--members", str(args.members), "--clubs", str(args.clubs)]
    print(json.dumps(run_on_each_database(__file__, child_argv), indent=2))


def _fill(n_members, n_clubs):
    """One province, 20 communes, the clubs and their members; one member in ten has left
    and a few have rejoined, so that the periods look like a register's."""
    import datetime
    import random

    from django.db import connection, transaction

    from ishc.accounts.models import Assignment, Role, User
    from ishc.clubs.models import Club, Cohort, Member, Membership
    from ishc.geo.models import EthnicGroup, Level, Scheme, Unit

    rng = random.Random(12)
    with transaction.atomic():
        province = Unit.objects.create(
            scheme=Scheme.CURRENT, level=Level.PROVINCE, code=8, name="Tỉnh Bench", division_type=""
        )
        communes = Unit.objects.bulk_create(
            Unit(
                scheme=Scheme.CURRENT,
                level=Level.COMMUNE,
                code=700 + i,
                name=f"Xã {i}",
                division_type="xã",
                parent=province,
                province=province,
            )
            for i in range(20)
        )
        kinh, _ = EthnicGroup.objects.get_or_create(code="01", defaults={"name": "Kinh"})
        clubs = Club.objects.bulk_create(
            Club(
                code=f"08-{i:05d}",
                name=f"CLB {i}",
                search_name=f"clb {i}",
                commune=communes[i % 20],
                province=province,
                cohort=Cohort.P1336,
            )
            for i in range(n_clubs)
        )
        given = ["Hoa", "Lan", "Mai", "Hùng", "Dũng", "Sơn", "Tuấn", "Cúc", "Đào", "Hằng"]
        members = Member.objects.bulk_create(
            (
                Member(
                    club=clubs[i % n_clubs],
                    full_name=f"Nguyễn Thị {rng.choice(given)} {i}",
                    search_name=f"nguyen thi {i}",
                    sex=rng.choice("FM"),
                    birth_year=rng.randint(1935, 2000),
                    ethnicity=kinh,
                )
                for i in range(n_members)
            ),
            batch_size=2000,
        )
        periods = []
        for m in members:
            joined = datetime.date(2018 + rng.randint(0, 6), rng.randint(1, 12), 1)
            if rng.random() < 0.1:
                left = joined + datetime.timedelta(days=rng.randint(30, 700))
                periods.append(Membership(member=m, club=m.club, joined_on=joined, left_on=left))
                if rng.random() < 0.3:
                    rejoined = left + datetime.timedelta(days=60)
                    periods.append(Membership(member=m, club=m.club, joined_on=rejoined))
            else:
                periods.append(Membership(member=m, club=m.club, joined_on=joined))
        Membership.objects.bulk_create(periods, batch_size=2000)
        user = User.objects.create_user(username="officer", password="x", role=Role.PROVINCE)
        Assignment.objects.create(user=user, unit=province)
        central = User.objects.create_user(username="central", password="x", role=Role.CENTRAL)
        Assignment.objects.create(user=central)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return user, province, len(periods)


def _best(call, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def run(args):
    setup_django()
    import datetime

    from django.conf import settings
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from ishc.clubs.listing import ClubFilterForm, MemberFilterForm, with_composition
    from ishc.clubs.models import Club, Member, Membership

    if Club.objects.exists():
        raise SystemExit("the database already holds clubs: give a throw-away DATABASE_URL")
    started = time.perf_counter()
    user, province, periods = _fill(args.members, args.clubs)
    setup = time.perf_counter() - started
    on = datetime.date(2026, 6, 30)

    def page_queries():
        page = Paginator(MemberFilterForm({}, user).pages(on), 25).get_page(1)
        assert page.paginator.count > 0 and len(page.object_list) == 25

    # The lower bound: the same province's members, counted and the first 25 by name, through
    # the (club, search_name) index — no "current" test, no scoping, no joins for display.
    table, club_table = Member._meta.db_table, Club._meta.db_table
    count_sql = (
        f"SELECT COUNT(*) FROM {table} m JOIN {club_table} c ON c.id = m.club_id "
        "WHERE c.province_id = %s"
    )
    list_sql = (
        f"SELECT m.id, m.full_name, m.birth_year, m.sex FROM {table} m "
        f"JOIN {club_table} c ON c.id = m.club_id WHERE c.province_id = %s "
        "ORDER BY m.search_name, m.id LIMIT 25"
    )

    def lower_bound():
        with connection.cursor() as cursor:
            cursor.execute(count_sql, [province.pk])
            cursor.fetchone()
            cursor.execute(list_sql, [province.pk])
            assert len(cursor.fetchall()) == 25

    # The same answer as the page, by hand: current members (a period covering the day)
    # counted from the day's periods, and the first 25 of them by name, each tested through
    # the member's own index.
    period_table = Membership._meta.db_table
    covering = "p.joined_on <= %s AND (p.left_on IS NULL OR p.left_on > %s)"
    same_count_sql = (
        f"SELECT COUNT(*) FROM {table} m JOIN {club_table} c ON c.id = m.club_id "
        f"WHERE c.province_id = %s AND m.id IN (SELECT p.member_id FROM {period_table} p "
        f"WHERE {covering})"
    )
    same_list_sql = (
        f"SELECT m.id, m.full_name, m.birth_year, m.sex FROM {table} m "
        f"JOIN {club_table} c ON c.id = m.club_id WHERE c.province_id = %s AND EXISTS "
        f"(SELECT 1 FROM {period_table} p WHERE p.member_id = m.id AND {covering}) "
        "ORDER BY m.search_name, m.id LIMIT 25"
    )

    def same_rows_bound():
        with connection.cursor() as cursor:
            cursor.execute(same_count_sql, [province.pk, on, on])
            total = cursor.fetchone()[0]
            cursor.execute(same_list_sql, [province.pk, on, on])
            rows = [r[0] for r in cursor.fetchall()]
        return total, rows

    # The plain list through the ORM, as the page loads its rows (the same joins for display),
    # without the "current" test or the filter form: what any Django list page pays for a
    # count and 25 model rows.
    def orm_plain_list():
        members = Member.objects.filter(club__province=province).order_by("search_name", "pk")
        page = Paginator(members.select_related("club", "ethnicity", "group"), 25).get_page(1)
        assert page.paginator.count > 0 and len(list(page.object_list)) == 25

    page = Paginator(MemberFilterForm({}, user).pages(on), 25).get_page(1)
    same = (page.paginator.count, [m.pk for m in page.object_list]) == same_rows_bound()

    # The national club list: the page's clubs by name, then their composition.
    central = type(user).objects.get(username="central")

    def club_page():
        form = ClubFilterForm({}, central)
        page = Paginator(form.queryset(on, composition=False), 25).get_page(1)
        clubs = with_composition(list(page.object_list), on)
        assert page.paginator.count == args.clubs and len(clubs) == 25

    def club_orm_plain_list():
        clubs = Club.objects.select_related("commune", "province").order_by("search_name", "pk")
        page = Paginator(clubs, 25).get_page(1)
        assert len(list(page.object_list)) == 25

    club_list_sql = (
        f"SELECT c.id, c.name, COUNT(p.id) FROM (SELECT id, name FROM {club_table} "
        "ORDER BY search_name, id LIMIT 25) c "
        f"LEFT JOIN {period_table} p ON p.club_id = c.id AND {covering} GROUP BY c.id, c.name"
    )

    def club_bound():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {club_table}")
            cursor.fetchone()
            cursor.execute(club_list_sql, [on, on])
            assert len(cursor.fetchall()) == 25

    # DEBUG off (as in production) but without collected static files.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    client = Client()
    client.force_login(user)

    def whole_page():
        response = client.get("/clubs/members/", {"on": on.strftime("%d/%m/%Y")})
        assert response.status_code == 200, response.status_code

    whole_page()  # warm: sessions, templates, translations
    page_best, page_median = _best(page_queries)
    bound_best, bound_median = _best(lower_bound)
    same_best, _same_median = _best(same_rows_bound)
    orm_best, _orm_median = _best(orm_plain_list)
    view_best, view_median = _best(whole_page)
    club_best, club_median = _best(club_page)
    club_bound_best, _club_bound_median = _best(club_bound)
    club_orm_best, _club_orm_median = _best(club_orm_plain_list)
    return {
        "benchmark": "member_list",
        "database": connection.vendor,
        "members": args.members,
        "clubs": args.clubs,
        "periods": periods,
        "setup_seconds": round(setup, 1),
        "page_queries_seconds": round(page_best, 4),
        "page_queries_median_seconds": round(page_median, 4),
        "whole_page_seconds": round(view_best, 4),
        "whole_page_median_seconds": round(view_median, 4),
        "lower_bound_seconds": round(bound_best, 4),
        "ratio_page_queries_to_lower_bound": round(page_best / bound_best, 2),
        "ratio_whole_page_to_lower_bound": round(view_best / bound_best, 2),
        "same_rows_bound_seconds": round(same_best, 4),
        "same_rows_identical": same,
        "ratio_page_queries_to_same_rows_bound": round(page_best / same_best, 2),
        "orm_plain_list_seconds": round(orm_best, 4),
        "ratio_page_queries_to_orm_plain_list": round(page_best / orm_best, 2),
        "club_page_queries_seconds": round(club_best, 4),
        "club_page_queries_median_seconds": round(club_median, 4),
        "club_lower_bound_seconds": round(club_bound_best, 4),
        "ratio_club_page_queries_to_lower_bound": round(club_best / club_bound_best, 2),
        "club_orm_plain_list_seconds": round(club_orm_best, 4),
        "ratio_club_page_queries_to_orm_plain_list": round(club_best / club_orm_best, 2),
    }


if __name__ == "__main__":
    main()
