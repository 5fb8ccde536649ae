"""The national data generator on a tiny nation: counts, determinism and the app's invariants."""

import datetime
from itertools import accumulate

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from ishc.activities.models import (
    ActivityRecord,
    Attendance,
    CaredPerson,
    Kind,
    Meeting,
    Reading,
    Visit,
    active_on_q,
)
from ishc.board import models as board
from ishc.clubs.models import (
    BoardPosition,
    Club,
    ClubStatusChange,
    Group,
    Member,
    Membership,
    VolunteerKind,
    VolunteerRole,
)
from ishc.core.nation import LEGACY_SHARE, PUBLISHED, PUBLISHED_TOTAL, Nation
from ishc.finance import ledger
from ishc.finance.models import (
    Entry,
    EntryKind,
    Fund,
    Instalment,
    Loan,
    LoanStatus,
    Reschedule,
    WriteOff,
)
from ishc.geo.models import Level, Scheme, Succession, Unit
from ishc.indicators.figures import headcount
from ishc.indicators.models import Target
from ishc.reports.derived import derive
from ishc.reports.models import MonthlyReport, Status, Transition

TODAY = datetime.date(2026, 6, 15)

# Every count the generator reports, and the rows it stands for.
COUNTED = {
    "clubs": Club,
    "members": Member,
    "memberships": Membership,
    "groups": Group,
    "board": BoardPosition,
    "volunteers": VolunteerRole,
    "loans": Loan,
    "instalments": Instalment,
    "entries": Entry,
    "reschedules": Reschedule,
    "write_offs": WriteOff,
    "meetings": Meeting,
    "attendance": Attendance,
    "readings": Reading,
    "activities": ActivityRecord,
    "cared_people": CaredPerson,
    "visits": Visit,
    "reports": MonthlyReport,
    "transitions": Transition,
    "board_meetings": board.Meeting,
    "tasks": board.Task,
    "progress_notes": board.ProgressNote,
    "contributions": board.Contribution,
    "events": board.Event,
}


def _fingerprint():
    return (
        list(Club.objects.order_by("code").values_list("code", "name", "commune_id", "founded_on")),
        list(Member.objects.order_by("pk").values_list("full_name", "birth_year", "sex")),
        list(Entry.objects.order_by("pk").values_list("date", "kind", "amount", "principal")),
        {key: model.objects.count() for key, model in COUNTED.items()},
        Visit.objects.aggregate(n=Count("pk"), people=Count("person", distinct=True)),
        list(Instalment.objects.values("version").annotate(p=Sum("principal"), i=Sum("interest"))),
        list(MonthlyReport.objects.order_by("pk").values_list("month", "status")),
    )


def _world_nation(world):
    """The test world with a third province (no published count) and legacy communes that
    became its 2025 communes, as the official conversion says."""
    C, L = Scheme.CURRENT, Scheme.LEGACY
    g = Unit.objects.create(scheme=C, level=Level.PROVINCE, code=52, name="Tỉnh Gia Lai")
    for code, name in ((21000, "Xã Ia Grai"), (21001, "Xã Ia Hrung")):
        Unit.objects.create(
            scheme=C, level=Level.COMMUNE, code=code, name=name, parent=g, province=g
        )
    for k, new in enumerate(Unit.objects.communes().order_by("pk")):
        old = Unit.objects.create(
            scheme=L, level=Level.COMMUNE, code=90000 + k, name=f"Xã Cũ {k}", province=None
        )
        Succession.objects.create(
            old_level="commune", old_code=old.code, old_unit=old, new_unit=new
        )
    Club.objects.all().delete()  # the world's own clubs have no members or money


def test_it_builds_the_same_nation_for_a_seed(world):
    class Again(Exception):
        pass

    _world_nation(world)
    prints = []
    for _run in range(2):
        with pytest.raises(Again), transaction.atomic():
            Nation(4, 2, seed=7, today=TODAY).run()
            prints.append(_fingerprint())
            raise Again
    assert prints[0] == prints[1] and prints[0][1] and prints[0][3]["visits"]


def test_it_weights_the_provinces_like_the_published_figures(world):
    _world_nation(world)
    nation = Nation(1, 1, seed=1, today=TODAY)
    nation._units()
    share = dict(zip(nation.provinces, nation.weights, strict=True))
    assert share[world.Q.pk] == PUBLISHED["Hà Nội"] / PUBLISHED_TOTAL
    assert share[world.P.pk] == PUBLISHED["Tuyên Quang"] / PUBLISHED_TOTAL
    assert sum(share.values()) == pytest.approx(1)


