"""Every write to the club funds: entries, loans, write-offs and collection sheets.

Each function validates everything first, then writes inside one transaction, with the fund or
loan row locked (select_for_update) while the balance or outstanding amount is checked, so that
two treasurers pressing "save" at the same moment can neither overdraw a fund nor post the same
repayment twice.

One lock order for every function, so that no two of them can wait on each other (a deadlock is
an HTTP 500): the entry being reversed → loans (by id) → the write-off request → a contribution →
the funds, the Income Generation Fund before the Activity Fund (`_lock_funds`) → the club's
month's sums, which every entry written adds to (finance.monthly). A function that needs a fund
therefore locks every fund it will write to at once, before writing its first entry.

Each writes its audit entry in the same transaction. Figures are read through ishc.finance.ledger
only. Bad input raises ValidationError with a translated message, and then
nothing has been written.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from ishc.accounts.permissions import require
from ishc.audit.services import record, snapshot
from ishc.board.models import Contribution, ContributionKind
from ishc.clubs.models import Club, Member, Membership

from . import ledger
from .models import (
    CAPITAL_SOURCES,
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Category,
    CollectionSheet,
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
from .schedule import METHODS, build_schedule


def _d(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _vnd(value: int) -> str:
    return f"{number_format(value, 0, force_grouping=True)} ₫"


_GROUPED = re.compile(r"-?\d{1,3}([.,\s]\d{3})+")


def check_amount(amount, field_name: str = "amount") -> int:
    """A whole, positive number of dong; "1.5", 0, −3 and "abc" are refused."""
    if isinstance(amount, bool):
        amount = None
    if isinstance(amount, str):
        text = amount.strip()
        # Thousands separators as people type them ("1.500.000", "1,500,000", "1 500 000") are
        # fine; "1.5" or "1,5" is a fraction of a dong and refused.
        if _GROUPED.fullmatch(text):
            text = re.sub(r"[.,\s]", "", text)
        try:
            amount = Decimal(text.replace(",", ".")) if text else None
        except InvalidOperation:
            amount = None
    if isinstance(amount, (float, Decimal)) and amount == int(amount):
        amount = int(amount)
    if not isinstance(amount, int):
        raise ValidationError({field_name: _("Enter a whole number of dong, without decimals.")})
    if amount <= 0:
        raise ValidationError({field_name: _("The amount must be more than zero.")})
    return amount


def check_date(club: Club, day: datetime.date, field_name: str = "date") -> datetime.date:
    if day > timezone.localdate():
        raise ValidationError({field_name: _("The date cannot be in the future.")})
    if club.founded_on and day < club.founded_on:
        raise ValidationError(
            {
                field_name: _("The date cannot be before the club was founded (%(d)s).")
                % {"d": _d(club.founded_on)}
            }
        )
    return day


def fund_of(club: Club, kind: str) -> Fund:
    fund, _created = Fund.objects.get_or_create(club=club, kind=kind)
    return fund


# The lock order of the funds (see the module comment).
_FUND_ORDER = (FundKind.IGF, FundKind.ACTIVITY)


def _lock_funds(club: Club, *kinds: str) -> dict[str, Fund]:
    """Lock the club's funds named in `kinds`, always in the same order."""
    wanted = [k for k in _FUND_ORDER if k in kinds]
    for kind in wanted:
        fund_of(club, kind)
    return {kind: Fund.objects.select_for_update().get(club=club, kind=kind) for kind in wanted}


def _locked_fund(club: Club, kind: str) -> Fund:
    return _lock_funds(club, kind)[kind]


def lock_books(club: Club) -> None:
    """Hold the club's funds while a report freezes its figures (ishc.reports.services). Every
    entry is written with its fund locked and checks the month is open only once it holds the
    lock (`_post`), so an entry either commits before the figures are read, and is in them, or
    waits and then finds its month closed. Without this an entry in flight during the submit
    would be in the books and missing from the report."""
    _lock_funds(club, *_FUND_ORDER)


def check_open(club_id: int, day: datetime.date) -> None:
    """Refuse an entry dated in a month whose report the club has submitted: the figures sent up
    were frozen from the books, and the books must not drift from them. The message says who can
    send the report back (or reopen it) so the month can be corrected."""
    from ishc.reports.models import REPORTED, MonthlyReport
    from ishc.reports.services import LEVEL_NAMES, _step, province_approves_directly

    report = (
        MonthlyReport.objects.filter(club_id=club_id, month=day.replace(day=1), status__in=REPORTED)
        .select_related("club")
        .first()
    )
    if report is None:
        return
    direct = province_approves_directly(report.club)
    step = _step(report, "reopen", direct) or _step(report, "reject", direct)
    raise ValidationError(
        {
            "date": _(
                "The report of %(m)s is “%(status)s”: its month is closed to new entries. "
                "%(who)s can send it back or reopen it; date the entry in an open month or "
                "ask them."
            )
            % {
                "m": report.month.strftime("%m/%Y"),
                "status": report.get_status_display(),
                "who": str(LEVEL_NAMES[step[0]]).capitalize(),
            }
        }
    )


