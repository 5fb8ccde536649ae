"""The member list at 10,000+ members (issue 12, finding 9: 12.4 s at 10,737 members on SQLite,
because the "current member" subquery searched the periods through the club's index instead of
the member's). Speed is measured in bench/bench_member_list.py; this pins the plan."""

import datetime

import pytest
from django.db import connection

from ishc.clubs.listing import MemberFilterForm

from .conftest import fill


def _plan(user, data):
    qs = MemberFilterForm(data, user).queryset(datetime.date(2025, 6, 30))[:25]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(row[-1] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_it_finds_current_members_without_a_subquery_per_member(world):
    fill(world.A, world.kinh, 30)
    fill(world.B, world.kinh, 30)
    # Current members (the default): the day's periods are read once, not once per member.
    plan = _plan(world.central, {})
    assert "CORRELATED" not in plan and "membership_club_dates" not in plan, plan
    # Everyone, with the flag per row: from the member's own index.
    plan = _plan(world.central, {"state": "all"})
    assert "membership_member_club" in plan and "membership_club_dates" not in plan, plan
