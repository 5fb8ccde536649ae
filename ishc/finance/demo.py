"""Demo funds and loans, with dates relative to today so that arrears look right whenever the
demo is loaded: loans on time, late in each arrears bucket, repaid, rescheduled, written off, a
write-off waiting for approval, an application and an approved loan not yet paid out, member
fees from the last collection sheets, and a few Activity Fund expenses."""

import datetime

from django.utils import timezone

from ishc.clubs.models import Member, Membership
from ishc.core.demo import DemoContext

from .models import Category, EntryKind, Fund, FundKind, Loan
from .schedule import add_months
from .services import (
    SheetLine,
    apply_loan,
    approve_loan,
    decide_write_off,
    disburse,
    record_entry,
    repay,
    request_write_off,
    reschedule,
    submit_collection,
)

DAY = datetime.timedelta(days=1)

# (purpose, amount, months, method, annual rate %, plan); plan is ("late", days late, instalments
# paid), ("on_time",), ("repaid",), ("rescheduled",), ("written_off",), ("pending_write_off",),
# ("applied",) or ("approved",).
LOANS_A = [
    ("Nuôi lợn thịt", 6_000_000, 12, "declining", "6", ("on_time",)),
    ("Trồng rau sạch", 5_000_000, 10, "flat", "6", ("late", 12, 3)),
    ("Buôn bán tạp hóa", 5_000_000, 12, "declining", "7.2", ("late", 45, 2)),
    ("Nuôi gà thả vườn", 4_000_000, 8, "flat", "6", ("late", 75, 2)),
    ("Sửa máy xay xát", 5_000_000, 12, "declining", "6", ("pending_write_off",)),
    ("Trồng nấm rơm", 5_000_000, 12, "flat", "6", ("repaid",)),
    ("Nuôi bò sinh sản", 6_000_000, 12, "declining", "6", ("rescheduled",)),
    ("Làm bánh bán chợ", 3_000_000, 10, "interest_only", "6", ("written_off",)),
    ("Mua giống cây ăn quả", 7_000_000, 12, "declining", "6", ("approved",)),
    ("Dệt thổ cẩm", 4_000_000, 6, "flat", "6", ("applied",)),
]
LOANS_OTHER = [
    ("Nuôi vịt", 5_000_000, 10, "declining", "6", ("on_time",)),
    ("Bán hàng ăn sáng", 4_000_000, 8, "flat", "6", ("late", 40, 2)),
    ("Trồng ngô", 3_000_000, 6, "interest_only", "6", ("late", 100, 1)),
    ("Nuôi cá ao", 5_000_000, 12, "declining", "6", ("repaid",)),
]


def build(ctx: DemoContext) -> None:
    o = ctx.objects
    today = timezone.localdate()
    checker = o["user_commune"]
    for key in ("club", "club_b", "club_c", "club_d"):
        club = o[key]
        if Fund.objects.filter(club=club).exists():
            continue  # built already: the demo is idempotent
        maker = o["user_club"] if key == "club" else o["user_central"]
        _club(club, maker, checker, today, LOANS_A if key == "club" else LOANS_OTHER)


def _club(club, user, checker, today, plans):
    base = max(club.founded_on + DAY, today - datetime.timedelta(days=720))
    record_entry(
        user,
        club,
        fund_kind=FundKind.IGF,
        kind=EntryKind.CAPITAL,
        amount=50_000_000,
        date=base,
        category=Category.COMMUNE_PC,
        voucher="PT01",
        note="Vốn ban đầu từ UBND xã",
    )
    record_entry(
        user,
        club,
        fund_kind=FundKind.IGF,
        kind=EntryKind.CAPITAL,
        amount=20_000_000,
        date=base + 30 * DAY,
        category=Category.DONOR,
        counterpart="HelpAge International",
    )
    record_entry(
        user,
        club,
        fund_kind=FundKind.ACTIVITY,
        kind=EntryKind.CAPITAL,
        amount=2_000_000,
        date=base,
        category=Category.ASSOCIATION,
    )
    used: set[int] = set()
    for purpose, amount, months, method, rate, plan in plans:
        _loan(club, user, checker, today, base, used, purpose, amount, months, method, rate, plan)
    _fees_and_expenses(club, user, today, base)


def _member(club, on, used):
    member = (
        Member.objects.filter(
            pk__in=Membership.objects.on(on).filter(club=club).values("member_id")
        )
        .exclude(pk__in=used)
        .order_by("pk")
        .first()
    )
    used.add(member.pk)
    return member


