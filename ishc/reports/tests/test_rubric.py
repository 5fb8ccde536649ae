import datetime

import pytest
from django.core.exceptions import ValidationError

from ishc.activities.services import save_meeting
from ishc.audit.models import AuditEntry
from ishc.clubs.models import Club
from ishc.clubs.services import add_board_term
from ishc.finance.models import FundKind
from ishc.finance.tests.conftest import active_loan, capital, make_member
from ishc.reports import rubric
from ishc.reports.figures import rubric_figures
from ishc.reports.models import RubricCriterion, RubricResult

D = datetime.date


@pytest.fixture
def year_2025(world):
    """Club A in 2025: two older women (size and composition out of band), meetings with a topic
    in 10 months, entries in both funds every month, one of the two members borrowed in January
    and repaid nothing, no monthly report. Club B did nothing."""
    hoa = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    make_member(world.A, "Lê Thị Mai", world.kinh)
    for month in range(1, 11):
        save_meeting(None, world.A, held_on=D(2025, month, 10), topic="Chủ đề")
    for month in range(1, 13):
        capital(None, world.A, 10_000_000, on=D(2025, month, 2))
        capital(None, world.A, 100_000, on=D(2025, month, 2), fund=FundKind.ACTIVITY)
    active_loan(None, world.A, hoa, 5_000_000, D(2025, 1, 15))
    return world


def _by_code(rows):
    return {r["code"]: r for r in rows}


def test_it_says_which_criteria_are_met_and_why(year_2025):
    w = year_2025
    rows = _by_code(rubric.evaluate(Club.objects.filter(pk__in=[w.A.pk, w.B.pk]), 2025)[w.A.pk])
    assert rows["meetings"]["met"] is True and rows["meetings"]["params"] == {"n": 10, "t": 10}
    assert rows["size"]["met"] is False
    assert rows["composition"]["met"] is False
    # 100 % women and older (bands 60–70 %), no younger member (band 30–40 %).
    assert rows["composition"]["params"] == {"names": ["women", "older", "younger"]}
    assert rows["funds"]["met"] is True
    assert rows["borrowers"]["met"] is True  # 1 of 2 = 50 %
    assert rows["repayment"]["met"] is False
    assert rows["repayment"]["params"]["n"] == 0
    assert rows["areas"]["met"] is False
    assert rows["reports"]["met"] is False
    assert rows["board"]["met"] is False and rows["board"]["params"]["n"] == 0


def test_it_grades_by_the_share_of_assessed_criteria(year_2025):
    w = year_2025
    rubric.compute(w.province, Club.objects.filter(pk__in=[w.A.pk, w.B.pk]), 2025)
    a = RubricResult.objects.get(club=w.A, year=2025)
    assert (a.met, a.total) == (3, 9)  # meetings, funds, borrowers
    assert a.grade == "weak"
    assert [line["met"] for line in a.lines()][0] is True
    assert "10 of 12 months" in a.lines()[0]["why"]


def test_it_follows_the_configured_criteria(year_2025):
    w = year_2025
    RubricCriterion.objects.exclude(code__in=["meetings", "funds"]).update(active=False)
    rubric.compute(w.province, Club.objects.filter(pk=w.A.pk), 2025)
    a = RubricResult.objects.get(club=w.A, year=2025)
    assert (a.met, a.total, a.grade) == (2, 2, "good")
    RubricCriterion.objects.filter(code="meetings").update(threshold=11)
    rubric.compute(w.province, Club.objects.filter(pk=w.A.pk), 2025)
    a.refresh_from_db()
    assert (a.met, a.grade) == (1, "average")


def test_it_overrides_the_grade_only_with_a_reason_and_keeps_it_on_recompute(year_2025):
    w = year_2025
    clubs = Club.objects.filter(pk__in=[w.A.pk, w.B.pk])
    rubric.compute(w.province, clubs, 2025)
    a = RubricResult.objects.get(club=w.A, year=2025)
    with pytest.raises(ValidationError, match="reason"):
        rubric.override(w.province, a, "fair", "  ")
    a.refresh_from_db()
    assert a.override_grade == ""
    rubric.override(w.province, a, "fair", "Lũ lụt tháng 9, CLB vẫn duy trì")
    entry = AuditEntry.objects.get(action="reports.rubric.overridden")
    assert entry.data["changes"]["override_grade"] == ["", "fair"]
    rubric.compute(w.province, clubs, 2025)
    a.refresh_from_db()
    assert (a.grade, a.computed_grade) == ("fair", "weak")
    assert rubric_figures(Club.objects.all(), 2025, "club__province_id")[w.P.pk] == {
        "active_clubs": 2,
        "assessed": 2,
        "well_managed": 1,
    }


def test_it_counts_well_managed_clubs_in_one_query(year_2025, django_assert_num_queries):
    with django_assert_num_queries(1):
        rubric_figures(Club.objects.all(), 2025, None)


def test_it_wants_a_board_of_five_with_a_chair_and_a_vice_chair(world):
    people = [make_member(world.B, f"Thành viên {i}", world.kinh) for i in range(6)]
    positions = ["chair", "area", "area", "area", "accountant"]
    for person, position in zip(people, positions, strict=False):
        add_board_term(
            None, world.B, person, position=position, started_on=D(2025, 1, 1), area="Sức khỏe"
        )
    clubs = Club.objects.filter(pk=world.B.pk)
    board = _by_code(rubric.evaluate(clubs, 2025)[world.B.pk])["board"]
    assert board["met"] is False and board["params"]["vice"] == 0
    add_board_term(None, world.B, people[5], position="vice_chair", started_on=D(2025, 3, 1))
    board = _by_code(rubric.evaluate(clubs, 2025)[world.B.pk])["board"]
    assert board["met"] is True and board["params"]["n"] == 6
