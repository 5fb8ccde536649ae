import datetime

from conftest import make_club
from ishc.activities.models import Kind
from ishc.activities.services import (
    ReadingInput,
    add_cared_person,
    add_home_care_volunteer,
    record_activity,
    record_visit,
    save_meeting,
)
from ishc.activities.tests.factories import member
from ishc.clubs.models import Club, ClubStatus
from ishc.reports.derived import attendance_share, derive
from ishc.reports.figures import late_clubs, reporting_figures
from ishc.reports.services import create_report, transition, update_narrative

from .conftest import MONTH


def _sent(world, club, user, on, today):
    today(on)
    r = create_report(user, club, MONTH)
    update_narrative(user, r, difficulties="-", proposals="-", no_meeting_reason="-")
    return transition(user, r, "submit")


def test_it_derives_the_figures_from_what_was_recorded(world, today):
    """Hand-computed: 4 members on 31/03 (3 women; 2 aged 60+ → 2 younger), one left before;
    one meeting with 3 present and 2 measured (1 high); 1 entitlement case; 1 volunteer,
    1 person cared for, 2 visits."""
    a = member(world.A, "Hoa", born=1950)
    b = member(world.A, "Lan", born=1960, household="poor")
    c = member(world.A, "Minh", sex="M", born=1990)
    d = member(world.A, "Thu", born=1995)
    gone = member(world.A, "Đi", born=1950)
    gone.periods.update(left_on=datetime.date(2026, 2, 1))
    save_meeting(
        None,
        world.A,
        held_on=datetime.date(2026, 3, 5),
        attendee_ids=[a.pk, b.pk, c.pk],
        readings=[ReadingInput(a.pk, 160, 95), ReadingInput(b.pk, 118, 76)],
    )
    record_activity(
        None,
        world.A,
        kind=Kind.ENTITLEMENT,
        on=datetime.date(2026, 3, 9),
        title="Trợ cấp xã hội",
        member=d,
        entitlement="Trợ cấp",
    )
    volunteer = add_home_care_volunteer(None, world.A, member=c, since=datetime.date(2026, 1, 1))
    person = add_cared_person(
        None, world.A, reason="bedridden", since=datetime.date(2026, 1, 1), member=a
    )
    for day in (4, 11):
        record_visit(
            None, person, volunteer=volunteer, on=datetime.date(2026, 3, day), services="Tắm"
        )
    f = derive(Club.objects.filter(pk=world.A.pk), MONTH)[world.A.pk]
    assert (f["members"], f["women"], f["older"], f["younger"], f["difficult"]) == (4, 3, 2, 2, 1)
    assert (f["meetings"], f["attendances"], f["members_measured"], f["readings_flagged"]) == (
        1,
        3,
        2,
        1,
    )
    assert f["entitlement"] == 1 and f["self_help"] == 0
    assert (f["home_care_volunteers"], f["people_cared_for"], f["visits"]) == (1, 1, 2)
    assert attendance_share(f) == 3 / 4


def test_it_counts_reported_and_on_time_per_unit(world, today):
    _sent(world, world.A, world.club, datetime.date(2026, 4, 5), today)  # on the due day
    _sent(world, world.B, world.province, datetime.date(2026, 4, 6), today)  # late
    make_club("Ngừng", world.c1, status=ClubStatus.INACTIVE)  # not expected
    make_club("Mới", world.c1, founded_on=datetime.date(2026, 4, 2))  # founded after March
    clubs = Club.objects.all()
    by_province = reporting_figures(clubs, MONTH, "club__province_id")
    assert by_province[world.P.pk] == {"active_clubs": 2, "reported": 2, "on_time": 1}
    assert by_province[world.Q.pk] == {"active_clubs": 1, "reported": 0, "on_time": 0}
    by_club = reporting_figures(clubs, MONTH, "club_id")
    assert by_club[world.B.pk] == {"active_clubs": 1, "reported": 1, "on_time": 0}
    assert reporting_figures(clubs, MONTH)[None] == {
        "active_clubs": 3,
        "reported": 2,
        "on_time": 1,
    }


def test_it_stops_counting_a_report_sent_back_to_the_club(world, today):
    r = _sent(world, world.A, world.club, datetime.date(2026, 4, 2), today)
    transition(world.commune, r, "reject", "Sai")
    assert reporting_figures(Club.objects.all(), MONTH, "club_id")[world.A.pk]["reported"] == 0


def test_it_runs_one_query_whatever_the_number_of_clubs(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        reporting_figures(Club.objects.all(), MONTH, "club__commune_id")
    for i in range(10):
        make_club(f"Thêm {i}", world.c2)
    with django_assert_num_queries(1):
        reporting_figures(Club.objects.all(), MONTH, "club__commune_id")


def test_it_lists_late_clubs(world, today):
    _sent(world, world.A, world.club, datetime.date(2026, 4, 1), today)
    _sent(world, world.B, world.province, datetime.date(2026, 4, 9), today)
    late = late_clubs(Club.objects.all(), MONTH, datetime.date(2026, 4, 10))
    assert {c.name: c.report_status for c in late} == {"CLB B": "submitted", "CLB C": None}
    # Before the due day only the clubs that have sent nothing are listed.
    early = late_clubs(Club.objects.all(), MONTH, datetime.date(2026, 4, 4))
    assert [c.name for c in early] == ["CLB C"]


def test_it_uses_the_configured_due_day(world, today, settings):
    settings.ISHC = {**settings.ISHC, "REPORT_DUE_DAY": 10}
    _sent(world, world.B, world.province, datetime.date(2026, 4, 9), today)
    assert reporting_figures(Club.objects.all(), MONTH, "club_id")[world.B.pk]["on_time"] == 1