def _check_cash(fund: Fund, outflow: int, on: datetime.date) -> None:
    """Refuse an outflow the fund cannot pay on `on` — nor on any later date already booked, so
    that a back-dated expense cannot make a later day's balance negative. The caller holds the
    fund's row lock."""
    low = ledger.balance(fund, on)
    running = low
    later = fund.entries.filter(date__gt=on).order_by("date", "pk").values_list("amount", flat=True)
    for amount in later:
        running += amount
        low = min(low, running)
    if outflow > low:
        raise ValidationError(
            {
                "amount": _(
                    "The %(fund)s has only %(cash)s in cash on %(d)s: "
                    "%(amount)s cannot be paid out."
                )
                % {
                    "fund": fund.get_kind_display(),
                    "cash": _vnd(max(low, 0)),
                    "d": _d(on),
                    "amount": _vnd(outflow),
                }
            }
        )


def _post(user, fund: Fund, **fields) -> Entry:
    """Every entry is written here, so the period-close rule holds for all of them."""
    check_open(fund.club_id, fields["date"])
    entry = Entry(fund=fund, club_id=fund.club_id, recorded_by=user if _real(user) else None)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    return entry


def _real(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


_KIND_CATEGORIES = {
    EntryKind.CAPITAL: CAPITAL_SOURCES,
    EntryKind.INCOME: INCOME_CATEGORIES,
    EntryKind.EXPENSE: EXPENSE_CATEGORIES,
}


def record_entry(
    user,
    club: Club,
    *,
    fund_kind: str,
    kind: str,
    amount,
    date: datetime.date,
    category: str,
    member: Member | None = None,
    counterpart: str = "",
    voucher: str = "",
    note: str = "",
    contribution: Contribution | None = None,
) -> Entry:
    """Capital received, other income or an expense, in one of the club's funds."""
    require(user, "finance.record", club)
    amount = check_amount(amount)
    check_date(club, date)
    if fund_kind not in FundKind.values:
        raise ValidationError({"fund": _("Choose a fund.")})
    if kind not in _KIND_CATEGORIES:
        raise ValidationError({"kind": _("Choose capital, income or expense.")})
    if category not in _KIND_CATEGORIES[kind]:
        raise ValidationError({"category": _("Choose a category that fits this kind of entry.")})
    if member is not None and member.club_id != club.pk:
        raise ValidationError({"member": _("This person is not a member of the club.")})
    with transaction.atomic():
        if contribution is not None:
            _check_contribution(club, kind, amount, contribution)
        fund = _locked_fund(club, fund_kind)
        if kind == EntryKind.EXPENSE:
            _check_cash(fund, amount, date)
        entry = _post(
            user,
            fund,
            date=date,
            kind=kind,
            category=category,
            amount=-amount if kind == EntryKind.EXPENSE else amount,
            member=member,
            counterpart=counterpart,
            voucher=voucher,
            note=note,
            contribution=contribution,
        )
        record(user, "finance.entry.recorded", entry, after=snapshot(entry))
        return entry


def record_entry_from(user, club: Club, d: dict) -> Entry:
    """record_entry from an EntryForm's cleaned data: the page and the API read the same form, so
    they hand it over the same way."""
    return record_entry(
        user,
        club,
        fund_kind=d["fund"],
        kind=d["kind"],
        amount=d["amount"],
        date=d["date"],
        category=d["category"],
        member=d["member"],
        counterpart=d["counterpart"],
        voucher=d["voucher"],
        note=d["note"],
        contribution=d["contribution"],
    )


def _check_contribution(club: Club, kind: str, amount: int, contribution: Contribution) -> None:
    """A capital entry may name a cash contribution given to this club, or to its commune or
    province (an allocation the unit shares out), and never draw more than its value."""
    if kind != EntryKind.CAPITAL:
        raise ValidationError(
            {"contribution": _("Only capital received comes from a contribution.")}
        )
    if contribution.kind != ContributionKind.CASH:
        raise ValidationError(
            {"contribution": _("A contribution in kind is not cash for the fund.")}
        )
    if contribution.club_id is not None:
        fits = contribution.club_id == club.pk
    else:
        fits = contribution.unit_id is not None and contribution.unit_id in (
            club.commune_id,
            club.province_id,
        )
    if not fits:
        raise ValidationError(
            {"contribution": _("This contribution was given to another club or unit.")}
        )
    # Lock the contribution so that two clubs drawing on one allocation cannot both pass.
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    drawn = Entry.objects.filter(contribution=locked).aggregate(total=Sum("amount"))["total"] or 0
    if drawn + amount > locked.amount:
        raise ValidationError(
            {
                "amount": _("Only %(left)s ₫ of this contribution is left to record as capital.")
                % {"left": number_format(locked.amount - drawn, 0, force_grouping=True)}
            }
        )


def transfer(
    user, club: Club, *, from_fund: str, amount, date: datetime.date, voucher="", note=""
) -> tuple[Entry, Entry]:
    """Move cash between the club's two funds: an entry out of one and an entry into the other."""
    require(user, "finance.record", club)
    amount = check_amount(amount)
    check_date(club, date)
    to_fund = FundKind.ACTIVITY if from_fund == FundKind.IGF else FundKind.IGF
    with transaction.atomic():
        funds = _lock_funds(club, FundKind.IGF, FundKind.ACTIVITY)
        _check_cash(funds[from_fund], amount, date)
        common = {"date": date, "voucher": voucher, "note": note}
        out = _post(user, funds[from_fund], kind=EntryKind.TRANSFER_OUT, amount=-amount, **common)
        into = _post(user, funds[to_fund], kind=EntryKind.TRANSFER_IN, amount=amount, **common)
        record(user, "finance.entry.transfer", out, data={"in": into.pk, "amount": amount})
        return out, into


def reverse_entry(user, entry: Entry, *, date: datetime.date, reason: str) -> Entry:
    """Correct a mistake: a new entry of the same kind with the opposite amounts. The original
    stays in the books, and both show there. Entries of a collection sheet are reversed the same
    way (the reversal joins the sheet); a write-off is reversed by the two-person rule
    (request_write_off_reversal), a transfer by a transfer back."""
    require(user, "finance.record", entry)
    if entry.kind == EntryKind.WRITE_OFF:
        raise ValidationError(
            _(
                "A write-off is reversed by asking for it: a commune, province or central "
                "officer other than who asks approves it."
            )
        )
    if entry.kind in (EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT):
        raise ValidationError(_("A transfer is corrected by a transfer back."))
    with transaction.atomic():
        reversal = _reverse(user, entry, date=date, reason=reason)
        record(
            user, "finance.entry.reversed", reversal, data={"reverses": entry.pk, "reason": reason}
        )
        return reversal


def _reverse(user, entry: Entry, *, date: datetime.date, reason: str) -> Entry:
    """The reversal itself, inside the caller's transaction. The entry's row is locked first, so
    that of two people reversing it at the same moment the second is told it is already done."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    entry = Entry.objects.select_for_update(of=("self",)).select_related("club").get(pk=entry.pk)
    club = entry.club
    check_date(club, date)
    if entry.reverses_id or Entry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry is a reversal or has already been reversed."))
    if date < entry.date:
        raise ValidationError({"date": _("A reversal cannot be dated before the entry.")})
    loan = _locked_loan(entry.loan) if entry.loan_id else None
    if loan is not None:
        last = loan.entries.aggregate(m=Max("date"))["m"]
        if last and date < last:
            raise ValidationError(
                {"date": _("Date it on or after the loan's last entry (%(d)s).") % {"d": _d(last)}}
            )
        live = loan.entries.exclude(pk=entry.pk).filter(
            reverses__isnull=True, reversed_by__isnull=True
        )
        if entry.kind == EntryKind.DISBURSEMENT and live.exists():
            raise ValidationError(
                _("A disbursement can only be reversed before anything else is recorded.")
            )
    fund = _lock_funds(club, entry.fund.kind)[entry.fund.kind]
    if entry.amount > 0:
        _check_cash(fund, entry.amount, date)
    reversal = _post(
        user,
        fund,
        date=date,
        kind=entry.kind,
        category=entry.category,
        amount=-entry.amount,
        principal=-entry.principal,
        loan_id=entry.loan_id,
        member_id=entry.member_id,
        counterpart=entry.counterpart,
        voucher=entry.voucher,
        note=reason[:300],
        # A reversed capital entry gives its share of the contribution back.
        contribution_id=entry.contribution_id,
        # A reversed line of a collection sheet shows on that sheet beside the line.
        sheet_id=entry.sheet_id,
        reverses=entry,
    )
    if loan is not None:
        _follow(user, loan, date)
    return reversal


def _follow(user, loan: Loan, on: datetime.date) -> None:
    """After a reversal, the loan's state follows its entries: a reversed disbursement sends it
    back to approved; principal outstanding again reopens a closed or written-off loan (it can
    then be repaid, or written off again); nothing outstanding closes it."""
    before = snapshot(loan)
    state = ledger.loan_state(loan, on)
    if state.disbursed == 0:
        loan.status, loan.disbursed_on = LoanStatus.APPROVED, None
    elif state.outstanding > 0 and loan.status in (LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF):
        loan.status, loan.closed_on = LoanStatus.ACTIVE, None
    elif state.outstanding == 0 and loan.status == LoanStatus.ACTIVE:
        loan.status, loan.closed_on = LoanStatus.CLOSED, on
    else:
        return
    loan.save()
    record(user, "finance.loan.entry_reversed", loan, before=before, after=snapshot(loan))


def correct_entry(user, entry: Entry, *, amount, date: datetime.date, reason: str) -> list[Entry]:
    """Reverse a wrong line and record the right one, in one step and one transaction, with the
    reason, audited. For a loan's repayment the line is the whole payment of that day (its
    interest and principal entries, on the same sheet): both are reversed and the right amount
    is paid again along the schedule. For any other entry the right amount replaces the wrong
    one with the same kind, category and counterpart. Returns the entries written."""
    require(user, "finance.record", entry)
    amount = check_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is corrected.")})
    if entry.kind not in (
        EntryKind.PRINCIPAL,
        EntryKind.INTEREST,
        EntryKind.CAPITAL,
        EntryKind.INCOME,
        EntryKind.EXPENSE,
    ):
        raise ValidationError(
            _("Only repayments, capital, income and expenses are corrected this way.")
        )
    with transaction.atomic():
        if entry.loan_id:
            loan = _locked_loan(entry.loan)
            wrong = list(
                loan.entries.filter(
                    kind__in=ledger.PAID_KINDS,
                    date=entry.date,
                    sheet_id=entry.sheet_id,
                    reverses__isnull=True,
                    reversed_by__isnull=True,
                ).order_by("pk")
            )
            if entry not in wrong:
                raise ValidationError(_("This entry is a reversal or has already been reversed."))
            # Both funds before the first line is written: each entry also locks the club's
            # month's sums (finance.monthly) until the end, and a fund taken after that would
            # wait on an entry of that fund waiting for the same row.
            _lock_funds(loan.club, *_FUND_ORDER)
        else:
            wrong = [entry]
            if entry.contribution_id:
                # Lock order: the contribution before the funds.
                Contribution.objects.select_for_update().get(pk=entry.contribution_id)
        written = [_reverse(user, e, date=date, reason=reason) for e in wrong]
        if entry.loan_id:
            paid = repay(user, entry.loan, amount=amount, on=date, sheet=entry.sheet, audit=False)
            written += [e for e in (paid.interest, paid.principal) if e]
        else:
            fund = _lock_funds(entry.club, entry.fund.kind)[entry.fund.kind]
            sign = -1 if entry.kind == EntryKind.EXPENSE else 1
            if sign < 0:
                _check_cash(fund, amount, date)
            if entry.contribution_id:
                _check_contribution(entry.club, entry.kind, amount, entry.contribution)
            written.append(
                _post(
                    user,
                    fund,
                    date=date,
                    kind=entry.kind,
                    category=entry.category,
                    amount=sign * amount,
                    member_id=entry.member_id,
                    counterpart=entry.counterpart,
                    voucher=entry.voucher,
                    note=reason[:300],
                    contribution_id=entry.contribution_id,
                    sheet_id=entry.sheet_id,
                )
            )
        record(
            user,
            "finance.entry.corrected",
            entry,
            data={
                "reason": reason,
                "wrong": [e.pk for e in wrong],
                "was": sum(e.amount for e in wrong),
                "now": amount,
                "written": [e.pk for e in written],
            },
        )
        return written


# Loans ----------------------------------------------------------------------------------------


def check_rate(annual_rate) -> Decimal:
    try:
        rate = Decimal(str(annual_rate))
    except InvalidOperation:
        raise ValidationError({"annual_rate": _("Enter the rate as a number.")}) from None
    if rate < 0:
        raise ValidationError({"annual_rate": _("The rate cannot be negative.")})
    ceiling = Decimal(settings.ISHC["LOAN_MAX_ANNUAL_RATE"])
    if rate > ceiling:
        raise ValidationError(
            {
                "annual_rate": _(
                    "The rate is above the ceiling of %(c)s %% a year (%(m)s %% a month)."
                )
                % {"c": ceiling, "m": (ceiling / 12).normalize()}
            }
        )
    return rate


def is_current_member(member: Member, club: Club, on: datetime.date) -> bool:
    return Membership.objects.on(on).filter(member=member, club=club).exists()


def apply_loan(
    user,
    club: Club,
    *,
    member: Member,
    amount,
    purpose: str,
    applied_on: datetime.date,
    months: int | None = None,
    annual_rate=None,
    method: str | None = None,
) -> Loan:
    """A member's application. Term, rate and method default to the club's regulations."""
    require(user, "finance.record", club)
    amount = check_amount(amount)
    check_date(club, applied_on, "applied_on")
    months = months or club.loan_max_months
    if annual_rate in (None, ""):
        annual_rate = Decimal(str(club.loan_monthly_rate or 0)) * 12
    method = method or club.loan_method
    errors = {}
    if member.club_id != club.pk or not is_current_member(member, club, applied_on):
        errors["member"] = _("This person is not a current member of the club.")
    if not months or months < 1 or months > 120:
        errors["months"] = _("Enter a term between 1 and 120 months.")
    if method not in METHODS:
        errors["method"] = _("Choose a repayment method.")
    if club.loan_max_amount and amount > club.loan_max_amount:
        errors["amount"] = _("The club's regulations allow at most %(max)s per loan.") % {
            "max": _vnd(club.loan_max_amount)
        }
    if not (purpose or "").strip():
        errors["purpose"] = _("Say what the loan is for.")
    if errors:
        raise ValidationError(errors)
    rate = check_rate(annual_rate)
    with transaction.atomic():
        loan = Loan.objects.create(
            club=club,
            member=member,
            amount=amount,
            purpose=purpose.strip(),
            months=months,
            annual_rate=rate,
            method=method,
            applied_on=applied_on,
            applied_by=user if _real(user) else None,
        )
        record(user, "finance.loan.applied", loan, after=snapshot(loan))
        return loan


def _locked_loan(loan: Loan) -> Loan:
    # Lock the loan's row only (of=self): locking the joined club row too would block every
    # entry written for the club meanwhile (an entry's key on the club waits for it), and a
    # transfer holding the funds would then deadlock with this repayment.
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("club", "member")
        .get(pk=loan.pk)
    )


def approve_loan(user, loan: Loan, *, on: datetime.date, meeting: str) -> Loan:
    require(user, "finance.record", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.APPLIED:
            raise ValidationError(_("Only an application waiting for a decision can be approved."))
        check_date(loan.club, on, "on")
        if on < loan.applied_on:
            raise ValidationError({"on": _("The approval cannot be dated before the application.")})
        if not (meeting or "").strip():
            raise ValidationError({"meeting": _("Say at which meeting the loan was approved.")})
        before = snapshot(loan)
        loan.status, loan.approved_on = LoanStatus.APPROVED, on
        loan.approved_by = user if _real(user) else None
        loan.approval_meeting = meeting.strip()
        loan.save()
        record(user, "finance.loan.approved", loan, before=before, after=snapshot(loan))
        return loan


def reject_loan(user, loan: Loan, *, reason: str) -> Loan:
    require(user, "finance.record", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status not in (LoanStatus.APPLIED, LoanStatus.APPROVED):
            raise ValidationError(_("Only a loan not yet disbursed can be rejected."))
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Say why the application is rejected.")})
        before = snapshot(loan)
        loan.status = LoanStatus.REJECTED
        loan.save()
        record(
            user,
            "finance.loan.rejected",
            loan,
            before=before,
            after=snapshot(loan),
            data={"reason": reason},
        )
        return loan


def instalment_lines(
    loan: Loan, version: int, rows, carried: tuple[int, int] | None, on: datetime.date | None
) -> list[Instalment]:
    """The stored lines of one schedule version, with their running totals; `carried`
    (principal, interest) is the settled past of a rescheduled loan, kept as line 0 on the day
    of the reschedule so that running totals stay comparable with payments. The national data
    generator lays its schedules out through this too."""
    cum_p, cum_i = carried or (0, 0)
    lines = []
    if carried is not None:
        lines.append(
            Instalment(
                loan=loan,
                version=version,
                no=0,
                due_date=on,
                principal=cum_p,
                interest=cum_i,
                cum_principal=cum_p,
                cum_interest=cum_i,
                cum_total=cum_p + cum_i,
            )
        )
    for row in rows:
        cum_p += row.principal
        cum_i += row.interest
        lines.append(
            Instalment(
                loan=loan,
                version=version,
                no=row.no,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
                cum_principal=cum_p,
                cum_interest=cum_i,
                cum_total=cum_p + cum_i,
            )
        )
    return lines


def _write_schedule(loan: Loan, rows, carried: tuple[int, int] | None, on: datetime.date) -> None:
    """Store a new schedule version (instalment_lines)."""
    version = loan.schedule_version + 1
    lines = instalment_lines(loan, version, rows, carried, on)
    Instalment.objects.bulk_create(lines)
    loan.schedule_version = version


def disburse(user, loan: Loan, *, on: datetime.date, voucher: str = "") -> Entry:
    """Pay the loan out of the Income Generation Fund and fix its schedule. Refused when the fund
    does not hold the cash — checked under the fund's row lock, so that two disbursements at the
    same moment cannot both spend the same money."""
    require(user, "finance.record", loan)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.APPROVED:
            raise ValidationError(_("Only an approved loan can be disbursed."))
        check_date(loan.club, on, "on")
        if on < loan.approved_on:
            raise ValidationError(
                {"on": _("The disbursement cannot be dated before the approval.")}
            )
        if not is_current_member(loan.member, loan.club, on):
            raise ValidationError(_("The borrower is no longer a member of the club."))
        fund = _locked_fund(loan.club, FundKind.IGF)
        _check_cash(fund, loan.amount, on)
        entry = _post(
            user,
            fund,
            date=on,
            kind=EntryKind.DISBURSEMENT,
            amount=-loan.amount,
            principal=loan.amount,
            loan=loan,
            member=loan.member,
            voucher=voucher,
        )
        before = snapshot(loan)
        rows = build_schedule(loan.amount, loan.annual_rate, loan.months, loan.method, on)
        _write_schedule(loan, rows, None, on)
        loan.status, loan.disbursed_on = LoanStatus.ACTIVE, on
        loan.save()
        record(
            user,
            "finance.loan.disbursed",
            loan,
            before=before,
            after=snapshot(loan),
            data={"entry": entry.pk},
        )
        return entry


@dataclass
class Repayment:
    interest: Entry | None
    principal: Entry | None

    @property
    def total(self) -> int:
        return sum(
            -e.principal if e.kind == EntryKind.PRINCIPAL else e.amount
            for e in (self.interest, self.principal)
            if e
        )


def repay(
    user, loan: Loan, *, amount, on: datetime.date, voucher: str = "", sheet=None, audit=True
) -> Repayment:
    """A repayment, split along the schedule: each instalment's interest, then its principal, in
    order, instalments not yet due included (ledger.allocate). Partial and early repayments are
    fine; more than the payoff (all outstanding principal and the interest the club's early-
    payoff rule asks for) is refused; exactly the payoff closes the loan."""
    if sheet is None:  # a collection sheet asserted it once for all its lines
        require(user, "finance.record", loan)
    amount = check_amount(amount)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.ACTIVE:
            raise ValidationError(
                _("This loan is %(status)s: no repayment can be recorded.")
                % {"status": loan.get_status_display().lower()}
            )
        check_date(loan.club, on, "on")
        last = loan.entries.aggregate(m=Max("date"))["m"]
        if last and on < last:
            raise ValidationError(
                {"on": _("Date it on or after the loan's last entry (%(d)s).") % {"d": _d(last)}}
            )
        state = ledger.loan_state(loan, on)
        if amount > state.payoff:
            raise ValidationError(
                {
                    "amount": _(
                        "That is more than is owed: at most %(max)s to repay everything "
                        "(principal %(p)s, interest %(i)s)."
                    )
                    % {
                        "max": _vnd(state.payoff),
                        "i": _vnd(state.payoff_interest),
                        "p": _vnd(state.outstanding),
                    }
                }
            )
        if amount == state.payoff:
            interest, principal = state.payoff_interest, state.outstanding
        else:
            interest, principal = ledger.allocate(
                ledger.schedule_lines(loan), state.interest_paid, state.principal_repaid, amount
            )
        interest_fund = settings.ISHC["LOAN_INTEREST_FUND"]
        funds = _lock_funds(loan.club, FundKind.IGF, interest_fund)
        common = {
            "date": on,
            "loan": loan,
            "member": loan.member,
            "voucher": voucher,
            "sheet": sheet,
        }
        result = Repayment(None, None)
        if interest:
            result.interest = _post(
                user, funds[interest_fund], kind=EntryKind.INTEREST, amount=interest, **common
            )
        if principal:
            result.principal = _post(
                user,
                funds[FundKind.IGF],
                kind=EntryKind.PRINCIPAL,
                amount=principal,
                principal=-principal,
                **common,
            )
        if principal == state.outstanding:
            loan.status, loan.closed_on = LoanStatus.CLOSED, on
            loan.save()
        if audit:
            record(
                user,
                "finance.loan.repaid",
                loan,
                data={
                    "interest": interest,
                    "principal": principal,
                    "on": on,
                    "closed": loan.status == LoanStatus.CLOSED,
                },
            )
        return result


def reschedule(user, loan: Loan, *, on: datetime.date, months: int, reason: str) -> Loan:
    """Spread the outstanding principal over a new term from `on`. Interest already due stays
    due; instalments already paid stay as they were (carried as line 0 of the new version)."""
    require(user, "finance.record", loan)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the loan is rescheduled.")})
    if not isinstance(months, int) or not 1 <= months <= 120:
        raise ValidationError({"months": _("Enter a term between 1 and 120 months.")})
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != LoanStatus.ACTIVE:
            raise ValidationError(_("Only a loan being repaid can be rescheduled."))
        check_date(loan.club, on, "on")
        last = loan.entries.aggregate(m=Max("date"))["m"]
        if last and on < last:
            raise ValidationError(
                {"on": _("Date it on or after the loan's last entry (%(d)s).") % {"d": _d(last)}}
            )
        state = ledger.loan_state(loan, on)
        interest_scheduled = (
            loan.instalments.filter(version=loan.schedule_version, due_date__lte=on).aggregate(
                s=Sum("interest")
            )["s"]
            or 0
        )
        before = snapshot(loan)
        rows = build_schedule(state.outstanding, loan.annual_rate, months, loan.method, on)
        _write_schedule(loan, rows, (state.disbursed - state.outstanding, interest_scheduled), on)
        loan.save()
        Reschedule.objects.create(
            loan=loan,
            version=loan.schedule_version,
            on=on,
            months=months,
            reason=reason.strip(),
            recorded_by=user,
        )
        record(
            user,
            "finance.loan.rescheduled",
            loan,
            before=before,
            after=snapshot(loan),
            data={"reason": reason, "months": months, "outstanding": state.outstanding},
        )
        return loan


def request_write_off(user, loan: Loan, *, on: datetime.date, reason: str) -> WriteOff:
    """The maker's half: ask for the outstanding principal to be written off."""
    require(user, "finance.record", loan)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the loan should be written off.")})
    return _ask_for_decision(
        user,
        loan,
        on=on,
        reason=reason,
        undo=False,
        status=LoanStatus.ACTIVE,
        wrong_status=_("Only a loan being repaid can be written off."),
    )


