"""One synthetic nation for the whole app: `manage.py generate_national_data`.

Benchmarks, load tests and an operator trying the system at national size need the same data:
clubs over the 34 provinces, members, boards, money, meetings, reports. Deterministic for a
seed (one random.Random drives everything, clubs are generated in a fixed order), written with
bulk inserts a few hundred clubs per transaction (COPY on PostgreSQL for the tables whose ids
nothing else needs), and shaped like the records the services write, so that every page and
every figure works on it:

- clubs spread over the provinces like the published figures (domain §1: Hà Nội 528 and
  Tuyên Quang 135 of ~8,400 clubs in 2024, the other provinces in proportion to their communes),
  ~40 % registered under a legacy commune that became their 2025 commune, ~2 % dissolved, the
  area flags of mountainous and minority areas;
- 50–70 members per club with ~65 % women and ~64 % aged 60+, one club in ten outside a band;
  ethnicity mostly Kinh, minorities in mountainous clubs; household, disability, insurance;
  a few members who left; a board of 5, 7 or 9 (chair, vice-chair, treasurer, members in
  charge of an area), groups with their leaders, home-care, economic and culture volunteers;
- both funds: capital from a recorded contribution, member fees, golden-heart and other
  income, expenses of every category and transfers to the loan fund, never spending more than
  the fund holds on the day; loans to about a quarter of the members (flat or declining),
  repaid on time, early, late, partly, reversed and re-entered, rescheduled (a second schedule
  version, as ishc.finance.services.reschedule writes it) or written off, plus applications
  still waiting, approved or rejected;
- a meeting a month over the last months with attendance and health readings, activity records
  of every kind (self-help and entitlement cases with their person, dialogues with proposals),
  people cared for at home and the volunteers' weekly visits;
- monthly reports in every state with their timeline (some sent back once), the figures frozen
  on submission as the workflow freezes them (ishc.reports.derived);
- yearly targets for every province, and the Steering Board's work: its agencies and members,
  quarterly meetings with conclusions, a workplan of tasks with progress notes in every status,
  contributions and training or communication events in every province.

Not generated: the document library (its files) and collection sheets; the demo data
(`seed_demo`) shows those. The test checks the result through the ledger and the figures.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ishc.accounts.models import Role, User
from ishc.activities.models import (
    ActivityRecord,
    Attendance,
    CaredPerson,
    CareReason,
    HelpType,
    Kind,
    Meeting,
    Outcome,
    Reading,
    Visit,
)
from ishc.board import models as board
from ishc.board.demo import AGENCIES, MEMBERS
from ishc.clubs.models import (
    BoardPosition,
    Club,
    ClubStatus,
    ClubStatusChange,
    Cohort,
    Group,
    Household,
    Member,
    Membership,
    Position,
    VolunteerKind,
    VolunteerRole,
)
from ishc.core.text import fold
from ishc.finance import monthly
from ishc.finance.models import (
    Category,
    Entry,
    EntryKind,
    Fund,
    FundKind,
    Instalment,
    Loan,
    LoanStatus,
    Reschedule,
    WriteOff,
    WriteOffStatus,
)
from ishc.finance.schedule import build_schedule
from ishc.finance.services import instalment_lines
from ishc.geo.models import EthnicGroup, Succession, Unit
from ishc.indicators.models import Comparison, Programme, Target
from ishc.reports.derived import derive
from ishc.reports.models import MonthlyReport, Status, Transition, due_date

BATCH = 250  # clubs per transaction
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = {"F": ["Thị", "Thị Thu", "Ngọc", "Thị Minh"], "M": ["Văn", "Đức", "Minh", "Quang"]}
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Sơn", "Tâm", "Hùng", "Yến"]
HOUSEHOLDS = [Household.AVERAGE] * 12 + [Household.NEAR_POOR] * 3 + [Household.POOR] * 3
HOUSEHOLDS += [Household.DIFFICULT, Household.BETTER_OFF]
COHORTS = [Cohort.P1533, Cohort.P1336, Cohort.P1648, Cohort.LOCAL, Cohort.DONOR]
# Clubs by province as published (domain §1, end 2024); the others share the rest by communes.
PUBLISHED = {"Hà Nội": 528, "Tuyên Quang": 135}
PUBLISHED_TOTAL = 8432
LEGACY_SHARE = 0.4
# Where each club's loan capital came from: the capital entry's category and the contribution's.
CAPITAL_SOURCES = {
    Category.COMMUNE_PC: (board.SourceType.COMMUNE_BUDGET, "UBND xã"),
    Category.ASSOCIATION: (board.SourceType.ASSOCIATION, "Hội Người cao tuổi tỉnh"),
    Category.DONOR: (board.SourceType.INTERNATIONAL_ORG, "HelpAge International"),
    Category.COMMUNITY: (board.SourceType.ENTERPRISE, "Doanh nghiệp địa phương"),
}
EXPENSES = [Category.VISITS, Category.HARDSHIP, Category.HEALTH, Category.CULTURE]
EXPENSES += [Category.EQUIPMENT, Category.OTHER]
# How each loan is repaid, and how often.
BEHAVIOURS = {
    "on_time": 52,
    "late": 14,
    "partial": 8,
    "early": 8,
    "behind": 7,
    "reversed": 4,
    "rescheduled": 4,
    "written_off": 3,
}
AREAS = ["Chăm sóc sức khỏe", "Tăng thu nhập", "Văn hóa văn nghệ", "Chăm sóc tại nhà"]
AREAS += ["Quyền và quyền lợi", "Tự giúp nhau"]
SERVICES = ["Hỏi thăm, đo huyết áp", "Dọn dẹp nhà cửa", "Nấu cơm, tắm rửa", "Đưa đi khám bệnh"]
TASKS = [
    ("Tập huấn ban chủ nhiệm CLB mới", board.ActivityGroup.TRAINING),
    ("Biên soạn tài liệu hướng dẫn hoạt động CLB", board.ActivityGroup.TRAINING),
    ("Hướng dẫn thành lập CLB mới tại các tỉnh", board.ActivityGroup.CLUBS),
    ("Kiểm tra, đánh giá hoạt động CLB", board.ActivityGroup.CLUBS),
    ("Tuyên truyền mô hình CLB trên báo chí, truyền hình", board.ActivityGroup.COMMUNICATION),
    ("Vận động doanh nghiệp hỗ trợ vốn cho CLB", board.ActivityGroup.RESOURCES),
    ("Hội thảo chia sẻ kinh nghiệm quốc tế", board.ActivityGroup.INTERNATIONAL),
]


def _months_back(today: datetime.date, n: int) -> list[datetime.date]:
    """First days of the n months before this one, oldest first."""
    months, month = [], today.replace(day=1)
    for _i in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def _insert(model, rows: list) -> None:
    """Rows whose ids nothing needs afterwards, written without the ORM's per-value preparation:
    COPY on PostgreSQL, one executemany elsewhere. Several times faster than bulk_create for
    the big tables (attendance, readings, schedule lines, entries, visits); the values are the
    instances' own (foreign keys as ids), which needs no preparation for these column types."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if any(f.get_internal_type() == "JSONField" for f in fields):
        raise TypeError(f"{model.__name__}: JSON columns need bulk_create")
    # The creation stamps save() would set, once for all rows, as the backend stores them.
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    stamped = [
        i
        for i, f in enumerate(fields)
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    get = attrgetter(*(f.attname for f in fields))

    def values(row):
        v = list(get(row))
        for i in stamped:
            v[i] = stamp
        return v

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", [values(r) for r in rows]
            )


