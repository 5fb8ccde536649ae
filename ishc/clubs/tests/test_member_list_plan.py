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


def test_it_loads_only_the_page_s_members_and_pages_like_the_full_list(client, world):
    """A page's ids are chosen first (ordered, limited); the displayed columns and joins are
    read for those 25 members only, and the pages together are exactly the filtered list, with
    the same "current" flags, whatever the membership state asked for."""
    import re

    from django.core.paginator import Paginator
    from django.test.utils import CaptureQueriesContext

    from ishc.clubs.models import Membership

    on = datetime.date(2025, 6, 30)
    members = fill(world.A, world.kinh, 30) + fill(world.B, world.kinh, 12)
    for member in members[::4]:
        Membership.objects.filter(member=member).update(left_on=datetime.date(2025, 3, 1))
    for data in ({}, {"state": "left"}, {"state": "all"}, {"sort": "-birth", "sex": "M"}):
        form = MemberFilterForm(data, world.central)
        whole = [(m.pk, m.current) for m in form.queryset(on)]
        paginator = Paginator(form.pages(on), 25)
        assert paginator.count == len(whole)
        paged = [(m.pk, m.current) for n in paginator.page_range for m in paginator.page(n)]
        assert paged == whole, data
    client.force_login(world.central)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/clubs/members/", {"on": "30/06/2025"})
    page_ids = {m.pk for m in response.context["page"]}
    assert len(page_ids) == 25
    # The only query that joins members to their ethnic group (a displayed column) names the
    # page's ids.
    loading = [q["sql"] for q in captured if "geo_ethnicgroup" in q["sql"] and "member" in q["sql"]]
    assert len(loading) == 1
    listed = re.findall(r"IN \(([\d, ]+)\)", loading[0])
    assert listed and {int(v) for v in listed[0].split(",")} == page_ids


def test_it_counts_the_current_members_from_the_day_s_periods_like_the_full_list(world):
    """The default list's count reads the day's periods of the area, not every member: the same
    number for each role and place filter, with members who left and one who moved clubs."""
    from ishc.clubs.models import Membership
    from ishc.clubs.services import move_member

    on = datetime.date(2025, 6, 30)
    members = fill(world.A, world.kinh, 20) + fill(world.C, world.kinh, 10)
    for member in members[::5]:
        Membership.objects.filter(member=member).update(left_on=datetime.date(2025, 3, 1))
    move_member(world.central, members[1], world.C, on=datetime.date(2025, 5, 1))
    places = ({}, {"province": world.P.pk}, {"province": world.Q.pk}, {"club": world.A.pk})
    counted = set()
    for user in (world.central, world.province, world.commune, world.outsider):
        for data in places:
            form = MemberFilterForm(data, user)
            # A place outside the user's area is refused by the form (and the full list used).
            assert (form.current_periods(on) is not None) == form.is_valid(), data
            full = form.queryset(on).count()
            assert form.pages(on).count() == full, (user, data)
            counted.add(full)
    assert counted == {24, 15, 9}  # everyone, Tuyên Quang (club A), Hà Nội (club C)
    assert MemberFilterForm({"sex": "M"}, world.central).current_periods(on) is None
    assert MemberFilterForm({"state": "all"}, world.central).current_periods(on) is None