def request_write_off_reversal(
    user, loan: Loan, *, reason: str, on: datetime.date | None = None
) -> WriteOff:
    """The maker's half of undoing a write-off (a loan written off by mistake, or a borrower who
    pays after all): the same two-person rule as the write-off itself. On approval the write-off
    entry is reversed and the loan is being repaid again."""
    require(user, "finance.record", loan)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the write-off should be reversed.")})
    return _ask_for_decision(
        user,
        loan,
        on=on or timezone.localdate(),
        reason=reason,
        undo=True,
        status=LoanStatus.WRITTEN_OFF,
        wrong_status=_("Only a written-off loan can have its write-off reversed."),
    )


def _ask_for_decision(
    user, loan: Loan, *, on: datetime.date, reason: str, undo: bool, status: str, wrong_status: str
) -> WriteOff:
    """The request both halves share: one pending decision per loan at a time, held by the
    loan's row lock and, against a concurrent request, by the pending-per-loan constraint."""
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != status:
            raise ValidationError(wrong_status)
        check_date(loan.club, on, "on")
        if loan.write_offs.filter(status=WriteOffStatus.PENDING).exists():
            raise ValidationError(_("A write-off of this loan is already waiting for approval."))
        try:
            with transaction.atomic():
                wo = WriteOff.objects.create(
                    loan=loan, on=on, reason=reason.strip(), requested_by=user, undo=undo
                )
        except IntegrityError:
            raise ValidationError(
                _("A write-off of this loan is already waiting for approval.")
            ) from None
        record(user, "finance.writeoff.requested", wo, club=loan.club_id, after=snapshot(wo))
        return wo