def _analyze() -> None:
    """Planner statistics for the tables just filled. Without them SQLite reads "not a reversal"
    (entries' `reverses` IS NULL, true of nearly every entry) through that column's index and
    walks every entry once per instalment in the on-time figure the reports freeze: 25 s
    instead of 0.06 s for one month of 100 clubs."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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
        # Club id → the day it was dissolved: it collects no fee, spends nothing, lends nothing
        # and meets no more from that day (the books of a club that stopped working stop too).
        self.dissolved: dict[int, datetime.date] = {}
        self.rng = random.Random(seed)
        self.progress = progress or (lambda text: None)
        self.counts: dict[str, int] = defaultdict(int)

    # Set-up read once: provinces, communes, legacy predecessors, ethnic groups.

    def _units(self):
        provinces = dict(Unit.objects.provinces().values_list("pk", "name"))
        if not provinces:
            raise ValueError("no 2025 provinces: run `manage.py load_admin_units` first")
        self.communes = defaultdict(list)
        for pk, province in Unit.objects.communes().order_by("pk").values_list("pk", "province_id"):
            self.communes[province].append(pk)
        self.provinces = sorted(p for p in provinces if self.communes[p])
        self.weights = self._weights(provinces)
        self.legacy = defaultdict(list)
        for old, new in (
            Succession.objects.filter(old_unit__isnull=False, old_level="commune")
            .order_by("old_unit_id", "new_unit_id")
            .values_list("old_unit_id", "new_unit_id")
        ):
            self.legacy[new].append(old)
        # 2025 communes formed from legacy ones, by province: where a legacy registration can be.
        self.with_legacy = {
            p: [c for c in self.communes[p] if self.legacy.get(c)] for p in self.provinces
        }
        groups = list(EthnicGroup.objects.order_by("code").values_list("pk", "code"))
        if not groups:
            raise ValueError("no ethnic groups: run `manage.py load_admin_units` first")
        self.kinh = next((pk for pk, code in groups if code == EthnicGroup.KINH), groups[0][0])
        self.minorities = [pk for pk, code in groups if code not in (EthnicGroup.KINH, "55")]
        self.minorities = self.minorities or [self.kinh]

    def _weights(self, names: dict[int, str]) -> list[float]:
        """Each province's share of the clubs: the published count where there is one, the rest
        of the nation shared out in proportion to the provinces' communes."""
        published = {
            p: next((n for key, n in PUBLISHED.items() if key in names[p]), None)
            for p in self.provinces
        }
        rest = [p for p in self.provinces if published[p] is None]
        rest_communes = sum(len(self.communes[p]) for p in rest) or 1
        rest_share = 1 - sum(n for n in published.values() if n) / PUBLISHED_TOTAL
        return [
            published[p] / PUBLISHED_TOTAL
            if published[p] is not None
            else rest_share * len(self.communes[p]) / rest_communes
            for p in self.provinces
        ]

    def run(self) -> dict[str, int]:
        self._units()
        started = time.monotonic()
        prefix = f"G{self.seed}-"
        if Club.objects.filter(code__startswith=prefix).exists():
            raise ValueError(f"clubs coded {prefix}… exist already: use another seed")
        with transaction.atomic():
            self._steering_board()
            self._targets()
        for first in range(0, self.n_clubs, BATCH):
            with transaction.atomic():
                self._batch(prefix, first, min(first + BATCH, self.n_clubs))
            done = min(first + BATCH, self.n_clubs)
            elapsed = time.monotonic() - started
            self.progress(
                f"{done:>7,}/{self.n_clubs:,} clubs  {self.counts['members']:>9,} members  "
                f"{self.counts['entries']:>10,} entries  {elapsed:6.0f} s"
            )
        _analyze()
        return dict(self.counts)

    def _user_id(self) -> int:
        """The account the generated decisions are recorded under (created once)."""
        if not hasattr(self, "_uid"):
            user, _created = User.objects.get_or_create(
                username="generator", defaults={"role": Role.CENTRAL, "first_name": "Generator"}
            )
            self._uid = user.pk
        return self._uid

    # One batch of clubs with everything in them.

    def _batch(self, prefix: str, first: int, last: int):
        rng, today = self.rng, self.today
        start = today.replace(year=today.year - self.years)
        clubs = []
        for i in range(first, last):
            province = rng.choices(self.provinces, self.weights)[0]
            hilly = rng.random() < 0.25
            founded = start + datetime.timedelta(days=rng.randint(0, (today - start).days - 200))
            if self.with_legacy[province] and rng.random() < LEGACY_SHARE:
                commune = rng.choice(self.with_legacy[province])
                registered = rng.choice(self.legacy[commune])
            else:
                commune = registered = rng.choice(self.communes[province])
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
                    self.dissolved[c.pk] = when
        ClubStatusChange.objects.bulk_create(history)
        Club.objects.filter(pk__in=dissolved).update(status=ClubStatus.DISSOLVED)

        members, periods = self._members(clubs)
        current = defaultdict(list)  # club id → periods still open, in member order
        for p in periods:
            if p.left_on is None:
                current[p.club_id].append(p)
        self._board(clubs, current)
        volunteers = self._volunteers(clubs, current)
        self._money(clubs, current)
        self._meetings(clubs, current)
        self._activities(clubs, current)
        self._home_care(clubs, current, volunteers)
        if first == 0:
            _analyze()  # the first batch is a fair sample of the rest
        self._reports(clubs)

    def _members(self, clubs):
        rng, today = self.rng, self.today
        groups = Group.objects.bulk_create(
            Group(club=c, name=f"Tổ {k}") for c in clubs for k in range(1, rng.randint(3, 5) + 1)
        )
        by_club = defaultdict(list)
        for g in groups:
            by_club[g.club_id].append(g)
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
                        allowance=rng.choices(["", "pension", "social"], [70, 15, 15])[0]
                        if old
                        else "",
                        group=rng.choice(by_club[club.pk]),
                    )
                )
        members = Member.objects.bulk_create(members, batch_size=5000)
        periods = []
        for m in members:
            founded = m.club.founded_on
            joined = founded + datetime.timedelta(days=rng.choice([0, 0, 0, rng.randint(0, 300)]))
            joined = min(joined, today)
            left, reason = None, ""
            if rng.random() < 0.04:
                left = joined + datetime.timedelta(days=rng.randint(30, 700))
                left, reason = (left, "Chuyển nơi ở") if left < today else (None, "")
            periods.append(
                Membership(
                    member=m, club=m.club, joined_on=joined, left_on=left, leave_reason=reason
                )
            )
        _insert(Membership, periods)
        # Each group's leader is its first member still in the club.
        leaders = {}
        for p in periods:
            if p.left_on is None:
                leaders.setdefault(p.member.group_id, p.member_id)
        for g in groups:
            g.leader_id = leaders.get(g.pk)
        Group.objects.bulk_update(groups, ["leader"], batch_size=2000)
        self.counts["members"] += len(members)
        self.counts["memberships"] += len(periods)
        self.counts["groups"] += len(groups)
        return members, periods

    def _board(self, clubs, current):
        """A board of 5, 7 or 9 current members from the day each joined; in one club in five
        the first chair stepped down and the vice-chair took over."""
        rng, rows = self.rng, []
        for club in clubs:
            people = current[club.pk]
            size = min(rng.choice([5, 7, 9]), len(people))
            positions = [Position.CHAIR, Position.VICE_CHAIR, Position.ACCOUNTANT]
            positions += [Position.AREA] * (size - 3)
            for k, (p, position) in enumerate(zip(people, positions, strict=False)):
                rows.append(
                    BoardPosition(
                        club=club,
                        member_id=p.member_id,
                        position=position,
                        area=AREAS[k % len(AREAS)] if position == Position.AREA else "",
                        started_on=p.joined_on,
                    )
                )
            if size >= 5 and rng.random() < 0.2:
                chair, vice = rows[-size], rows[-size + 1]
                handover = max(chair.started_on, vice.started_on)
                handover += datetime.timedelta(days=rng.randint(30, 400))
                if handover < self.today:
                    chair.ended_on = handover
                    rows.append(
                        BoardPosition(
                            club=club,
                            member_id=vice.member_id,
                            position=Position.CHAIR,
                            started_on=handover,
                        )
                    )
        BoardPosition.objects.bulk_create(rows)
        self.counts["board"] += len(rows)

    def _volunteers(self, clubs, current):
        """Home-care volunteers (5–8 a club, the standard's minimum is 5), economic-development
        volunteers and a culture team, among current members, from the day each joined."""
        rng, rows = self.rng, []
        for club in clubs:
            people = current[club.pk]
            picked = rng.sample(people, k=min(len(people), rng.randint(9, 16)))
            kinds = [VolunteerKind.HOME_CARE] * rng.randint(5, 8) + [VolunteerKind.ECONOMIC] * 2
            for p, kind in zip(picked, kinds + [VolunteerKind.CULTURE] * 8, strict=False):
                rows.append(
                    VolunteerRole(
                        club=club, member_id=p.member_id, kind=kind, started_on=p.joined_on
                    )
                )
        rows = VolunteerRole.objects.bulk_create(rows, batch_size=5000)
        self.counts["volunteers"] += len(rows)
        home_care = defaultdict(list)
        for r in rows:
            if r.kind == VolunteerKind.HOME_CARE:
                home_care[r.club_id].append(r)
        return home_care

    # Money.

    def _money(self, clubs, current):
        rng, today = self.rng, self.today
        uid = self._user_id()
        funds = Fund.objects.bulk_create(
            Fund(club=c, kind=k) for c in clubs for k in (FundKind.IGF, FundKind.ACTIVITY)
        )
        fund = {(f.club_id, f.kind): f for f in funds}
        # Each club's loan capital comes from a contribution recorded for it (resources
        # mobilised), and its capital entry names that contribution, as the two books expect.
        capital = []
        for club in clubs:
            source = rng.choices(list(CAPITAL_SOURCES), [40, 20, 25, 15])[0]
            source_type, source_name = CAPITAL_SOURCES[source]
            capital.append(
                (
                    club,
                    source,
                    board.Contribution(
                        received_on=club.founded_on + datetime.timedelta(days=7),
                        source_type=source_type,
                        source_name=source_name,
                        kind=board.ContributionKind.CASH,
                        amount=rng.randrange(100_000_000, 300_000_001, 10_000_000),
                        club=club,
                        purpose=board.Purpose.LOAN_CAPITAL,
                        created_by_id=uid,
                    ),
                )
            )
        board.Contribution.objects.bulk_create([c for _club, _s, c in capital])
        self.counts["contributions"] += len(capital)
        entries: list[Entry] = []
        loans: list[tuple[Loan, str]] = []
        for club, source, contribution in capital:
            capital_on = club.founded_on + datetime.timedelta(days=14)
            entries.append(
                Entry(
                    fund=fund[(club.pk, FundKind.IGF)],
                    club=club,
                    date=capital_on,
                    kind=EntryKind.CAPITAL,
                    category=source,
                    amount=contribution.amount,
                    counterpart=contribution.source_name,
                    contribution=contribution,
                )
            )
            until = self.dissolved.get(club.pk, today)
            for month in _months_back(today, min(12, self.years * 12)):
                collected = month.replace(day=min(club.meeting_day or 10, 28))
                if month >= club.founded_on and collected < until:
                    entries.append(
                        Entry(
                            fund=fund[(club.pk, FundKind.ACTIVITY)],
                            club=club,
                            date=collected,
                            kind=EntryKind.INCOME,
                            category=Category.MEMBER_FEES,
                            amount=10_000 * len(current[club.pk]),
                        )
                    )
            # Loans to about a quarter of the members, within the capital.
            borrowers = rng.sample(current[club.pk], k=len(current[club.pk]) // 4)
            budget = contribution.amount
            for period in borrowers:
                amount = rng.randrange(3_000_000, 15_000_001, 500_000)
                if amount > budget:
                    break
                latest = max(period.joined_on, capital_on) + datetime.timedelta(days=1)
                span = (until - latest).days
                if span < 40:
                    continue
                on = latest + datetime.timedelta(days=rng.randint(0, min(span - 1, 900)))
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
                waiting = rng.random()
                if waiting < 0.06 and club.pk not in self.dissolved:
                    # An application still open, approved but not paid out, or refused: no
                    # money moves and no schedule exists yet.
                    loan.status = [LoanStatus.APPLIED, LoanStatus.APPROVED, LoanStatus.REJECTED][
                        int(waiting / 0.02)
                    ]
                    loan.applied_on = today - datetime.timedelta(days=rng.randint(1, 30))
                    loan.approved_on = loan.applied_on if loan.status == "approved" else None
                    loan.approval_meeting = "Họp tháng" if loan.status == "approved" else ""
                    loan.disbursed_on, loan.schedule_version = None, 0
                    loans.append((loan, "waiting"))
                    continue
                budget -= amount
                behaviour = rng.choices(list(BEHAVIOURS), list(BEHAVIOURS.values()))[0]
                loans.append((loan, behaviour))
        Loan.objects.bulk_create([loan for loan, _b in loans], batch_size=5000)
        lines, write_offs, reversed_pairs, reschedules = [], [], [], []
        for loan, behaviour in loans:
            if behaviour != "waiting":
                lines.extend(
                    self._loan(
                        loan, behaviour, fund, entries, write_offs, reversed_pairs, reschedules
                    )
                )
        entries.extend(self._spending(clubs, fund, entries))
        _insert(Instalment, lines)
        # The entries a reversal points at need their ids: those go in with bulk_create.
        twice = {id(original) for original, _loan in reversed_pairs}
        _insert(Entry, [e for e in entries if id(e) not in twice])
        Entry.objects.bulk_create([original for original, _loan in reversed_pairs])
        reversals = []
        for original, _loan in reversed_pairs:
            reversals.append(
                Entry(
                    fund=original.fund,
                    club_id=original.club_id,
                    # Never after today: the services refuse a future date, and the months'
                    # sums (finance.monthly) rely on it.
                    date=min(original.date + datetime.timedelta(days=2), today),
                    kind=original.kind,
                    amount=-original.amount,
                    principal=-original.principal,
                    loan=original.loan,
                    member_id=original.member_id,
                    note="Ghi nhầm số tiền",
                    reverses=original,
                )
            )
        _insert(Entry, reversals)
        # Bulk inserts bypass Entry.save(), which keeps the months' sums: made from the entries.
        monthly.rebuild([c.pk for c in clubs])
        WriteOff.objects.bulk_create(write_offs)
        Reschedule.objects.bulk_create(reschedules)
        Loan.objects.bulk_update(
            [loan for loan, b in loans if loan.status != LoanStatus.ACTIVE or b == "rescheduled"],
            ["status", "closed_on", "schedule_version"],
            batch_size=2000,
        )
        self.counts["loans"] += len(loans)
        self.counts["instalments"] += len(lines)
        self.counts["entries"] += len(entries) + len(reversals)
        self.counts["reschedules"] += len(reschedules)
        self.counts["write_offs"] += len(write_offs)

    def _loan(self, loan, behaviour, fund, entries, write_offs, reversed_pairs, reschedules):
        """Schedule lines of one loan, and its entries appended to `entries`."""
        rng, today = self.rng, self.today
        rows = build_schedule(
            loan.amount, loan.annual_rate, loan.months, loan.method, loan.disbursed_on
        )
        lines = instalment_lines(loan, 1, rows, None, None)
        igf = fund[(loan.club_id, FundKind.IGF)]
        interest_fund = fund[(loan.club_id, settings.ISHC["LOAN_INTEREST_FUND"])]
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
        # A rescheduled loan: after a few instalments paid on time, the member asks for a
        # longer term; the rest of the old schedule is never paid.
        moved_at = rng.randint(1, 3) if behaviour == "rescheduled" and len(rows) > 4 else None
        paid_on = loan.disbursed_on
        k = 0
        while k < len(due):
            r = due[k]
            k += 1
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
                    Entry(
                        fund=interest_fund,
                        date=on,
                        kind=EntryKind.INTEREST,
                        amount=r.interest,
                        **common,
                    )
                )
            if principal:
                entries.append(
                    Entry(
                        fund=igf,
                        date=on,
                        kind=EntryKind.PRINCIPAL,
                        amount=principal,
                        principal=-principal,
                        **common,
                    )
                )
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
            paid_on = on
            if outstanding == 0:
                loan.status, loan.closed_on = LoanStatus.CLOSED, on
                break
            if moved_at == k:
                moved = self._reschedule(loan, rows, k, outstanding, paid_on, reschedules)
                if moved is None:
                    break
                new_rows, carried = moved
                lines.extend(carried)
                due = [r for r in new_rows if r.due_date <= today]
                k, moved_at = 0, None
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

    def _reschedule(self, loan, rows, paid, outstanding, paid_on, reschedules):
        """Spread the outstanding principal over a new term a few days after the last payment:
        the new schedule's rows and its stored lines, or None when that day is not past yet."""
        rng = self.rng
        on = paid_on + datetime.timedelta(days=rng.randint(1, 20))
        if on >= self.today:
            return None
        months = rng.choice([12, 18, 24])
        interest_due = sum(r.interest for r in rows if r.due_date <= on)
        new_rows = build_schedule(outstanding, loan.annual_rate, months, loan.method, on)
        loan.schedule_version = 2
        reschedules.append(
            Reschedule(
                loan=loan,
                version=2,
                on=on,
                months=months,
                reason="Thành viên gặp khó khăn do thiên tai, xin giãn thời hạn trả nợ",
                recorded_by_id=self._user_id(),
            )
        )
        lines = instalment_lines(loan, 2, new_rows, (loan.amount - outstanding, interest_due), on)
        return new_rows, lines

    def _spending(self, clubs, fund, entries) -> list[Entry]:
        """The Activity Fund's other income, its expenses and a transfer to the loan fund now and
        then, month by month; an outflow never exceeds what the fund holds on its day (the
        service's cash check), so no day's balance is ever negative."""
        rng, today = self.rng, self.today
        inflows = defaultdict(list)
        for e in entries:
            if e.fund.kind == FundKind.ACTIVITY:
                inflows[e.club_id].append((e.date, e.amount))
        rows = []
        for club in clubs:
            act, igf = fund[(club.pk, FundKind.ACTIVITY)], fund[(club.pk, FundKind.IGF)]
            flows = sorted(inflows[club.pk])
            i = balance = 0
            until = self.dissolved.get(club.pk, today)
            for month in _months_back(today, min(12, self.years * 12)):
                day = month.replace(day=rng.randint(20, 28))
                if month < club.founded_on or day >= until:
                    continue
                while i < len(flows) and flows[i][0] <= day:
                    balance += flows[i][1]
                    i += 1
                common = {"club": club, "date": day}
                if rng.random() < 0.3:
                    gift = rng.randrange(200_000, 2_000_001, 100_000)
                    category = rng.choice(
                        [Category.GOLDEN_HEART, Category.COLLECTIVE_WORK, Category.SUPPORT]
                    )
                    rows.append(
                        Entry(
                            fund=act,
                            kind=EntryKind.INCOME,
                            category=category,
                            amount=gift,
                            **common,
                        )
                    )
                    balance += gift
                spend = balance * rng.randint(10, 40) // 100 // 10_000 * 10_000
                if spend:
                    rows.append(
                        Entry(
                            fund=act,
                            kind=EntryKind.EXPENSE,
                            category=rng.choice(EXPENSES),
                            amount=-spend,
                            **common,
                        )
                    )
                    balance -= spend
                if month.month in (6, 12) and balance >= 1_000_000 and rng.random() < 0.5:
                    move = balance // 2 // 100_000 * 100_000
                    note = "Bổ sung vốn Quỹ tăng thu nhập"
                    rows.append(
                        Entry(
                            fund=act, kind=EntryKind.TRANSFER_OUT, amount=-move, note=note, **common
                        )
                    )
                    rows.append(
                        Entry(
                            fund=igf, kind=EntryKind.TRANSFER_IN, amount=move, note=note, **common
                        )
                    )
                    balance -= move
        return rows

    # Meetings, activities, home care.

    def _meetings(self, clubs, current):
        rng = self.rng
        meetings = []
        for club in clubs:
            until = self.dissolved.get(club.pk, self.today)
            for month in _months_back(self.today, self.meeting_months):
                held_on = month.replace(day=min(club.meeting_day or 10, 28))
                if month < club.founded_on or held_on >= until or rng.random() < 0.05:
                    continue
                meetings.append(
                    Meeting(
                        club=club,
                        held_on=held_on,
                        topic=rng.choice(["Phòng chống tăng huyết áp", "Chăm sóc người cao tuổi"]),
                        culture_item=rng.random() < 0.6,
                    )
                )
        meetings = Meeting.objects.bulk_create(meetings, batch_size=5000)
        self._met = {(m.club_id, m.held_on.replace(day=1)) for m in meetings}
        attendance, readings = [], []
        for meeting in meetings:
            for p in current[meeting.club_id]:
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
                                weight_kg=Decimal(rng.randint(380, 720)) / 10,
                            )
                        )
        _insert(Attendance, attendance)
        _insert(Reading, readings)
        self.counts["meetings"] += len(meetings)
        self.counts["attendance"] += len(attendance)
        self.counts["readings"] += len(readings)

    def _activities(self, clubs, current):
        """Dated activities of every kind over the last year, with the fields each kind needs
        (ishc.activities.services.record_activity): the person helped and the help, the
        entitlement and its outcome, a dialogue's proposals."""
        rng, today, records = self.rng, self.today, []
        kinds = list(Kind)
        for club in clubs:
            if club.status != ClubStatus.ACTIVE:
                continue
            for _k in range(rng.randint(4, 10)):
                on = today - datetime.timedelta(days=rng.randint(1, 365))
                if on < club.founded_on:
                    continue
                kind = rng.choice(kinds)
                record = ActivityRecord(
                    club=club,
                    kind=kind,
                    on=on,
                    title=str(kind.label),
                    participants=rng.randint(5, 60),
                )
                if kind in (Kind.SELF_HELP, Kind.ENTITLEMENT):
                    there = [p for p in current[club.pk] if p.joined_on <= on]
                    if there and rng.random() < 0.7:
                        record.member_id = rng.choice(there).member_id
                    else:
                        record.person_name = f"Cụ {rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
                if kind == Kind.SELF_HELP:
                    record.help_type = rng.choice(list(HelpType))
                    if record.help_type == HelpType.LABOUR:
                        record.labour_days = rng.randint(1, 10)
                    else:
                        record.value_vnd = rng.randrange(200_000, 3_000_001, 100_000)
                if kind == Kind.ENTITLEMENT:
                    record.entitlement = rng.choice(
                        ["Trợ cấp xã hội hằng tháng", "Thẻ bảo hiểm y tế", "Hỗ trợ hộ nghèo"]
                    )
                    record.outcome = rng.choice(list(Outcome))
                if kind == Kind.DIALOGUE:
                    record.proposals = rng.randint(1, 5)
                    record.proposals_resolved = rng.randint(0, record.proposals)
                records.append(record)
        _insert(ActivityRecord, records)
        self.counts["activities"] += len(records)

    def _home_care(self, clubs, current, volunteers):
        """People cared for at home (mostly older members, some neighbours), and a visit a week
        by a home-care volunteer serving that day over the meeting months."""
        rng, today = self.rng, self.today
        people = []
        for club in clubs:
            if club.status != ClubStatus.ACTIVE or not volunteers[club.pk]:
                continue
            for _k in range(rng.randint(2, 6)):
                since = max(club.founded_on, today - datetime.timedelta(days=rng.randint(30, 700)))
                person = CaredPerson(club=club, reason=rng.choice(list(CareReason)), since=since)
                there = [p for p in current[club.pk] if p.joined_on <= since]
                if there and rng.random() < 0.7:
                    person.member_id = rng.choice(there).member_id
                else:
                    person.full_name = f"Cụ {rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
                if rng.random() < 0.1:
                    until = since + datetime.timedelta(days=rng.randint(30, 200))
                    person.until = until if until < today else None
                people.append(person)
        people = CaredPerson.objects.bulk_create(people, batch_size=5000)
        first = _months_back(today, self.meeting_months)[0]
        visits = []
        for person in people:
            day = max(person.since, first)
            last = min(person.until or today, today)
            while day <= last:
                serving = [v for v in volunteers[person.club_id] if v.started_on <= day]
                if serving and rng.random() < 0.85:
                    visits.append(
                        Visit(
                            person=person,
                            volunteer=rng.choice(serving),
                            on=day,
                            services=rng.choice(SERVICES),
                        )
                    )
                day += datetime.timedelta(days=rng.randint(5, 9))
        _insert(Visit, visits)
        self.counts["cared_people"] += len(people)
        self.counts["visits"] += len(visits)

    # Reports.

    def _reports(self, clubs):
        """Monthly reports over the meeting months: older ones locked, the last ones anywhere in
        the workflow, one in ten sent back once. What the club sent is frozen in the report as
        submission freezes it (ishc.reports.derived.derive), with the timeline of its steps."""
        rng, today = self.rng, self.today
        months = _months_back(today, self.meeting_months)
        active = [c for c in clubs if c.status == ClubStatus.ACTIVE]
        # The batch as a range of ids: given as a list of ids instead, SQLite scans every club
        # and the fund figures take a hundred times longer (2.3 s instead of 0.02 s for 100).
        batch = Club.objects.filter(pk__gte=clubs[0].pk, pk__lte=clubs[-1].pk)
        frozen = {m: derive(batch, m) for m in months}
        reports, steps = [], []
        for club in active:
            for age, month in enumerate(reversed(months)):
                if month < club.founded_on:
                    continue
                if age >= 3:
                    status = rng.choices([Status.LOCKED, Status.PROVINCE_APPROVED], [90, 10])[0]
                else:
                    status = rng.choice(
                        [
                            Status.DRAFT,
                            Status.SUBMITTED,
                            Status.COMMUNE_APPROVED,
                            Status.PROVINCE_APPROVED,
                            None,
                        ]
                    )
                if status is None:
                    continue
                path = {
                    Status.DRAFT: [],
                    Status.SUBMITTED: ["submit"],
                    Status.COMMUNE_APPROVED: ["submit", "approve"],
                    Status.PROVINCE_APPROVED: ["submit", "approve", "approve"],
                    Status.LOCKED: ["submit", "approve", "approve", "lock"],
                }[status]
                if rng.random() < 0.1:
                    path = ["submit", "reject", *path]
                report = MonthlyReport(club=club, month=month, status=status)
                if path:
                    figures = frozen[month][club.pk]
                    report.difficulties = "Một số thành viên chưa trả nợ đúng hạn."
                    report.proposals = "Đề nghị xã hỗ trợ thêm vốn cho Quỹ tăng thu nhập."
                    report.figures = figures if status != Status.DRAFT else {}
                    report.previous_figures = figures if "reject" in path else {}
                    sent = due_date(month) + datetime.timedelta(
                        days=rng.randint(-4, 1) if rng.random() < 0.85 else rng.randint(2, 25)
                    )
                    next_month = due_date(month).replace(day=1)
                    report.first_submitted_on = min(max(sent, next_month), today)
                if (club.pk, month) not in self._met:
                    report.no_meeting_reason = "Thời tiết xấu, hoãn họp sang tháng sau."
                reports.append((report, path))
        MonthlyReport.objects.bulk_create([r for r, _p in reports], batch_size=5000)
        uid = self._user_id()
        for report, path in reports:
            state = Status.DRAFT
            for action in path:
                after = {
                    "submit": Status.SUBMITTED,
                    "reject": Status.DRAFT,
                    "lock": Status.LOCKED,
                    "approve": Status.COMMUNE_APPROVED
                    if state == Status.SUBMITTED
                    else Status.PROVINCE_APPROVED,
                }[action]
                steps.append(
                    Transition(
                        report=report,
                        action=action,
                        from_status=state,
                        to_status=after,
                        user_id=uid,
                        reason="Thiếu số liệu buổi họp tháng" if action == "reject" else "",
                    )
                )
                state = after
        _insert(Transition, steps)
        self.counts["reports"] += len(reports)
        self.counts["transitions"] += len(steps)

    # The nation's own level: targets and the Steering Board.

    def _years(self) -> list[int]:
        return list(range(self.today.year - self.years + 1, self.today.year + 1))

    def _targets(self):
        """Yearly province targets under the programme running that year: new clubs (the
        province's share of ~1,200 a year, Decision 1648's pace) and the women's band."""
        programmes = {p.code: p for p in Programme.objects.filter(code__in=["1336", "1648"])}
        have = set(
            Target.objects.filter(unit__isnull=False, year__isnull=False).values_list(
                "unit_id", "year", "indicator"
            )
        )
        rows = []
        for year in self._years():
            programme = programmes.get("1648" if year >= 2025 else "1336")
            if programme is None or not programme.starts_on.year <= year:
                continue
            for province, weight in zip(self.provinces, self.weights, strict=True):
                if (province, year, "clubs_new") in have:
                    continue
                rows.append(
                    Target(
                        programme=programme,
                        year=year,
                        indicator="clubs_new",
                        unit_id=province,
                        value=max(1, round(1200 * weight)),
                    )
                )
                rows.append(
                    Target(
                        programme=programme,
                        year=year,
                        indicator="members_women",
                        unit_id=province,
                        comparison=Comparison.BAND,
                        value=60,
                        value_high=70,
                    )
                )
        Target.objects.bulk_create(rows)
        self.counts["targets"] += len(rows)

    def _steering_board(self):
        """The Steering Board's work over the years, written once (a second nation in the same
        database shares it): quarterly meetings with conclusions, one of each turned into a
        task; a yearly workplan whose past tasks are mostly done and whose current ones are in
        every status, late ones included; national and provincial contributions; training and
        communication events in every province."""
        if board.Meeting.objects.exists():
            return
        rng, today, uid = self.rng, self.today, self._user_id()
        agencies = {}
        for name, short, kind in AGENCIES:
            agency, _created = board.Agency.objects.get_or_create(
                name=name, defaults={"short_name": short, "kind": kind}
            )
            agencies[short or name] = agency
        start = datetime.date(self._years()[0], 1, 1)
        members = []
        for key, full_name, position, is_chair in MEMBERS:
            member = board.BoardMember.objects.filter(full_name=full_name).first()
            members.append(
                member
                or board.BoardMember.objects.create(
                    full_name=full_name,
                    agency=agencies[key],
                    position=position,
                    is_chair=is_chair,
                    term_start=start,
                )
            )
        chair = next(m for m in members if m.is_chair)
        agency_list = list(agencies.values())
        tasks, notes, contributions, events = [], [], [], []
        for year in self._years():
            for quarter in range(1, 5):
                held = datetime.date(year, 3 * quarter, 15)
                if held >= today:
                    break
                meeting = board.Meeting.objects.create(
                    held_on=held,
                    title=f"Họp Ban Điều hành quý {quarter}/{year}",
                    place="Trung ương Hội NCT Việt Nam, Hà Nội",
                    chair=chair,
                    agenda="Đánh giá kết quả quý, thống nhất nhiệm vụ quý tới.",
                    created_by_id=uid,
                )
                meeting.participants.set(members)
                conclusions = board.Conclusion.objects.bulk_create(
                    board.Conclusion(meeting=meeting, number=n, text=f"{title}, quý {quarter}")
                    for n, (title, _group) in enumerate(rng.sample(TASKS, 3), start=1)
                )
                title, group = next(t for t in TASKS if conclusions[0].text.startswith(t[0]))
                tasks.append((year, title, group, held, conclusions[0]))
            for title, group in rng.sample(TASKS, 5):
                tasks.append((year, title, group, datetime.date(year, 1, 10), None))
            contributions.append(
                board.Contribution(
                    received_on=datetime.date(year, rng.randint(1, 6), 15),
                    source_type=board.SourceType.INTERNATIONAL_ORG,
                    source_name="HelpAge International",
                    kind=board.ContributionKind.CASH,
                    amount=rng.randrange(500_000_000, 2_000_000_001, 50_000_000),
                    purpose=board.Purpose.TRAINING,
                    created_by_id=uid,
                )
            )
            for province in self.provinces:
                received = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if received < today:
                    contributions.append(
                        board.Contribution(
                            received_on=received,
                            source_type=board.SourceType.PROVINCE_BUDGET,
                            source_name="UBND tỉnh",
                            kind=board.ContributionKind.CASH,
                            amount=rng.randrange(50_000_000, 500_000_001, 10_000_000),
                            unit_id=province,
                            purpose=board.Purpose.ACTIVITIES,
                            created_by_id=uid,
                        )
                    )
                for _k in range(2):
                    held = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    if held >= today:
                        continue
                    participants = rng.randint(20, 150)
                    events.append(
                        board.Event(
                            held_on=held,
                            unit_id=province,
                            event_type=rng.choice(list(board.EventType)),
                            topic="Tập huấn, truyền thông về mô hình CLB liên thế hệ",
                            organiser=rng.choice(agency_list),
                            participants=participants,
                            women=participants * rng.randint(50, 75) // 100,
                            older=participants * rng.randint(40, 80) // 100,
                            created_by_id=uid,
                        )
                    )
        rows = []
        for year, title, group, created, conclusion in tasks:
            deadline = created + datetime.timedelta(days=rng.randint(30, 300))
            if deadline < today:
                status = rng.choices(list(board.TaskStatus), [5, 5, 10, 80])[0]
            else:
                status = rng.choice(list(board.TaskStatus))
            task = board.Task(
                year=year,
                title=title,
                group=group,
                responsible=rng.choice(agency_list),
                deadline=deadline,
                status=status,
                conclusion=conclusion,
                created_at=timezone.make_aware(
                    datetime.datetime.combine(created, datetime.time(9))
                ),
                created_by_id=uid,
            )
            rows.append(task)
        rows = board.Task.objects.bulk_create(rows)
        supporting = []
        for task in rows:
            for agency in rng.sample(agency_list, rng.randint(0, 2)):
                if agency.pk != task.responsible_id:
                    supporting.append(board.Task.supporting.through(task=task, agency=agency))
            if task.status != board.TaskStatus.NOT_STARTED:
                written = min(today, task.deadline) - datetime.timedelta(days=rng.randint(1, 20))
                notes.append(
                    board.ProgressNote(
                        task=task,
                        written_on=max(written, task.created_at.date()),
                        text="Đã triển khai theo kế hoạch.",
                        status=task.status,
                        author_id=uid,
                    )
                )
        board.Task.supporting.through.objects.bulk_create(supporting)
        board.ProgressNote.objects.bulk_create(notes)
        board.Contribution.objects.bulk_create(contributions)
        board.Event.objects.bulk_create(events)
        self.counts["board_meetings"] += board.Meeting.objects.count()
        self.counts["tasks"] += len(rows)
        self.counts["progress_notes"] += len(notes)
        self.counts["contributions"] += len(contributions)
        self.counts["events"] += len(events)
