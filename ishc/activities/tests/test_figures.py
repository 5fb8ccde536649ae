import datetime

import pytest

from conftest import make_club
from ishc.activities.figures import activity_figures, measure_year
from ishc.activities.models import Kind, Measure
from ishc.activities.services import (
    ReadingInput,
    add_cared_person,
    add_home_care_volunteer,
    record_activity,
    record_visit,
    save_meeting,
)
from ishc.clubs.models import Club

from .factories import member

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def recorded(world):
    """Club A in March 2026: one meeting (2 measured, 1 high), 2 self-help cases, a dialogue
    with 3 proposals of which 1 resolved, one communication session; 2 volunteers, one person
    cared for, 3 visits. Club B: one meeting. Club C (other province): one exchange."""
    a1, a2, a3 = (member(world.A, n) for n in ("Hoa", "Lan", "Mai"))
    b1 = member(world.B, "Cúc")
    save_meeting(
        None,
        world.A,
        held_on=datetime.date(2026, 3, 10),
        topic="BHYT",
        attendee_ids=[a1.pk, a2.pk, a3.pk],
        readings=[ReadingInput(a1.pk, 150, 90), ReadingInput(a2.pk, 120, 70)],
    )
    save_meeting(None, world.A, held_on=datetime.date(2026, 2, 10), topic="x")  # other month
    save_meeting(None, world.B, held_on=datetime.date(2026, 3, 12), attendee_ids=[b1.pk])
    for day in (3, 20):
        record_activity(
            None,
            world.A,
            kind=Kind.SELF_HELP,
            on=datetime.date(2026, 3, day),
            title="Giúp ngày công",
            member=a3,
            help_type="labour",
            labour_days=2,
        )
    record_activity(
        None,
        world.A,
        kind=Kind.DIALOGUE,
        on=datetime.date(2026, 3, 15),
        title="Đối thoại UBND xã",
        proposals=3,
        proposals_resolved=1,
    )
    record_activity(
        None, world.A, kind=Kind.COMMUNICATION, on=datetime.date(2026, 3, 15), title="Luật NCT"
    )
    record_activity(
        None, world.C, kind=Kind.EXCHANGE, on=datetime.date(2026, 3, 8), title="Giao lưu"
    )
    v1 = add_home_care_volunteer(None, world.A, member=a1, since=datetime.date(2026, 1, 1))
    add_home_care_volunteer(None, world.A, member=a2, since=datetime.date(2026, 1, 1))
    person = add_cared_person(
        None, world.A, reason="alone", since=datetime.date(2026, 1, 1), full_name="Cụ Tư"
    )
    for day in (2, 9, 16):
        record_visit(None, person, volunteer=v1, on=datetime.date(2026, 3, day), services="Thăm")
    return world


def test_it_counts_each_figure_by_club(recorded):
    w = recorded
    rows = activity_figures(Club.objects.all(), *MARCH, "club_id")
    a = rows[w.A.pk]
    assert a["meetings"] == 1
    assert a["members_measured"] == 2
    assert a["readings_flagged"] == 1
    assert a["self_help"] == 2
    assert (a["dialogues"], a["proposals"], a["proposals_resolved"]) == (1, 3, 1)
    assert a["communication"] == 1
    assert (a["home_care_volunteers"], a["people_cared_for"], a["visits"]) == (2, 1, 3)
    assert rows[w.B.pk]["meetings"] == 1
    assert rows[w.C.pk]["exchanges"] == 1


def test_it_groups_by_commune_province_and_nation(recorded):
    w = recorded
    clubs = Club.objects.all()
    by_province = activity_figures(clubs, *MARCH, "club__province_id")
    assert by_province[w.P.pk]["meetings"] == 2
    assert by_province[w.Q.pk]["exchanges"] == 1
    by_commune = activity_figures(clubs, *MARCH, "club__commune_id")
    assert by_commune[w.c2.pk]["meetings"] == 1
    total = activity_figures(clubs, *MARCH)[None]
    assert (total["meetings"], total["exchanges"], total["visits"]) == (2, 1, 3)


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_clubs(
    recorded, django_assert_num_queries
):
    w = recorded
    with django_assert_num_queries(6):
        activity_figures(Club.objects.all(), *MARCH, "club__province_id")
    for i in range(5):
        make_club(f"Thêm {i}", w.c1)
    with django_assert_num_queries(6):
        activity_figures(Club.objects.all(), *MARCH, "club__province_id")


def test_it_measures_the_year_against_the_standards(recorded):
    w = recorded
    result = {
        s.measure: (value, met)
        for s, value, met in measure_year(Club.objects.all(), 2026, 10)[w.A.pk]
    }
    assert result[Measure.MEETINGS_WITH_TOPIC] == (2, False)  # 2 months with a topic, needs 10
    assert result[Measure.BP_MEETINGS] == (1, False)
    assert result[Measure.DIALOGUES] == (1, False)  # needs 2 a year
    assert result[Measure.COMMUNICATION] == (1, False)
    assert result[Measure.HOME_CARE_VOLUNTEERS] == (2, False)  # needs 5
    assert result[Measure.HOME_CARE_VISITS] == (round(3 / 52, 2), False)
    # Club B cares for nobody: the visit standard does not apply to it.
    b = {
        s.measure: (value, met)
        for s, value, met in measure_year(Club.objects.all(), 2026, 10)[w.B.pk]
    }
    assert b[Measure.HOME_CARE_VISITS] == (None, True)