def _undo_write_off(user, loan: Loan, wo: WriteOff) -> None:
    entry = (
        loan.entries.filter(
            kind=EntryKind.WRITE_OFF, reverses__isnull=True, reversed_by__isnull=True
        )
        .order_by("-pk")
        .first()
    )
    if loan.status != LoanStatus.WRITTEN_OFF or entry is None:
        raise ValidationError(_("Only a written-off loan can have its write-off reversed."))
    on = max(wo.on, loan.entries.aggregate(m=Max("date"))["m"] or wo.on)
    _reverse(user, entry, date=on, reason=wo.reason)


def decide_write_off(user, wo: WriteOff, *, approve: bool, note: str = "") -> WriteOff:
    """The checker's half: a commune, province or central officer other than the maker. An
    approval posts the write-off entry (no cash moves; the outstanding principal goes to 0)."""
    require(user, "finance.approve_write_off", wo)
    with transaction.atomic():
        loan = _locked_loan(wo.loan)
        wo = WriteOff.objects.select_for_update().get(pk=wo.pk)
        if wo.requested_by_id == user.pk:
            raise ValidationError(
                _("A write-off must be approved by someone other than who asked for it.")
            )
        if wo.status != WriteOffStatus.PENDING:
            raise ValidationError(_("This write-off has already been decided."))
        before = snapshot(wo)
        wo.status = WriteOffStatus.APPROVED if approve else WriteOffStatus.REJECTED
        wo.decided_by, wo.decided_at, wo.decision_note = user, timezone.now(), note[:300]
        if approve and wo.undo:
            _undo_write_off(user, loan, wo)
        elif approve:
            if loan.status != LoanStatus.ACTIVE:
                raise ValidationError(_("Only a loan being repaid can be written off."))
            on = max(wo.on, loan.entries.aggregate(m=Max("date"))["m"] or wo.on)
            state = ledger.loan_state(loan, on)
            _post(
                user,
                _locked_fund(loan.club, FundKind.IGF),
                date=on,
                kind=EntryKind.WRITE_OFF,
                amount=0,
                principal=-state.outstanding,
                loan=loan,
                member=loan.member,
                note=wo.reason[:300],
            )
            loan_before = snapshot(loan)
            loan.status, loan.closed_on = LoanStatus.WRITTEN_OFF, on
            loan.save()
            record(
                user,
                "finance.loan.written_off",
                loan,
                before=loan_before,
                after=snapshot(loan),
                data={"principal": state.outstanding, "write_off": wo.pk},
            )
        wo.save()
        record(
            user,
            "finance.writeoff.decided",
            wo,
            club=loan.club_id,
            before=before,
            after=snapshot(wo),
        )
        return wo