def _pay_instalments(user, loan, count):
    lines = loan.instalments.filter(version=loan.schedule_version, no__gte=1).order_by("no")
    for line in lines[:count]:
        repay(user, loan, amount=line.total, on=line.due_date, voucher=f"PT-{loan.pk}-{line.no}")


def _loan(club, user, checker, today, base, used, purpose, amount, months, method, rate, plan):
    kind = plan[0]
    if kind == "late":
        _k, days_late, paid = plan
        # The first unpaid instalment (paid + 1) fell due `days_late` days ago.
        start = add_months(today - days_late * DAY, -(paid + 1))
    else:
        back = {
            "on_time": 3,
            "repaid": months + 2,
            "rescheduled": 7,
            "written_off": 10,
            "pending_write_off": 7,
        }.get(kind, 0)
        start = add_months(today, -back) - 5 * DAY if back else today - 3 * DAY
    start = max(start, base + 31 * DAY)
    member = _member(club, start, used)
    loan = apply_loan(
        user,
        club,
        member=member,
        amount=amount,
        purpose=purpose,
        applied_on=start - 2 * DAY if start - 2 * DAY > base else start,
        months=months,
        annual_rate=rate,
        method=method,
    )
    if kind == "applied":
        return loan
    approve_loan(user, loan, on=start, meeting=f"Họp định kỳ tháng {start:%m/%Y}")
    if kind == "approved":
        return loan
    disburse(user, loan, on=start, voucher=f"PC-{loan.pk}")
    loan = Loan.objects.get(pk=loan.pk)
    due_so_far = loan.instalments.filter(due_date__lte=today, no__gte=1).count()
    if kind in ("on_time", "repaid"):
        _pay_instalments(user, loan, due_so_far)
    elif kind == "late":
        _pay_instalments(user, loan, plan[2])
    elif kind == "rescheduled":
        _pay_instalments(user, loan, 3)
        on = add_months(start, 5) + 2 * DAY
        reschedule(
            user,
            loan,
            on=on,
            months=12,
            reason="Dịch tả lợn châu Phi, hộ mất đàn; Ban chủ nhiệm đồng ý giãn nợ",
        )
        loan = Loan.objects.get(pk=loan.pk)
        from . import ledger

        due = ledger.loan_state(loan, on).interest_due
        if due:
            repay(user, loan, amount=due, on=on)
        _pay_instalments_from(user, loan, today)
    elif kind in ("written_off", "pending_write_off"):
        _pay_instalments(user, loan, 1)
        wo = request_write_off(
            user,
            loan,
            on=today - 10 * DAY,
            reason="Thành viên ốm nặng, gia đình không còn khả năng trả nợ",
        )
        if kind == "written_off":
            decide_write_off(checker, wo, approve=True, note="Hội NCT xã đồng ý xóa nợ")
    return loan


def _pay_instalments_from(user, loan, today):
    """Pay the rescheduled loan's new instalments that have fallen due (line 0 is the past)."""
    lines = loan.instalments.filter(version=loan.schedule_version, no__gte=1, due_date__lte=today)
    for line in lines.order_by("no"):
        repay(user, loan, amount=line.total, on=line.due_date, voucher=f"PT-{loan.pk}-r{line.no}")


def _fees_and_expenses(club, user, today, base):
    """Member fees of the last three monthly meetings, and a few Activity Fund expenses."""
    for back in (3, 2, 1):
        month = add_months(today.replace(day=1), -back)
        meeting = month.replace(day=min(club.meeting_day or 10, 28))
        if meeting <= base:
            continue
        members = Member.objects.filter(
            pk__in=Membership.objects.on(meeting).filter(club=club).values("member_id")
        )
        lines = [SheetLine(m, fee=5_000) for i, m in enumerate(members) if i % 9]
        submit_collection(user, club, month=month, meeting_date=meeting, lines=lines)
    for days, amount, category, note in [
        (80, 500_000, Category.VISITS, "Thăm hỏi hội viên ốm"),
        (50, 350_000, Category.HEALTH, "Mua pin máy đo huyết áp"),
        (20, 300_000, Category.HARDSHIP, "Hỗ trợ hội viên gặp khó khăn đột xuất"),
    ]:
        record_entry(
            user,
            club,
            fund_kind=FundKind.ACTIVITY,
            kind=EntryKind.EXPENSE,
            amount=amount,
            date=today - days * DAY,
            category=category,
            note=note,
        )
