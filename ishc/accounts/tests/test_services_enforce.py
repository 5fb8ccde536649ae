"""Every service that changes state asserts the capability itself (ishc.accounts.permissions), so
that an API, a command or the offline sync cannot do what the pages refuse. Before the table,
record_entry accepted an outsider and a read-only viewer, and create_person called for a commune
officer created an administrator.

Each service is called by one who may not (a read-only viewer, an officer of another province,
a user of the wrong unit): it refuses with PermissionDenied and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ishc.accounts import services as accounts
from ishc.accounts.models import Role, User
from ishc.activities import services as activities
from ishc.activities.models import Kind
from ishc.audit.models import AuditEntry
from ishc.board import services as board
from ishc.board.models import Agency, Meeting
from ishc.clubs import services as clubs
from ishc.finance import services as finance
from ishc.finance.models import Category, Entry, EntryKind, FundKind
from ishc.indicators import services as indicators
from ishc.reports import services as reports
from ishc.reports.rubric import compute

D = datetime.date
TODAY = D(2025, 6, 10)


@pytest.fixture
def w(world):
    w = world
    w.a1 = clubs.add_member(
        None,
        w.A,
        joined_on=D(2021, 2, 1),
        full_name="Hoa",
        sex="F",
        birth_year=1955,
        ethnicity=w.kinh,
    )
    finance.record_entry(
        w.club,
        w.A,
        fund_kind=FundKind.IGF,
        kind=EntryKind.CAPITAL,
        amount=10_000_000,
        date=D(2025, 1, 1),
        category=Category.COMMUNE_PC,
    )
    w.loan = finance.apply_loan(
        w.club,
        w.A,
        member=w.a1,
        amount=1_000_000,
        purpose="Lợn",
        applied_on=D(2025, 2, 1),
        months=12,
        annual_rate="6",
        method="declining",
    )
    w.entry = Entry.objects.filter(club=w.A).first()
    w.agency = Agency.objects.create(name="Bộ Y tế")
    return w


def _capital(user, club):
    return finance.record_entry(
        user,
        club,
        fund_kind=FundKind.IGF,
        kind=EntryKind.CAPITAL,
        amount=1_000_000,
        date=TODAY,
        category=Category.COMMUNE_PC,
    )


# (name, the call); each is refused for the viewer, the outsider and the board member.
CALLS = {
    "finance.record_entry": lambda u, w: _capital(u, w.A),
    "finance.transfer": lambda u, w: finance.transfer(
        u, w.A, from_fund=FundKind.IGF, amount=1, date=TODAY
    ),
    "finance.reverse_entry": lambda u, w: finance.reverse_entry(u, w.entry, date=TODAY, reason="x"),
    "finance.apply_loan": lambda u, w: finance.apply_loan(
        u, w.A, member=w.a1, amount=1, purpose="x", applied_on=TODAY
    ),
    "finance.approve_loan": lambda u, w: finance.approve_loan(u, w.loan, on=TODAY, meeting="m"),
    "finance.reject_loan": lambda u, w: finance.reject_loan(u, w.loan, reason="x"),
    "finance.disburse": lambda u, w: finance.disburse(u, w.loan, on=TODAY),
    "finance.repay": lambda u, w: finance.repay(u, w.loan, amount=1, on=TODAY),
    "finance.reschedule": lambda u, w: finance.reschedule(
        u, w.loan, on=TODAY, months=3, reason="x"
    ),
    "finance.request_write_off": lambda u, w: finance.request_write_off(
        u, w.loan, on=TODAY, reason="x"
    ),
    "finance.submit_collection": lambda u, w: finance.submit_collection(
        u, w.A, month=D(2025, 6, 1), meeting_date=TODAY, lines=[]
    ),
    "clubs.create_club": lambda u, w: clubs.create_club(u, registered=w.c1, name="Mới"),
    "clubs.update_club": lambda u, w: clubs.update_club(u, w.A, name="Đổi tên"),
    "clubs.set_status": lambda u, w: clubs.set_status(u, w.A, "dissolved", since=TODAY),
    "clubs.add_member": lambda u, w: clubs.add_member(
        u, w.A, joined_on=TODAY, full_name="X", sex="F", birth_year=1950
    ),
    "clubs.update_member": lambda u, w: clubs.update_member(u, w.a1, full_name="Y"),
    "clubs.leave_club": lambda u, w: clubs.leave_club(u, w.a1, on=TODAY, reason="x"),
    "clubs.move_member": lambda u, w: clubs.move_member(u, w.a1, w.B, on=TODAY),
    "clubs.save_group": lambda u, w: clubs.save_group(u, w.A, name="Tổ 1"),
    "activities.record_activity": lambda u, w: activities.record_activity(
        u, w.A, kind=Kind.COMMUNICATION, on=TODAY
    ),
    "activities.save_meeting": lambda u, w: activities.save_meeting(u, w.A, held_on=TODAY),
    "reports.create_report": lambda u, w: reports.create_report(u, w.A, D(2025, 5, 1)),
    "reports.set_commune_setting": lambda u, w: reports.set_commune_setting(u, w.c1, True),
    "reports.rubric.compute": lambda u, w: compute(u, type(w.A).objects.all(), 2025),
    "board.record_contribution": lambda u, w: board.record_contribution(
        u,
        club=w.A,
        received_on=TODAY,
        source_type="donor",
        source_name="x",
        kind="cash",
        amount=1,
        purpose="igf",
    ),
    "board.save_agency": lambda u, w: board.save_agency(u, name="Bộ mới"),
    "board.save_meeting": lambda u, w: board.save_meeting(u, title="Họp", held_on=TODAY),
    "board.create_task": lambda u, w: board.create_task(
        u, title="x", year=2025, responsible=w.agency, deadline=D(2025, 12, 31)
    ),
    "indicators.create_target": lambda u, w: indicators.create_target(u, unit=w.c1),
    "accounts.create_person": lambda u, w: accounts.create_person(
        u, club=w.A, username="moi", role=Role.CLUB
    ),
}


# Refusals for the area that the form shows on the field, naming the club (still nothing written).
AREA_ON_THE_FORM = {"board.record_contribution"}
# The rubric is computed for the clubs of the user's own area: an outsider computes hers only.
WITHIN_OWN_AREA = {"reports.rubric.compute"}


CASES = [
    (name, who)
    for name in sorted(CALLS)
    for who in ("viewer", "outsider", "board", "nobody")
    if not (who == "outsider" and name in WITHIN_OWN_AREA)
]


@pytest.mark.parametrize(("name", "who"), CASES)
def test_it_refuses_a_service_to_one_who_may_not(w, name, who):
    user = getattr(w, who)
    written = AuditEntry.objects.count()
    users = User.objects.count()
    refusal = PermissionDenied
    if who == "outsider" and name in AREA_ON_THE_FORM:
        refusal = ValidationError
    with (
        translation.override("en"),
        pytest.raises(refusal, match=None if refusal is PermissionDenied else "outside your area"),
    ):
        CALLS[name](user, w)
    assert AuditEntry.objects.count() == written
    assert User.objects.count() == users


def test_it_refuses_money_from_a_commune_officer_and_another_clubs_board(w):
    with pytest.raises(PermissionDenied):
        _capital(w.commune, w.A)
    with pytest.raises(PermissionDenied):
        _capital(w.club, w.B)
    assert _capital(w.club, w.A).amount == 1_000_000


def test_it_never_lets_a_commune_officer_create_an_administrator(w):
    for role in (Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE, Role.BOARD):
        with pytest.raises(PermissionDenied):
            accounts.create_person(w.commune, unit=w.c1, username=f"x-{role}", role=role)
    with pytest.raises(PermissionDenied):
        accounts.create_person(w.commune, club=w.B, username="other-club", role=Role.CLUB)
    assert not User.objects.filter(username__startswith="x-").exists()
    user, _password = accounts.create_person(w.commune, club=w.A, username="lan", role=Role.CLUB)
    assert user.role == Role.CLUB and not user.is_staff and not user.is_superuser


def test_it_lets_only_the_chair_record_a_meetings_conclusions(w):
    from ishc.board.models import BoardMember

    chair = BoardMember.objects.create(
        full_name="Chủ tịch", agency=w.agency, user=w.board, term_start=D(2024, 1, 1)
    )
    meeting = Meeting.objects.create(title="Họp", held_on=TODAY, chair=chair)
    board.add_conclusion(w.board, meeting, text="Làm ngay")
    with pytest.raises(PermissionDenied):
        board.add_conclusion(w.province, meeting, text="Không")
    assert meeting.conclusions.count() == 1