# Meeting-day collection sheet ------------------------------------------------------------------


@dataclass
class SheetLine:
    member: Member
    fee: int = 0
    payments: dict[int, int] = field(default_factory=dict)  # loan id → amount


def submit_collection(
    user, club: Club, *, month: datetime.date, meeting_date: datetime.date, lines: list[SheetLine]
) -> CollectionSheet:
    """Record a whole meeting in one transaction: every repayment (interest first, then
    principal) and every member fee (into the Activity Fund). If any line is refused, nothing is
    written; the error names the member."""
    require(user, "finance.record", club)
    month = month.replace(day=1)
    check_date(club, meeting_date, "meeting_date")
    if (meeting_date.year, meeting_date.month) != (month.year, month.month):
        raise ValidationError(
            {"meeting_date": _("The meeting date must fall in the sheet's month.")}
        )
    if CollectionSheet.objects.filter(club=club, month=month).exists():
        raise ValidationError(
            _("The collection sheet of %(m)s has already been submitted.")
            % {"m": month.strftime("%m/%Y")}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                sheet = CollectionSheet.objects.create(
                    club=club, month=month, meeting_date=meeting_date, submitted_by=user
                )
        except IntegrityError:
            raise ValidationError(
                _("The collection sheet of %(m)s has already been submitted.")
                % {"m": month.strftime("%m/%Y")}
            ) from None
        # Lock order: the loans (by id), then the funds.
        loans = {
            loan.pk: loan
            for loan in Loan.objects.select_for_update()
            .filter(club=club, member__in=[ln.member for ln in lines])
            .order_by("pk")
        }
        activity = _lock_funds(club, FundKind.IGF, FundKind.ACTIVITY)[FundKind.ACTIVITY]
        fees = repaid = 0
        for line in lines:
            try:
                if line.member.club_id != club.pk:
                    raise ValidationError(_("This person is not a member of the club."))
                for loan_id, amount in line.payments.items():
                    if not amount:
                        continue
                    loan = loans.get(loan_id)
                    if loan is None or loan.member_id != line.member.pk:
                        raise ValidationError(_("This loan is not the member's."))
                    repaid += repay(
                        user, loan, amount=amount, on=meeting_date, sheet=sheet, audit=False
                    ).total
                if line.fee:
                    fee = check_amount(line.fee, "fee")
                    _post(
                        user,
                        activity,
                        date=meeting_date,
                        kind=EntryKind.INCOME,
                        category=Category.MEMBER_FEES,
                        amount=fee,
                        member=line.member,
                        sheet=sheet,
                    )
                    fees += fee
            except ValidationError as error:
                raise ValidationError(
                    _("%(member)s: %(error)s")
                    % {"member": line.member.full_name, "error": "; ".join(error.messages)}
                ) from None
        record(
            user,
            "finance.collection.submitted",
            sheet,
            club=club.pk,
            data={"month": month, "repaid": repaid, "fees": fees, "lines": len(lines)},
        )
        return sheet
