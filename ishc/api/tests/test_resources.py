"""Each resource: a user who may see club A's data, one who may not (no unit), one from another
province; the list shows exactly the web's scope and the detail answers 404 outside it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ishc.activities.models import Attendance, Meeting, Reading
from ishc.clubs.models import BoardPosition
from ishc.finance.models import Entry
from ishc.finance.tests.conftest import active_loan, capital, make_member
from ishc.indicators.models import Target
from ishc.reports.services import create_report


@pytest.fixture
def data(world):
    member = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    make_member(world.C, "Phạm Thị Lan", world.kinh)
    capital(world.central, world.A, 5_000_000)
    loan = active_loan(world.central, world.A, member, 1_000_000, datetime.date(2025, 1, 10))
    report = create_report(world.central, world.A, datetime.date(2025, 1, 1))
    term = BoardPosition.objects.create(
        club=world.A, member=member, position="chair", started_on=datetime.date(2021, 1, 1)
    )
    meeting = Meeting.objects.create(club=world.A, held_on=datetime.date(2025, 1, 15))
    Attendance.objects.create(meeting=meeting, member=member)
    Reading.objects.create(meeting=meeting, member=member, systolic=150, diastolic=95)
    return {
        "meetings": meeting.pk,
        "units": world.c1.pk,
        "clubs": world.A.pk,
        "members": member.pk,
        "memberships": member.periods.get().pk,
        "board-positions": term.pk,
        "loans": loan.pk,
        "fund-entries": Entry.objects.filter(club=world.A).first().pk,
        "reports": report.pk,
    }


DETAIL = {"units", "clubs", "members", "loans", "reports", "meetings"}


def _ids(response):
    return {row["id"] for row in response.json()["items"]}


@pytest.mark.parametrize(
    "resource",
    [
        "units",
        "clubs",
        "members",
        "memberships",
        "board-positions",
        "loans",
        "fund-entries",
        "reports",
        "meetings",
    ],
)
def test_it_scopes_each_resource_like_the_web(world, data, as_, resource):
    pk = data[resource]
    url = f"/api/v1/{resource}"
    may = [world.province, world.commune, world.central, world.viewer]
    # A club board sees its club, not the administrative units (scope._unit_self_q).
    if resource != "units":
        may.append(world.club)
    for user in may:
        r = as_(user).get(url)
        assert r.status_code == 200, (user, r.content)
        assert pk in _ids(r), user
        if resource in DETAIL:
            assert as_(user).get(f"{url}/{pk}").json()["id"] == pk
    for user in (world.outsider, world.nobody):
        r = as_(user).get(url)
        assert r.status_code == 200
        assert pk not in _ids(r), user
        if resource in DETAIL:
            r = as_(user).get(f"{url}/{pk}")
            assert r.status_code == 404
            assert r["Content-Type"] == "application/problem+json"


def test_it_gives_a_loan_its_schedule_and_state(world, data, as_):
    body = as_(world.club).get(f"/api/v1/loans/{data['loans']}").json()
    assert len(body["schedule"]) == 12
    assert body["state"]["outstanding"] == 1_000_000 == body["outstanding"]
    assert body["status"] == "active"


def test_it_gives_a_report_its_timeline(world, data, as_):
    body = as_(world.commune).get(f"/api/v1/reports/{data['reports']}").json()
    assert [t["action"] for t in body["timeline"]] == ["create"]


def test_it_filters_by_unit_club_status_and_date(world, data, as_):
    central = as_(world.central)
    assert data["members"] in _ids(central.get(f"/api/v1/members?unit={world.P.pk}"))
    assert data["members"] not in _ids(central.get(f"/api/v1/members?unit={world.Q.pk}"))
    assert data["members"] not in _ids(central.get(f"/api/v1/members?club={world.C.pk}"))
    assert data["loans"] in _ids(central.get("/api/v1/loans?status=active"))
    assert data["loans"] not in _ids(central.get("/api/v1/loans?status=closed"))
    assert data["loans"] not in _ids(central.get("/api/v1/loans?date_from=2025-02-01"))
    assert data["reports"] in _ids(central.get("/api/v1/reports?date_to=2025-01-31"))


def test_it_pages_in_a_stable_order_with_a_maximum(world, as_):
    for i in range(5):
        make_member(world.A, f"Thành viên {i}", world.kinh)
    caller = as_(world.club)
    first = caller.get("/api/v1/members?limit=2").json()
    second = caller.get("/api/v1/members?limit=2&offset=2").json()
    assert first["count"] == 5 and len(first["items"]) == 2
    assert not {m["id"] for m in first["items"]} & {m["id"] for m in second["items"]}
    r = caller.get("/api/v1/members?limit=201")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "limit"


def test_it_answers_304_to_an_unchanged_list(world, data, as_):
    caller = as_(world.club)
    r = caller.get("/api/v1/members")
    assert r["ETag"]
    again = caller.get("/api/v1/members", HTTP_IF_NONE_MATCH=r["ETag"])
    assert again.status_code == 304 and not again.content
    make_member(world.A, "Người mới", world.kinh)
    assert caller.get("/api/v1/members", HTTP_IF_NONE_MATCH=r["ETag"]).status_code == 200


def test_it_reads_a_page_of_members_in_a_fixed_number_of_queries(world, as_):
    for i in range(30):
        make_member(world.A, f"Thành viên {i}", world.kinh)
    caller = as_(world.central)
    caller.get("/api/v1/members?limit=1")  # the token's rate counter now exists
    with CaptureQueriesContext(connection) as few:
        caller.get("/api/v1/members?limit=10")
    with CaptureQueriesContext(connection) as many:
        caller.get("/api/v1/members?limit=30")
    # 4 to find the token and the scope, 2 for the page, 1 for the personal-data access log
    # (Decree 13), the rest the rate counter (a table when no Redis is configured: read, write,
    # cull check).
    assert len(many) == len(few) <= 18


def test_it_gives_a_provinces_indicators_with_numerators_and_denominators(world, data, as_):
    url = f"/api/v1/indicators/values?level=province&id={world.P.pk}&year=2025"
    body = as_(world.province).get(url).json()
    values = {v["code"]: v for v in body["values"]}
    assert values["clubs_total"]["numerator"] == 2
    assert all("denominator" in v for v in body["values"])
    # Another province's officer: 404, as the dashboard; the nation needs a national scope.
    assert as_(world.outsider).get(url).status_code == 404
    assert as_(world.province).get("/api/v1/indicators/values?year=2025").status_code == 404
    assert as_(world.central).get("/api/v1/indicators/values?year=2025").status_code == 200
    assert as_(world.nobody).get(url).status_code == 404


def test_it_lists_targets_the_caller_can_see(world, as_):
    national = Target.objects.filter(unit__isnull=True).first()
    assert national is not None
    assert national.pk in _ids(as_(world.club).get("/api/v1/indicators/targets?limit=200"))
    assert as_(world.nobody).get("/api/v1/indicators/targets").json()["count"] == 0


def test_it_gives_a_meeting_its_attendance_and_readings(world, data, as_):
    body = as_(world.club).get(f"/api/v1/meetings/{data['meetings']}").json()
    assert body["attendee_ids"] == [data["members"]]
    assert body["readings"][0]["systolic"] == 150 and body["readings"][0]["flagged"]
