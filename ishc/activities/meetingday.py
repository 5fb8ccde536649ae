"""The meeting-day flow: what a phone needs to record a club's monthly meeting offline (the
roster, the loans due and the fee, as of the meeting's date), and the one service that takes
what the phone typed and writes it.

How a sync works (docs/meeting-day.md tells it for people):

- Every value typed on the phone is one *line*: one field (attendance, blood pressure, weight,
  fee, a loan's repayment, the topic, the culture item) of one member, loan or of the meeting,
  with a UUID made on the phone, the value the phone last saw from the server (`base`) and the
  UUIDs of the phone's earlier lines for the same field (`replaces`).
- A line whose UUID is already known is answered as it was the first time and changes nothing:
  a phone that lost the answer can send again safely.
- Each line is written in its own savepoint: a refused line (a closed loan, more than owed, a
  member who left, an impossible reading) is answered with the reason and writes nothing; the
  others of the batch are saved.
- Two phones merge per member and field: a line is applied when the server still has what the
  phone last saw, or what this phone itself sent. When another phone has meanwhile set the same
  field to another value, or already recorded a repayment of the same loan, the line is a
  conflict: nothing is written and the phone shows both values until a person chooses
  (`resolve="mine"` then applies the phone's value, reversing a fee already posted, or records
  the repayment as a second payment).
- The club's row is locked for the batch, so two phones sending at the same moment are taken one
  after the other and the second one sees the first one's values.

Money goes through ishc.finance.services (repay, record_entry, reverse_entry): no money rule is
repeated here.
"""

from __future__ import annotations

import datetime
import re
import uuid as uuid_lib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ishc.accounts.permissions import can
from ishc.audit.services import record
from ishc.clubs.models import Club, Member, Membership
from ishc.core.text import by_vietnamese_name
from ishc.finance import ledger
from ishc.finance import services as finance
from ishc.finance.models import Category, Entry, EntryKind, FundKind, Loan, LoanStatus

from .models import Attendance, Meeting, Reading, SyncedLine, SyncField, SyncOutcome
from .services import ReadingInput, check_reading

MEMBER_FIELDS = {SyncField.PRESENT, SyncField.PRESSURE, SyncField.WEIGHT, SyncField.FEE}
MEETING_FIELDS = {SyncField.TOPIC, SyncField.CULTURE}
_PRESSURE = re.compile(r"^\s*(\d{2,3})\s*[/ .,\-]\s*(\d{2,3})\s*$")


def month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def may_record(user, club: Club) -> bool:
    return can(user, "activities.record", club)


def may_record_money(user, club: Club) -> bool:
    return can(user, "finance.record", club)


def meeting_of_month(club: Club, month: datetime.date) -> Meeting | None:
    return (
        Meeting.objects.filter(club=club, held_on__gte=month, held_on__lte=month_end(month))
        .order_by("held_on")
        .first()
    )


def default_date(club: Club, month: datetime.date) -> datetime.date:
    """The month's meeting if there is one; else today in the current month, or the club's usual
    meeting day in a past month."""
    meeting = meeting_of_month(club, month)
    if meeting is not None:
        return meeting.held_on
    today = timezone.localdate()
    if (month.year, month.month) == (today.year, today.month):
        return today
    return month.replace(day=min(club.meeting_day or 1, month_end(month).day))


def members_on(club: Club, day: datetime.date) -> list[Member]:
    """The club's members on the meeting's date (not today's), in the register's order."""
    ids = Membership.objects.on(day).filter(club=club).values("member_id")
    return by_vietnamese_name(Member.objects.filter(pk__in=ids).only("pk", "full_name", "club_id"))


# Reading and writing one field ------------------------------------------------------------------


def parse_pressure(value) -> tuple[int, int] | None:
    """ "130/85", "130 85" or "130.85" (what a numeric keypad can type) → (130, 85)."""
    if value in (None, ""):
        return None
    match = _PRESSURE.match(str(value))
    if not match:
        raise ValidationError(
            _("Blood pressure “%(v)s”: type it as 130/85 or 130 85.") % {"v": value}
        )
    return int(match[1]), int(match[2])


