"""One synthetic nation for the whole app: `manage.py generate_national_data`.

Benchmarks, load tests and an operator trying the system at national size need the same data:
clubs over the 34 provinces, members, boards, money, meetings, reports. Deterministic for a
seed (one random.Random drives everything, clubs are generated in a fixed order), written with
bulk inserts a few hundred clubs per transaction, and shaped like the records the services
write, so that every page and every figure works on it:

- clubs spread over the provinces in proportion to their communes, Hà Nội twice as dense (528
  clubs of ~8,400 in 2024, domain §1), ~40 % registered under a legacy commune that became their
  2025 commune, ~2 % dissolved, the area flags of mountainous and minority areas;
- 50–70 members per club with ~65 % women and ~64 % aged 60+, one club in ten outside a band;
  ethnicity mostly Kinh, minorities in mountainous clubs; household, disability, insurance;
  a few members who left; a chair, a vice-chair and a treasurer;
- both funds: capital from the commune, member fees; loans to about a quarter of the members
  (flat or declining), repaid on time, early, late, partly, reversed and re-entered, or written
  off, with their schedules (ishc.finance.schedule, the service's own);
- a meeting a month over the last months with attendance and health readings, activity records,
  and monthly reports in every state (older months locked, the last ones in the workflow).

Not generated (yet): home care, reschedules, targets and the Steering Board's work; the demo
data (`seed_demo`) shows those. The entries are written as the services write them (amounts,
principal, loan, member), which the test checks through the ledger.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ishc.activities.models import ActivityRecord, Attendance, Kind, Meeting, Reading
from ishc.clubs.models import (
    BoardPosition,
    Club,
    ClubStatus,
    ClubStatusChange,
    Cohort,
    Household,
    Member,
    Membership,
    Position,
)
from ishc.core.text import fold
from ishc.finance.models import (
    Category,
    Entry,
    EntryKind,
    Fund,
    FundKind,
    Instalment,
    Loan,
    LoanStatus,
    WriteOff,
    WriteOffStatus,
)
from ishc.finance.schedule import build_schedule
from ishc.geo.models import EthnicGroup, Succession, Unit
from ishc.reports.models import MonthlyReport, Status

BATCH = 250  # clubs per transaction
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = {"F": ["Thị", "Thị Thu", "Ngọc", "Thị Minh"], "M": ["Văn", "Đức", "Minh", "Quang"]}
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Sơn", "Tâm", "Hùng", "Yến"]
HOUSEHOLDS = [Household.AVERAGE] * 14 + [Household.NEAR_POOR] * 3 + [Household.POOR] * 3
COHORTS = [Cohort.P1533, Cohort.P1336, Cohort.P1648, Cohort.LOCAL, Cohort.DONOR]
# How each loan is repaid, and how often.
BEHAVIOURS = {
    "on_time": 55,
    "late": 14,
    "partial": 8,
    "early": 8,
    "behind": 8,
    "reversed": 4,
    "written_off": 3,
}


def _months_back(today: datetime.date, n: int) -> list[datetime.date]:
    """First days of the n months before this one, oldest first."""
    months, month = [], today.replace(day=1)
    for _i in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


class Nation:
    def __init__(
        self,
        clubs: int,
        years: int,
        seed: int,
        *,
        today: datetime.date | None = None,
        meeting_months: int = 6,
        progress: Callable[[str], None] | None = None,
    ):
        self.n_clubs, self.years, self.seed = clubs, years, seed
        self.today = today or timezone.localdate()
        self.meeting_months = meeting_months
        self.rng = random.Random(seed)
        self.progress = progress or (lambda text: None)
        self.counts: dict[str, int] = defaultdict(int)

    # Set-up read once: provinces, communes, legacy predecessors, ethnic groups.

    def _units(self):
        provinces = dict(Unit.objects.provinces().values_list("pk", "name"))
        if not provinces:
            raise ValueError("no 2025 provinces: run `manage.py load_admin_units` first")
        self.communes = defaultdict(list)
        for pk, province in Unit.objects.communes().values_list("pk", "province_id"):
            self.communes[province].append(pk)
        self.provinces = sorted(p for p in provinces if self.communes[p])
        self.weights = [
            len(self.communes[p]) * (2 if "Hà Nội" in provinces[p] else 1) for p in self.provinces
        ]
        self.legacy = defaultdict(list)
        for old, new in (
            Succession.objects.filter(old_unit__isnull=False, old_level="commune")
            .order_by("old_unit_id", "new_unit_id")
            .values_list("old_unit_id", "new_unit_id")
        ):
            self.legacy[new].append(old)
        groups = list(EthnicGroup.objects.order_by("code").values_list("pk", "code"))
        if not groups:
            raise ValueError("no ethnic groups: run `manage.py load_admin_units` first")
        self.kinh = next((pk for pk, code in groups if code == EthnicGroup.KINH), groups[0][0])
        self.minorities = [pk for pk, code in groups if code not in (EthnicGroup.KINH, "55")]

    def run(self) -> dict[str, int]:
        self._units()
        started = time.monotonic()
        prefix = f"G{self.seed}-"
        if Club.objects.filter(code__startswith=prefix).exists():
            raise ValueError(f"clubs coded {prefix}… exist already: use another seed")
        for first in range(0, self.n_clubs, BATCH):
            with transaction.atomic():
                self._batch(prefix, first, min(first + BATCH, self.n_clubs))
            done = min(first + BATCH, self.n_clubs)
            elapsed = time.monotonic() - started
            self.progress(
                f"{done:>7,}/{self.n_clubs:,} clubs  {self.counts['members']:>9,} members  "
                f"{self.counts['entries']:>10,} entries  {elapsed:6.0f} s"
            )
        return dict(self.counts)

    # One batch of clubs with everything in them.

    def _batch(self, prefix: str, first: int, last: int):
        rng, today = self.rng, self.today
        start = today.replace(year=today.year - self.years)
        clubs = []
        for i in range(first, last):
            province = rng.choices(self.provinces, self.weights)[0]
            commune = rng.choice(self.communes[province])
            hilly = rng.random() < 0.25
            founded = start + datetime.timedelta(days=rng.randint(0, (today - start).days - 200))
            legacy = self.legacy.get(commune)
            registered = rng.choice(legacy) if legacy and rng.random() < 0.4 else commune
            name = f"CLB Liên thế hệ {rng.choice(GIVEN)} {i + 1}"
            clubs.append(
                Club(
                    code=f"{prefix}{i + 1:06d}",
                    name=name,
                    search_name=fold(name),
                    village=f"Thôn {rng.randint(1, 12)}",
                    registered_unit_id=registered,
                    commune_id=commune,
                    province_id=province,
                    cohort=rng.choices(COHORTS, [25, 60, 5, 5, 5])[0],
                    founded_on=founded,
                    meeting_day=rng.randint(5, 25),
                    mountainous=hilly,
                    ethnic_minority_area=hilly and rng.random() < 0.6,
                    remote=rng.random() < 0.1,
                )
            )
        clubs = Club.objects.bulk_create(clubs)
        self.counts["clubs"] += len(clubs)
        history = [
            ClubStatusChange(club=c, status=ClubStatus.ACTIVE, since=c.founded_on) for c in clubs
        ]
        dissolved = []
        for c in clubs:
            if rng.random() < 0.02:
                when = c.founded_on + datetime.timedelta(days=rng.randint(60, 400))
                if when < today:
                    history.append(
                        ClubStatusChange(club=c, status=ClubStatus.DISSOLVED, since=when)
                    )
                    c.status = ClubStatus.DISSOLVED
                    dissolved.append(c.pk)
        ClubStatusChange.objects.bulk_create(history)
        Club.objects.filter(pk__in=dissolved).update(status=ClubStatus.DISSOLVED)

        members, periods = self._members(clubs)
        self._board(clubs, members)
        self._money(clubs, members, periods)
        self._meetings(clubs, members, periods)
        self._reports(clubs)

    def _members(self, clubs):
        rng, today = self.rng, self.today
        members = []
        for club in clubs:
            outside = rng.random() < 0.1
            size = rng.randint(30, 90) if outside else rng.randint(50, 70)
            women, older = (0.5, 0.45) if outside else (0.65, 0.64)
            for _j in range(size):
                sex = "F" if rng.random() < women else "M"
                old = rng.random() < older
                year = today.year - (rng.randint(60, 88) if old else rng.randint(25, 59))
                minority = club.mountainous and rng.random() < 0.5 or rng.random() < 0.04
                full = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN)}"
                members.append(
                    Member(
                        club=club,
                        full_name=full,
                        search_name=fold(full),
                        sex=sex,
                        birth_year=year,
                        ethnicity_id=rng.choice(self.minorities) if minority else self.kinh,
                        household=rng.choice(HOUSEHOLDS),
                        disabled=rng.random() < 0.05,
                        lives_alone=old and rng.random() < 0.08,
                        health_insurance=rng.random() < 0.9,
                    )
                )
        members = Member.objects.bulk_create(members, batch_size=5000)
        periods = []
        for m in members:
            founded = m.club.founded_on
            joined = founded + datetime.timedelta(days=rng.choice([0, 0, 0, rng.randint(0, 300)]))
            joined = min(joined, today)
            left = None
            if rng.random() < 0.04:
                left = joined + datetime.timedelta(days=rng.randint(30, 700))
                left = left if left < today else None
            periods.append(Membership(member=m, club=m.club, joined_on=joined, left_on=left))
        Membership.objects.bulk_create(periods, batch_size=5000)
        self.counts["members"] += len(members)
        self.counts["memberships"] += len(periods)
        return members, periods

    def _board(self, clubs, members):
        by_club = defaultdict(list)
        for m in members:
            by_club[m.club_id].append(m)
        rows = []
        for club in clubs:
            for member, position in zip(
                by_club[club.pk],
                [Position.CHAIR, Position.VICE_CHAIR, Position.ACCOUNTANT],
                strict=False,
            ):
                rows.append(
                    BoardPosition(
                        club=club, member=member, position=position, started_on=club.founded_on
                    )
                )
        BoardPosition.objects.bulk_create(rows)
        self.counts["board"] += len(rows)

    def _money(self, clubs, members, periods):
        rng, today = self.rng, self.today
        funds = Fund.objects.bulk_create(
            Fund(club=c, kind=k) for c in clubs for k in (FundKind.IGF, FundKind.ACTIVITY)
        )
        fund = {(f.club_id, f.kind): f for f in funds}
        current = [p for p in periods if p.left_on is None]
        by_club = defaultdict(list)
        for p in current:
            by_club[p.club_id].append(p)
        entries: list[Entry] = []
        loans: list[tuple[Loan, str]] = []
        for club in clubs:
            capital_on = club.founded_on + datetime.timedelta(days=14)
            capital = rng.randrange(100_000_000, 300_000_001, 10_000_000)
            entries.append(
                Entry(
                    fund=fund[(club.pk, FundKind.IGF)],
                    club=club,
                    date=capital_on,
                    kind=EntryKind.CAPITAL,
                    category=rng.choice([Category.COMMUNE_PC, Category.DONOR, Category.COMMUNITY]),
                    amount=capital,
                    counterpart="UBND xã",
                )
            )
            for month in _months_back(today, min(12, self.years * 12)):
                if month >= club.founded_on:
                    entries.append(
                        Entry(
                            fund=fund[(club.pk, FundKind.ACTIVITY)],
                            club=club,
                            date=month.replace(day=min(club.meeting_day or 10, 28)),
                            kind=EntryKind.INCOME,
                            category=Category.MEMBER_FEES,
                            amount=10_000 * len(by_club[club.pk]),
                        )
                    )
            # Loans to about a quarter of the members, within the capital.
            borrowers = rng.sample(by_club[club.pk], k=len(by_club[club.pk]) // 4)
            budget = capital
            for period in borrowers:
                amount = rng.randrange(3_000_000, 15_000_001, 500_000)
                if amount > budget:
                    break
                budget -= amount
                latest = max(period.joined_on, capital_on) + datetime.timedelta(days=1)
                span = (today - latest).days
                if span < 40:
                    continue
                on = latest + datetime.timedelta(days=rng.randint(0, min(span - 1, 900)))
                behaviour = rng.choices(list(BEHAVIOURS), list(BEHAVIOURS.values()))[0]
                loan = Loan(
                    club=club,
                    member_id=period.member_id,
                    amount=amount,
                    purpose=rng.choice(["Nuôi lợn", "Nuôi gà", "Trồng rau", "Buôn bán nhỏ"]),
                    months=rng.choice([6, 12, 12, 18, 24]),
                    annual_rate=Decimal(rng.choice(["0", "6", "7.2", "9.6"])),
                    method=rng.choice(["flat", "declining"]),
                    status=LoanStatus.ACTIVE,
                    applied_on=on,
                    approved_on=on,
                    approval_meeting="Họp tháng",
                    disbursed_on=on,
                    schedule_version=1,
                )
                loans.append((loan, behaviour))
        Loan.objects.bulk_create([loan for loan, _b in loans], batch_size=5000)
        lines, write_offs, reversed_pairs = [], [], []
        for loan, behaviour in loans:
            lines.extend(self._loan(loan, behaviour, fund, entries, write_offs, reversed_pairs))
        Instalment.objects.bulk_create(lines, batch_size=5000)
        Entry.objects.bulk_create(entries, batch_size=5000)
        # A reversal points at the entry it undoes, so it is written once that entry has its id.
        reversals = []
        for original, _loan in reversed_pairs:
            reversals.append(
                Entry(
                    fund=original.fund,
                    club_id=original.club_id,
                    date=original.date + datetime.timedelta(days=2),
                    kind=original.kind,
                    amount=-original.amount,
                    principal=-original.principal,
                    loan=original.loan,
                    member_id=original.member_id,
                    note="Ghi nhầm số tiền",
                    reverses=original,
                )
            )
        Entry.objects.bulk_create(reversals, batch_size=5000)
        WriteOff.objects.bulk_create(write_offs)
        Loan.objects.bulk_update(
            [loan for loan, _b in loans if loan.status != LoanStatus.ACTIVE],
            ["status", "closed_on"],
            batch_size=2000,
        )
        self.counts["loans"] += len(loans)
        self.counts["instalments"] += len(lines)
        self.counts["entries"] += len(entries) + len(reversals)

    def _loan(self, loan, behaviour, fund, entries, write_offs, reversed_pairs):
        """Schedule lines of one loan, and its entries appended to `entries`."""
        rng, today = self.rng, self.today
        rows = build_schedule(
            loan.amount, loan.annual_rate, loan.months, loan.method, loan.disbursed_on
        )
        lines, cum_p, cum_i = [], 0, 0
        for r in rows:
            cum_p += r.principal
            cum_i += r.interest
            lines.append(
                Instalment(
                    loan=loan,
                    version=1,
                    no=r.no,
                    due_date=r.due_date,
                    principal=r.principal,
                    interest=r.interest,
                    cum_principal=cum_p,
                    cum_interest=cum_i,
                    cum_total=cum_p + cum_i,
                )
            )
        igf, act = fund[(loan.club_id, FundKind.IGF)], fund[(loan.club_id, FundKind.ACTIVITY)]
        common = {"club_id": loan.club_id, "loan": loan, "member_id": loan.member_id}
        entries.append(
            Entry(
                fund=igf,
                date=loan.disbursed_on,
                kind=EntryKind.DISBURSEMENT,
                amount=-loan.amount,
                principal=loan.amount,
                **common,
            )
        )
        outstanding = loan.amount
        due = [r for r in rows if r.due_date <= today]
        if behaviour == "behind":
            due = due[: max(0, len(due) - rng.randint(1, 4))]
        if behaviour == "written_off":
            due = due[: len(due) // 2]
        early_at = rng.randint(1, max(1, len(due))) if behaviour == "early" else None
        for k, r in enumerate(due, start=1):
            late = rng.randint(15, 75) if behaviour == "late" and rng.random() < 0.5 else 0
            on = r.due_date + datetime.timedelta(days=late)
            if on > today:
                break
            principal = r.principal
            if behaviour == "partial" and k == len(due):
                principal //= 2
            if early_at == k:
                principal = outstanding
            principal = min(principal, outstanding)
            if r.interest:
                entries.append(
                    Entry(fund=act, date=on, kind=EntryKind.INTEREST, amount=r.interest, **common)
                )
            if principal:
                payment = Entry(
                    fund=igf,
                    date=on,
                    kind=EntryKind.PRINCIPAL,
                    amount=principal,
                    principal=-principal,
                    **common,
                )
                entries.append(payment)
                if behaviour == "reversed" and k == 1:
                    # Recorded twice by mistake: the second is reversed (after the bulk insert).
                    twice = Entry(
                        fund=igf,
                        date=on,
                        kind=EntryKind.PRINCIPAL,
                        amount=principal,
                        principal=-principal,
                        **common,
                    )
                    entries.append(twice)
                    reversed_pairs.append((twice, loan))
            outstanding -= principal
            if outstanding == 0:
                loan.status, loan.closed_on = LoanStatus.CLOSED, on
                break
        if behaviour == "written_off" and outstanding and due:
            on = due[-1].due_date + datetime.timedelta(days=120)
            if on < today:
                write_offs.append(
                    WriteOff(
                        loan=loan,
                        on=on,
                        reason="Thành viên mất khả năng trả nợ",
                        requested_by_id=self._user_id(),
                        status=WriteOffStatus.APPROVED,
                        decided_by_id=self._user_id(),
                        decided_at=timezone.now(),
                    )
                )
                entries.append(
                    Entry(
                        fund=igf,
                        date=on,
                        kind=EntryKind.WRITE_OFF,
                        amount=0,
                        principal=-outstanding,
                        **common,
                    )
                )
                loan.status, loan.closed_on = LoanStatus.WRITTEN_OFF, on
        return lines

    def _user_id(self) -> int:
        """The account the generated decisions are recorded under (created once)."""
        if not hasattr(self, "_uid"):
            from ishc.accounts.models import Role, User

            user, _created = User.objects.get_or_create(
                username="generator", defaults={"role": Role.CENTRAL, "first_name": "Generator"}
            )
            self._uid = user.pk
        return self._uid

    def _meetings(self, clubs, members, periods):
        rng = self.rng
        present = defaultdict(list)
        for p in periods:
            if p.left_on is None:
                present[p.club_id].append(p)
        meetings = []
        for club in clubs:
            if club.status != ClubStatus.ACTIVE:
                continue
            for month in _months_back(self.today, self.meeting_months):
                if month < club.founded_on or rng.random() < 0.05:
                    continue
                meetings.append(
                    Meeting(
                        club=club,
                        held_on=month.replace(day=min(club.meeting_day or 10, 28)),
                        topic=rng.choice(["Phòng chống tăng huyết áp", "Chăm sóc người cao tuổi"]),
                        culture_item=rng.random() < 0.6,
                    )
                )
        meetings = Meeting.objects.bulk_create(meetings, batch_size=5000)
        attendance, readings = [], []
        for meeting in meetings:
            for p in present[meeting.club_id]:
                if p.joined_on <= meeting.held_on and rng.random() < 0.8:
                    attendance.append(Attendance(meeting=meeting, member_id=p.member_id))
                    if rng.random() < 0.3:
                        systolic = rng.randint(105, 175)
                        readings.append(
                            Reading(
                                meeting=meeting,
                                member_id=p.member_id,
                                systolic=systolic,
                                diastolic=systolic - rng.randint(35, 60),
                            )
                        )
        Attendance.objects.bulk_create(attendance, batch_size=10000)
        Reading.objects.bulk_create(readings, batch_size=10000)
        records = []
        for club in clubs:
            for _k in range(rng.randint(2, 8)):
                on = self.today - datetime.timedelta(days=rng.randint(1, 365))
                if on >= club.founded_on:
                    kind = rng.choice(list(Kind))
                    records.append(
                        ActivityRecord(
                            club=club,
                            kind=kind,
                            on=on,
                            title=str(kind.label),
                            participants=rng.randint(5, 60),
                        )
                    )
        ActivityRecord.objects.bulk_create(records, batch_size=5000)
        self.counts["meetings"] += len(meetings)
        self.counts["attendance"] += len(attendance)
        self.counts["readings"] += len(readings)
        self.counts["activities"] += len(records)

    def _reports(self, clubs):
        """Monthly reports over the meeting months: older ones locked, then every later state,
        the last month often still a draft or not written."""
        rng, months = self.rng, _months_back(self.today, self.meeting_months)
        reports = []
        for club in clubs:
            if club.status != ClubStatus.ACTIVE:
                continue
            for age, month in enumerate(reversed(months)):
                if month < club.founded_on:
                    continue
                if age >= 3:
                    status = rng.choices([Status.LOCKED, Status.PROVINCE_APPROVED], [90, 10])[0]
                else:
                    status = rng.choice(
                        [Status.DRAFT, Status.SUBMITTED, Status.COMMUNE_APPROVED, None]
                    )
                if status is None:
                    continue
                reports.append(
                    MonthlyReport(
                        club=club,
                        month=month,
                        status=status,
                        first_submitted_on=None
                        if status == Status.DRAFT
                        else month + datetime.timedelta(days=35),
                    )
                )
        MonthlyReport.objects.bulk_create(reports, batch_size=5000)
        self.counts["reports"] += len(reports)