def _running_low(fund) -> int:
    """The lowest end-of-day balance the fund ever had."""
    by_day = fund.entries.values("date").annotate(s=Sum("amount")).order_by("date")
    return min(accumulate(row["s"] for row in by_day))


def test_it_builds_a_tiny_nation_that_keeps_the_apps_rules(world):
    _world_nation(world)
    counts = Nation(40, 3, seed=3, today=TODAY, meeting_months=4).run()
    for key, model in COUNTED.items():
        assert counts[key] == model.objects.count() > 0, key
    assert counts["clubs"] == 40 and counts["members"] == Membership.objects.count()
    assert Fund.objects.count() == 80
    assert not Club.objects.exclude(province=F("commune__province")).exists()

    # About 40 % registered under a legacy commune, always one the 2025 commune came from.
    legacy = Club.objects.exclude(registered_unit=F("commune"))
    assert 0.2 * 40 < legacy.count() < 0.6 * 40 and LEGACY_SHARE == 0.4
    assert not legacy.exclude(
        Exists(
            Succession.objects.filter(
                old_unit=OuterRef("registered_unit"), new_unit=OuterRef("commune")
            )
        )
    ).exists()
    # Sizes mostly in the 50–70 band, some clubs outside.
    sizes = list(Club.objects.annotate(n=Count("members")).values_list("n", flat=True))
    assert sum(50 <= n <= 70 for n in sizes) > len(sizes) * 0.7

    # People: boards, attendance, readings and volunteers are members of the club on the day.
    def a_member_then(club, member, day):
        return Exists(
            Membership.objects.filter(club=OuterRef(club), member=OuterRef(member))
            .filter(joined_on__lte=OuterRef(day))
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=OuterRef(day)))
        )

    assert not Attendance.objects.exclude(
        a_member_then("meeting__club", "member", "meeting__held_on")
    ).exists()
    assert not Reading.objects.exclude(
        a_member_then("meeting__club", "member", "meeting__held_on")
    ).exists()
    assert not BoardPosition.objects.exclude(a_member_then("club", "member", "started_on")).exists()
    assert not VolunteerRole.objects.exclude(a_member_then("club", "member", "started_on")).exists()
    active = Club.objects.filter(status="active")
    assert BoardPosition.objects.on(TODAY).filter(position="chair").count() == active.count() + (
        Club.objects.exclude(status="active").count()
    )

    # A dissolved club collects, spends, lends and meets nothing from the day it was dissolved.
    def dissolved_by(club, day):
        return Exists(
            ClubStatusChange.objects.filter(
                club=OuterRef(club), status="dissolved", since__lte=OuterRef(day)
            )
        )

    assert ClubStatusChange.objects.filter(status="dissolved").exists()
    assert not Entry.objects.filter(
        dissolved_by("club", "date"), kind__in=[EntryKind.INCOME, EntryKind.EXPENSE]
    ).exists()
    assert not Loan.objects.filter(dissolved_by("club", "applied_on")).exists()
    assert not Meeting.objects.filter(dissolved_by("club", "held_on")).exists()

    # Money: each club's balances are the sums of its entries, no fund ever ran below zero on
    # any day, a loan's outstanding principal matches its status.
    for club in Club.objects.all():
        balances = ledger.club_balances(club, TODAY)
        raw = Entry.objects.filter(club=club).values("fund__kind").annotate(s=Sum("amount"))
        assert balances == {row["fund__kind"]: row["s"] for row in raw}
        for fund in club.funds.all():
            assert _running_low(fund) >= 0, (club, fund.kind)
    assert set(Entry.objects.values_list("kind", flat=True)) == set(EntryKind.values)
    transfers = Entry.objects.filter(kind__in=[EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT])
    assert transfers.aggregate(s=Sum("amount"))["s"] == 0
    capital = Entry.objects.filter(kind=EntryKind.CAPITAL)
    assert (
        capital.count()
        == capital.filter(contribution__club=F("club"), contribution__amount=F("amount")).count()
    )
    for loan in Loan.objects.all():
        outstanding = ledger.loan_state(loan, TODAY).outstanding
        if loan.status == LoanStatus.ACTIVE:
            assert outstanding > 0
        else:
            assert outstanding == 0, loan.status
    assert set(Loan.objects.values_list("status", flat=True)) == set(LoanStatus.values)
    waiting = Loan.objects.filter(status__in=["applied", "approved", "rejected"])
    assert not Entry.objects.filter(loan__in=waiting).exists()
    assert not Instalment.objects.filter(loan__in=waiting).exists()
    # A reschedule looks like the service's: version 2 in force, line 0 carrying what was repaid
    # and the interest due by that day, the outstanding principal spread over the new term — and
    # a member paying the new schedule on time is not in arrears.
    for r in Reschedule.objects.select_related("loan"):
        loan, state = r.loan, ledger.loan_state(r.loan, r.on)
        assert loan.schedule_version == r.version == 2
        lines = list(loan.instalments.filter(version=2).order_by("no"))
        assert lines[0].no == 0 and lines[0].due_date == r.on
        assert lines[0].principal == state.disbursed - state.outstanding
        assert lines[0].interest == state.interest_paid
        assert sum(ln.principal for ln in lines[1:]) == state.outstanding
        assert len(lines) == r.months + 1
        assert ledger.loan_state(loan, TODAY).arrears_due == 0
    # Reversals undo exactly one entry each.
    reversed_ = Entry.objects.filter(reverses__isnull=False)
    assert reversed_.exists()
    for entry in reversed_:
        assert entry.amount == -entry.reverses.amount
    assert (
        Entry.objects.filter(kind=EntryKind.WRITE_OFF).count()
        == Loan.objects.filter(status=LoanStatus.WRITTEN_OFF).count()
        == WriteOff.objects.count()
    )

    # Activities of every kind with the fields each kind needs.
    assert set(ActivityRecord.objects.values_list("kind", flat=True)) == set(Kind.values)
    cases = ActivityRecord.objects.filter(kind__in=[Kind.SELF_HELP, Kind.ENTITLEMENT])
    assert not cases.filter(member__isnull=True, person_name="").exists()
    assert not cases.filter(member__isnull=False).exclude(person_name="").exists()
    assert not ActivityRecord.objects.filter(kind=Kind.SELF_HELP, help_type="").exists()
    entitlement = ActivityRecord.objects.filter(kind=Kind.ENTITLEMENT)
    assert not entitlement.filter(Q(entitlement="") | Q(outcome="")).exists()
    assert ActivityRecord.objects.filter(kind=Kind.DIALOGUE, proposals__gt=0).exists()
    # Home care: each visit by a home-care volunteer of the club serving that day, to a person
    # in the care list that day, none in the future.
    visits = Visit.objects.filter(
        volunteer__club=F("person__club"),
        volunteer__kind=VolunteerKind.HOME_CARE,
        volunteer__started_on__lte=F("on"),
        person__since__lte=F("on"),
        on__lte=TODAY,
    ).filter(Q(person__until__isnull=True) | Q(person__until__gte=F("on")))
    assert visits.count() == Visit.objects.count()
    assert CaredPerson.objects.filter(active_on_q(TODAY)).exists()

    # Reports in every state; what was sent is frozen as submission freezes it, and the last
    # step of each timeline is the report's status.
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == set(Status.values)
    sent = MonthlyReport.objects.exclude(status=Status.DRAFT)
    assert not sent.filter(Q(figures={}) | Q(first_submitted_on__isnull=True)).exists()
    for month in sent.values_list("month", flat=True).distinct():
        live = derive(Club.objects.all(), month)
        for report in sent.filter(month=month):
            assert report.figures == live[report.club_id]
    for report in MonthlyReport.objects.annotate(steps=Count("transitions")).filter(steps__gt=0):
        assert report.transitions.order_by("pk").last().to_status == report.status
    assert MonthlyReport.objects.filter(transitions__action="reject").exists()
    assert not MonthlyReport.objects.filter(status=Status.DRAFT).exclude(figures={}).exists()

    # Targets for every province and year of the programmes; the Board's work in every state.
    provinces = Unit.objects.provinces().count()
    assert Target.objects.filter(unit__isnull=False).count() == provinces * 3 * 2
    assert set(board.Task.objects.values_list("status", flat=True)) == set(board.TaskStatus.values)
    assert board.Task.objects.late(TODAY).exists()
    assert board.Task.objects.filter(conclusion__isnull=False).exists()

    # The dashboards' head count is the plain count of current members of active clubs.
    count = headcount(Club.objects.all(), TODAY)
    assert count["clubs"] == active.count()
    assert (
        count["members"]
        == Membership.objects.filter(club__in=active, joined_on__lte=TODAY)
        .exclude(left_on__lte=TODAY)
        .count()
    )


def test_it_runs_as_a_command_and_refuses_a_seed_used_already(world, capsys):
    call_command("generate_national_data", clubs=2, years=1, seed=9, meeting_months=2)
    out = capsys.readouterr().out
    assert "2/2 clubs" in out and "clubs: 2" in out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_national_data", clubs=2, years=1, seed=9)