def parse_weight(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        weight = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite():
        raise ValidationError(_("Weight “%(v)s” is not a number.") % {"v": value})
    return weight.quantize(Decimal("0.1"))


def _pressure_text(systolic, diastolic) -> str | None:
    return None if systolic is None else f"{systolic}/{diastolic}"


def _weight_text(weight) -> str | None:
    return None if weight is None else str(Decimal(weight).quantize(Decimal("0.1")))


def _money(value) -> int:
    if value in (None, "", 0, "0"):
        return 0
    return finance.check_amount(value)


@dataclass
class LineIn:
    uuid: uuid_lib.UUID
    field: str
    member: int | None = None
    loan: int | None = None
    value: object = None
    base: object = None
    replaces: list = field(default_factory=list)
    resolve: str = ""


class Conflict(Exception):
    def __init__(self, server, message: str):
        super().__init__(message)
        self.server = server
        self.message = message


@dataclass
class _Context:
    user: object
    club: Club
    meeting: Meeting
    members: dict[int, Member]
    money: bool
    written: int = 0


def _last_applied(ctx: _Context, line: LineIn) -> SyncedLine | None:
    qs = SyncedLine.objects.filter(
        meeting=ctx.meeting, field=line.field, outcome=SyncOutcome.APPLIED
    )
    if line.field == SyncField.REPAYMENT:
        qs = qs.filter(loan_id=line.loan)
    elif line.field in MEMBER_FIELDS:
        qs = qs.filter(member_id=line.member)
    return qs.order_by("-pk").first()


def _mine(ctx: _Context, line: LineIn) -> bool:
    """The server's value came from this phone (one of its earlier lines for this field)."""
    last = _last_applied(ctx, line)
    return last is not None and str(last.uuid) in {str(u) for u in line.replaces}


def _merge(ctx: _Context, line: LineIn, current, new, empty) -> bool:
    """True when the phone's value should be written; False when the server has it already;
    Conflict when another phone set the field to something else since this phone looked."""
    if new == current:
        return False
    if current == empty or current == line.base or line.resolve == "mine" or _mine(ctx, line):
        return True
    raise Conflict(
        current,
        _("Another phone has saved a different value. Choose which one is right."),
    )


def _reading(ctx: _Context, member_id: int) -> Reading | None:
    return Reading.objects.filter(meeting=ctx.meeting, member_id=member_id).first()


def _mark_present(ctx: _Context, member_id: int) -> None:
    Attendance.objects.get_or_create(meeting=ctx.meeting, member_id=member_id)


def _apply_present(ctx: _Context, line: LineIn) -> list[int]:
    new = bool(line.value)
    current = Attendance.objects.filter(meeting=ctx.meeting, member_id=line.member).exists()
    if not _merge(ctx, line, current, new, empty=False):
        return []
    if new:
        _mark_present(ctx, line.member)
    else:
        if _reading(ctx, line.member) is not None:
            raise ValidationError(
                _("Measured at this meeting, so present: clear the readings first.")
            )
        Attendance.objects.filter(meeting=ctx.meeting, member_id=line.member).delete()
    return []


def _apply_reading(ctx: _Context, line: LineIn) -> list[int]:
    """Blood pressure or weight. A reading marks the member present: people are measured at the
    meeting, and a ticked box missed in the hurry must not make a measured member absent."""
    reading = _reading(ctx, line.member)
    name = ctx.members[line.member].full_name
    if line.field == SyncField.PRESSURE:
        pair = parse_pressure(line.value)
        new = _pressure_text(*pair) if pair else None
        current = _pressure_text(reading.systolic, reading.diastolic) if reading else None
        base = parse_pressure(line.base) if line.base else None
        line.base = _pressure_text(*base) if base else None
        check = ReadingInput(line.member, *(pair or (None, None)))
    else:
        weight = parse_weight(line.value)
        new = _weight_text(weight)
        current = _weight_text(reading.weight_kg) if reading and reading.weight_kg else None
        line.base = _weight_text(parse_weight(line.base)) if line.base else None
        check = ReadingInput(line.member, weight_kg=weight)
    if not _merge(ctx, line, current, new, empty=None):
        return []
    errors = check_reading(check, name)
    if errors:
        # The row already names the member: the message need not repeat it.
        raise ValidationError([e.removeprefix(f"{name}: ") for e in errors])
    reading = reading or Reading(meeting=ctx.meeting, member_id=line.member)
    if line.field == SyncField.PRESSURE:
        reading.systolic, reading.diastolic = pair or (None, None)
    else:
        reading.weight_kg = weight
    if reading.systolic is None and reading.weight_kg is None:
        if reading.pk:
            reading.delete()
        return []
    reading.save()
    _mark_present(ctx, line.member)
    return []


def _recorded(ctx: _Context, line: LineIn) -> tuple[int, list[int]]:
    """What the applied lines of this field posted (a fee of a member, a repayment of a loan),
    net of reversals, and the entries still standing."""
    qs = SyncedLine.objects.filter(
        meeting=ctx.meeting, field=line.field, outcome=SyncOutcome.APPLIED
    )
    qs = (
        qs.filter(loan_id=line.loan)
        if line.field == SyncField.REPAYMENT
        else qs.filter(member_id=line.member)
    )
    ids = [i for ln in qs for i in ln.entries]
    standing = Entry.objects.filter(pk__in=ids, reverses__isnull=True, reversed_by__isnull=True)
    total = standing.aggregate(s=Sum("amount"))["s"] or 0
    return total, list(standing.values_list("pk", flat=True))


def _apply_fee(ctx: _Context, line: LineIn) -> list[int]:
    amount = _money(line.value)
    current, standing = _recorded(ctx, line)
    if not _merge(ctx, line, current, amount, empty=0):
        return []
    day = ctx.meeting.held_on
    for entry in Entry.objects.filter(pk__in=standing):
        finance.reverse_entry(
            ctx.user, entry, date=day, reason=_("Member fee corrected on the meeting day.")
        )
    if not amount:
        return []
    entry = finance.record_entry(
        ctx.user,
        ctx.club,
        fund_kind=FundKind.ACTIVITY,
        kind=EntryKind.INCOME,
        category=Category.MEMBER_FEES,
        amount=amount,
        date=day,
        member=ctx.members[line.member],
    )
    return [entry.pk]


def _apply_repayment(ctx: _Context, line: LineIn) -> list[int]:
    amount = _money(line.value)
    loan = Loan.objects.filter(pk=line.loan, club=ctx.club).select_related("member").first()
    if loan is None or loan.member_id not in ctx.members:
        raise ValidationError(_("This loan is not of a member of the club on that day."))
    current, _standing = _recorded(ctx, line)
    if current and line.resolve != "add":
        if amount == current and _mine(ctx, line):
            return []
        # Two repayments of one loan at one meeting: almost always the same money typed on two
        # phones. A person decides; a second payment is recorded only when they say so.
        raise Conflict(
            current,
            _(
                "A repayment of this loan is already recorded at this meeting. Keep it, or add "
                "this one as a second payment."
            ),
        )
    if not amount:
        return []
    paid = finance.repay(ctx.user, loan, amount=amount, on=ctx.meeting.held_on)
    return [e.pk for e in (paid.interest, paid.principal) if e is not None]


def _apply_meeting_field(ctx: _Context, line: LineIn) -> list[int]:
    meeting = ctx.meeting
    if line.field == SyncField.TOPIC:
        new = str(line.value or "").strip()[:300]
        if _merge(ctx, line, meeting.topic, new, empty=""):
            meeting.topic = new
            meeting.save(update_fields=["topic"])
    else:
        new = bool(line.value)
        if _merge(ctx, line, meeting.culture_item, new, empty=False):
            meeting.culture_item = new
            meeting.save(update_fields=["culture_item"])
    return []


_APPLY = {
    SyncField.PRESENT: _apply_present,
    SyncField.PRESSURE: _apply_reading,
    SyncField.WEIGHT: _apply_reading,
    SyncField.FEE: _apply_fee,
    SyncField.REPAYMENT: _apply_repayment,
    SyncField.TOPIC: _apply_meeting_field,
    SyncField.CULTURE: _apply_meeting_field,
}


def _apply(ctx: _Context, line: LineIn) -> list[int]:
    if line.field not in _APPLY:
        raise ValidationError(_("Unknown field."))
    if line.field in MEMBER_FIELDS and line.member not in ctx.members:
        raise ValidationError(
            _("Not a member of the club on %(d)s.") % {"d": date_format(ctx.meeting.held_on)}
        )
    if line.field in (SyncField.FEE, SyncField.REPAYMENT) and not ctx.money:
        raise PermissionDenied
    return _APPLY[line.field](ctx, line)


# The batch ----------------------------------------------------------------------------------


@dataclass
class SyncResult:
    meeting_date: datetime.date | None
    error: str = ""
    answers: list[dict] = field(default_factory=list)


def _check_date(club: Club, month: datetime.date, day: datetime.date) -> list[str]:
    errors = []
    if (day.year, day.month) != (month.year, month.month):
        errors.append(_("The meeting date must fall in the month of this meeting."))
    if day > timezone.localdate():
        errors.append(_("The date %(d)s is in the future.") % {"d": date_format(day)})
    if club.founded_on and day < club.founded_on:
        errors.append(
            _("The date %(d)s is before the club was founded (%(f)s).")
            % {"d": date_format(day), "f": date_format(club.founded_on)}
        )
    existing = meeting_of_month(club, month)
    if existing is not None and existing.held_on != day:
        errors.append(
            _("This club's meeting of %(m)s is already recorded on %(d)s: one meeting a month.")
            % {"m": f"{month:%m/%Y}", "d": date_format(existing.held_on)}
        )
    return errors


def sync(user, club: Club, month: datetime.date, day: datetime.date, lines: list[LineIn]):
    """Write what a phone sent for the club's meeting of `month` held on `day` (see the module's
    docstring). Returns one answer per line, in order."""
    if not may_record(user, club):
        raise PermissionDenied
    month = month.replace(day=1)
    with transaction.atomic():
        # One batch at a time per club: the second phone's lines see the first one's values.
        # NO KEY UPDATE, not UPDATE: an entry of this club being committed meanwhile checks its
        # key on the club row at commit (PostgreSQL), and a full lock would make it wait for
        # this batch while this batch waits for its fund — a deadlock.
        club = Club.objects.select_for_update(no_key=True).get(pk=club.pk)
        known = {
            str(s.uuid): s.answer
            for s in SyncedLine.objects.filter(uuid__in=[ln.uuid for ln in lines])
        }
        fresh = [ln for ln in lines if str(ln.uuid) not in known]
        errors = _check_date(club, month, day) if fresh else []
        if errors:
            existing = meeting_of_month(club, month)
            message = " ".join(errors)
            answers = [
                known.get(str(ln.uuid)) or _answer(ln, SyncOutcome.REFUSED, message, None)
                for ln in lines
            ]
            return SyncResult(existing.held_on if existing else None, message, answers)
        meeting = None
        if fresh:
            meeting, created = Meeting.objects.get_or_create(club=club, held_on=day)
            if created:
                record(user, "activities.meeting.created", meeting, data={"via": "meeting-day"})
        ctx = _Context(
            user,
            club,
            meeting,
            {m.pk: m for m in members_on(club, day)},
            may_record_money(user, club),
        )
        answers, counts = [], {o: 0 for o in SyncOutcome.values}
        for line in lines:
            if str(line.uuid) in known:
                answers.append(known[str(line.uuid)])
                continue
            entries, server = [], None
            try:
                with transaction.atomic():
                    entries = _apply(ctx, line)
                outcome, message = SyncOutcome.APPLIED, ""
            except Conflict as c:
                outcome, message, server = SyncOutcome.CONFLICT, c.message, c.server
            except PermissionDenied:
                outcome, message = SyncOutcome.REFUSED, _("You may not record money for this club.")
            except ValidationError as e:
                outcome, message = SyncOutcome.REFUSED, " ".join(e.messages)
            answer = _answer(line, outcome, message, server)
            SyncedLine.objects.create(
                uuid=line.uuid,
                club=club,
                meeting=meeting,
                field=line.field,
                member_id=line.member if line.member in ctx.members else None,
                loan_id=line.loan if outcome == SyncOutcome.APPLIED else None,
                value=line.value,
                outcome=outcome,
                answer=answer,
                entries=entries,
                recorded_by=user,
            )
            known[str(line.uuid)] = answer
            counts[outcome] += 1
            answers.append(answer)
        if meeting is not None and any(counts.values()):
            record(user, "activities.meeting.synced", meeting, data=counts)
    return SyncResult(day, "", answers)


def _answer(line: LineIn, outcome: str, message: str, server) -> dict:
    return {
        "uuid": str(line.uuid),
        "status": outcome,
        "message": message,
        "server": server,
    }


# What the phone downloads -----------------------------------------------------------------------


def roster(user, club: Club, month: datetime.date, day: datetime.date | None = None) -> dict:
    """Everything the phone needs for the meeting of `month`, as of the meeting's date: the
    members then, their active loans with what is due by that date, the fee, and what the server
    already has (the phone's `base` values)."""
    month = month.replace(day=1)
    day = day or default_date(club, month)
    meeting = Meeting.objects.filter(club=club, held_on=day).first()
    members = members_on(club, day)
    ids = [m.pk for m in members]
    loans: dict[int, list] = {}
    for loan in ledger.due_by(
        Loan.objects.filter(club=club, status=LoanStatus.ACTIVE, member_id__in=ids).order_by("pk"),
        day,
    ):
        loans.setdefault(loan.member_id, []).append(
            {"id": loan.pk, "due": max(0, loan.scheduled_total - loan.paid_total), "paid": 0}
        )
    present, readings, fees, repaid = set(), {}, {}, {}
    if meeting is not None:
        present = set(meeting.attendance.values_list("member_id", flat=True))
        readings = {r.member_id: r for r in meeting.readings.all()}
        lines = SyncedLine.objects.filter(
            meeting=meeting,
            outcome=SyncOutcome.APPLIED,
            field__in=[SyncField.FEE, SyncField.REPAYMENT],
        )
        by_entry = {}
        for ln in lines:
            for entry_id in ln.entries:
                by_entry[entry_id] = ln
        standing = Entry.objects.filter(
            pk__in=list(by_entry), reverses__isnull=True, reversed_by__isnull=True
        ).values_list("pk", "amount", "loan_id", "member_id")
        for pk, amount, loan_id, member_id in standing:
            if by_entry[pk].field == SyncField.FEE:
                fees[member_id] = fees.get(member_id, 0) + amount
            else:
                repaid[loan_id] = repaid.get(loan_id, 0) + amount
        # Repaid loans may have closed since: still show them with what was paid.
        for loan in Loan.objects.filter(pk__in=list(repaid)).exclude(status=LoanStatus.ACTIVE):
            loans.setdefault(loan.member_id, []).append({"id": loan.pk, "due": 0, "paid": 0})
    rows = []
    for m in members:
        r = readings.get(m.pk)
        member_loans = loans.get(m.pk, [])
        for loan in member_loans:
            loan["paid"] = repaid.get(loan["id"], 0)
        rows.append(
            {
                "id": m.pk,
                "name": m.full_name,
                "present": m.pk in present,
                "bp": _pressure_text(r.systolic, r.diastolic) if r else None,
                "weight": _weight_text(r.weight_kg) if r and r.weight_kg else None,
                "fee": fees.get(m.pk, 0),
                "loans": member_loans,
            }
        )
    return {
        "club": {"id": club.pk, "name": club.name},
        "month": f"{month:%Y-%m}",
        "date": day.isoformat(),
        "fee": settings.ISHC["MEMBER_FEE"],
        "money": may_record_money(user, club),
        "topic": meeting.topic if meeting else "",
        "culture": meeting.culture_item if meeting else False,
        "members": rows,
    }
