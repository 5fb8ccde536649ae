"""Pages of the club funds. Thin: every object comes through the helpers at the top (which go
through ishc.accounts.scope), every change through ishc.finance.services, every figure through
ishc.finance.ledger or ishc.finance.figures."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ishc.accounts.decorators import scoped
from ishc.accounts.permissions import can
from ishc.accounts.scope import scope_name, scope_of, visible, visible_or_404
from ishc.clubs.models import Club, Member, Membership
from ishc.core import xlsx
from ishc.core.breadcrumbs import trail
from ishc.core.text import UNCONFIRMED_COMMUNE, by_vietnamese_name
from ishc.indicators.cache import Results

from . import forms, ledger, services
from .figures import arrears_summary, fund_figures, late_loan_page, loan_figures
from .models import (
    CollectionSheet,
    Entry,
    Fund,
    FundKind,
    Loan,
    LoanStatus,
    WriteOff,
    WriteOffStatus,
)
from .schedule import add_months


def _club_for_user(request, pk) -> Club:
    return visible_or_404(request.user, Club.objects.all(), pk=pk)


def _club_for_recording(request, pk) -> Club:
    club = _club_for_user(request, pk)
    if not _may_record(request.user, club):
        raise PermissionDenied
    return club


def _may_record(user, club) -> bool:
    """Who records money for a club is decided in ishc.accounts.permissions (finance.record):
    its board, and the central officers and administrators who help."""
    return can(user, "finance.record", club)


def _loan_for_user(request, pk) -> Loan:
    return visible_or_404(request.user, Loan.objects.select_related("club", "member"), pk=pk)


def _today():
    return timezone.localdate()


def _on(request) -> datetime.date:
    form = forms.PeriodForm(request.GET)
    if form.is_valid() and form.cleaned_data["on"]:
        return form.cleaned_data["on"]
    return _today()


def _crumbs(club=None, *more):
    steps = [(_("Funds and loans"), reverse("finance:index"))]
    if club is not None:
        steps.append((club.name, reverse("finance:club", args=[club.pk])))
    return trail(*steps, *more)


def _month_or_404(year, month) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        raise Http404 from None


def _month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@scoped
def index(request):
    """The clubs in the user's area with both fund balances today, in a fixed number of queries."""
    today = _today()
    clubs = visible(request.user, Club.objects.all())
    figures = {r["key"]: r for r in fund_figures(clubs, today, "club_id")}
    rows = [(club, figures.get(club.pk)) for club in clubs.select_related("commune")]
    pending = visible(request.user, WriteOff.objects.filter(status=WriteOffStatus.PENDING))
    return render(
        request,
        "finance/index.html",
        {
            "rows": rows,
            "today": today,
            "pending_write_offs": pending.count(),
            "breadcrumbs": [{"label": _("Funds and loans")}],
        },
    )


def _late_rows(loans, on):
    rows = []
    for loan in loans:
        loan.days_overdue = (on - loan.oldest_unpaid_due).days if loan.oldest_unpaid_due else 0
        rows.append(loan)
    return rows


@scoped
def club(request, pk):
    club = _club_for_user(request, pk)
    today = _today()
    loans = ledger.with_arrears(
        Loan.objects.filter(club=club).select_related("member"), today
    ).order_by("status", "-applied_on", "-pk")
    return render(
        request,
        "finance/club.html",
        {
            "club": club,
            "today": today,
            "balances": ledger.club_balances(club, today),
            "loans": _late_rows(loans, today),
            "may_record": _may_record(request.user, club),
            "recent": Entry.objects.filter(club=club)
            .select_related("fund", "member", "reverses")
            .order_by("-date", "-pk")[:10],
            "breadcrumbs": _crumbs(club),
        },
    )


@scoped
def entry_new(request, pk):
    club = _club_for_recording(request, pk)
    form = forms.EntryForm(request.POST or None, club=club, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        entry = forms.apply(
            form,
            lambda: services.record_entry_from(request.user, club, d),
        )
        if entry:
            messages.success(request, _("Entry recorded."))
            return redirect("finance:club", club.pk)
    return render(
        request,
        "finance/form.html",
        {
            "form": form,
            "club": club,
            "title": _("Record capital, income or an expense"),
            "breadcrumbs": _crumbs(club, (_("New entry"), None)),
        },
    )


@scoped
def transfer(request, pk):
    club = _club_for_recording(request, pk)
    form = forms.TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = forms.apply(
            form,
            lambda: services.transfer(
                request.user,
                club,
                from_fund=d["from_fund"],
                amount=d["amount"],
                date=d["date"],
                voucher=d["voucher"],
                note=d["note"],
            ),
        )
        if done:
            messages.success(request, _("Transfer recorded."))
            return redirect("finance:club", club.pk)
    return render(
        request,
        "finance/form.html",
        {
            "form": form,
            "club": club,
            "title": _("Transfer between the two funds"),
            "breadcrumbs": _crumbs(club, (_("Transfer"), None)),
        },
    )


@scoped
def entry_reverse(request, pk):
    entry = visible_or_404(request.user, Entry.objects.select_related("club", "fund"), pk=pk)
    club = _club_for_recording(request, entry.club_id)
    form = forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["amount"]:
            # A typo: the wrong line reversed and the right one recorded in one step.
            done = forms.apply(
                form,
                lambda: services.correct_entry(
                    request.user, entry, amount=d["amount"], date=d["date"], reason=d["reason"]
                ),
            )
            message = _("The entry has been corrected.")
        else:
            done = forms.apply(
                form,
                lambda: services.reverse_entry(
                    request.user, entry, date=d["date"], reason=d["reason"]
                ),
            )
            message = _("The entry has been reversed.")
        if done:
            messages.success(request, message)
            return redirect("finance:club", club.pk)
    return render(
        request,
        "finance/form.html",
        {
            "form": form,
            "club": club,
            "title": _("Reverse or correct entry #%(n)s") % {"n": entry.pk},
            "intro": entry,
            "breadcrumbs": _crumbs(club, (_("Reverse an entry"), None)),
        },
    )


@scoped
def loan_new(request, pk):
    club = _club_for_recording(request, pk)
    form = forms.LoanForm(request.POST or None, club=club)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        loan = forms.apply(
            form,
            lambda: services.apply_loan(
                request.user,
                club,
                member=d["member"],
                amount=d["amount"],
                purpose=d["purpose"],
                applied_on=d["applied_on"],
                months=d["months"],
                annual_rate=d["monthly_rate"] * 12,
                method=d["method"],
            ),
        )
        if loan:
            messages.success(request, _("Application recorded."))
            return redirect("finance:loan", loan.pk)
    return render(
        request,
        "finance/form.html",
        {
            "form": form,
            "club": club,
            "title": _("Loan application"),
            "breadcrumbs": _crumbs(club, (_("Loan application"), None)),
        },
    )


# Each action: (form class, who may do it, the service call, the success message).
def _act_approve(user, loan, d):
    return services.approve_loan(user, loan, on=d["on"], meeting=d["meeting"])


def _act_reject(user, loan, d):
    return services.reject_loan(user, loan, reason=d["reason"])


def _act_disburse(user, loan, d):
    return services.disburse(user, loan, on=d["on"], voucher=d["voucher"])


def _act_repay(user, loan, d):
    return services.repay(user, loan, amount=d["amount"], on=d["on"], voucher=d["voucher"])


def _act_reschedule(user, loan, d):
    return services.reschedule(user, loan, on=d["on"], months=d["months"], reason=d["reason"])


def _act_write_off(user, loan, d):
    return services.request_write_off(user, loan, on=d["on"], reason=d["reason"])


def _act_undo_write_off(user, loan, d):
    return services.request_write_off_reversal(user, loan, on=d["on"], reason=d["reason"])


ACTIONS = {
    "approve": (forms.ApproveForm, _act_approve, gettext_lazy("Loan approved.")),
    "reject": (forms.RejectForm, _act_reject, gettext_lazy("Application rejected.")),
    "disburse": (forms.DisburseForm, _act_disburse, gettext_lazy("Loan disbursed.")),
    "repay": (forms.RepayForm, _act_repay, gettext_lazy("Repayment recorded.")),
    "reschedule": (forms.RescheduleForm, _act_reschedule, gettext_lazy("Loan rescheduled.")),
    "write_off": (
        forms.WriteOffForm,
        _act_write_off,
        gettext_lazy("Write-off requested: an officer must approve it."),
    ),
    "undo_write_off": (
        forms.UndoWriteOffForm,
        _act_undo_write_off,
        gettext_lazy("Reversal requested: an officer must approve it."),
    ),
}
ACTIONS_BY_STATUS = {
    LoanStatus.APPLIED: ["approve", "reject"],
    LoanStatus.APPROVED: ["disburse", "reject"],
    LoanStatus.ACTIVE: ["repay", "reschedule", "write_off"],
    # A loan written off by mistake, or a borrower who pays after all.
    LoanStatus.WRITTEN_OFF: ["undo_write_off"],
}


def _schedule_rows(loan, state):
    """The schedule in force, each line marked paid, late or to come (from the running totals)."""
    rows = []
    for line in loan.instalments.filter(version=loan.schedule_version, no__gte=1):
        if line.cum_total <= state.paid_total:
            line.state = "paid"
        elif line.due_date <= state.on and state.outstanding > 0:
            line.state = "late"
        else:
            line.state = "due"
        rows.append(line)
    return rows


def _ledger_rows(loan):
    """The loan's entries with the principal outstanding after each (a running sum for
    display; the figures themselves come from the ledger)."""
    rows, outstanding = [], 0
    for entry in loan.entries.select_related("fund", "reverses").order_by("date", "pk"):
        outstanding += entry.principal
        entry.outstanding_after = outstanding
        rows.append(entry)
    return rows


@scoped
def loan(request, pk, action=None):
    loan = _loan_for_user(request, pk)
    may_record = _may_record(request.user, loan.club)
    today = _today()
    bound = None
    if action is not None:
        if action not in ACTIONS or action not in ACTIONS_BY_STATUS.get(loan.status, []):
            raise Http404
        if request.method != "POST" or not may_record:
            raise PermissionDenied
        form_class, call, success = ACTIONS[action]
        bound = form_class(request.POST, prefix=action)
        if bound.is_valid() and forms.apply(
            bound, lambda: call(request.user, loan, bound.cleaned_data)
        ):
            messages.success(request, success)
            return redirect("finance:loan", loan.pk)
    state = ledger.loan_state(loan, today)
    pending = loan.write_offs.filter(status=WriteOffStatus.PENDING).first()
    actions = []
    if may_record:
        for name in ACTIONS_BY_STATUS.get(loan.status, []):
            if pending is not None and name in ("write_off", "undo_write_off"):
                continue  # one decision per loan at a time: the request is shown above
            form_class = ACTIONS[name][0]
            form = bound if name == action else form_class(prefix=name)
            actions.append((name, form))
    context = {
        "loan": loan,
        "state": state,
        "today": today,
        "schedule": _schedule_rows(loan, state),
        "entries": _ledger_rows(loan),
        "actions": actions,
        "action_titles": ACTION_TITLES,
        "open_action": action,
        "pending": pending,
        "may_decide": pending is not None and _may_decide(request.user, loan),
        "reschedules": loan.reschedules.select_related("recorded_by"),
        "write_offs": loan.write_offs.select_related("requested_by", "decided_by"),
        "breadcrumbs": _crumbs(loan.club, (str(loan), None)),
    }
    if request.GET.get("format") == "xlsx":
        return _loan_xlsx(loan, context)
    return render(request, "finance/loan.html", context)


ACTION_TITLES = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "disburse": gettext_lazy("Disburse"),
    "repay": gettext_lazy("Record a repayment"),
    "reschedule": gettext_lazy("Reschedule"),
    "write_off": gettext_lazy("Ask for a write-off"),
    "undo_write_off": gettext_lazy("Ask to reverse the write-off"),
}


def _loan_xlsx(loan, context):
    book = xlsx.Book()
    sheet = book.sheet(
        _("Loan ledger"),
        [
            xlsx.Col(_("Date"), "date"),
            xlsx.Col(_("Kind"), "text", 22),
            xlsx.Col(_("Voucher"), "code"),
            xlsx.Col(_("Cash (VND)"), "money"),
            xlsx.Col(_("Principal (VND)"), "money"),
            xlsx.Col(_("Outstanding after (VND)"), "money"),
            xlsx.Col(_("Note"), "long", 30),
        ],
        title=f"{_('Loan card')} · {loan}",
        unit=loan.club,
        period=xlsx.period_label(context["today"]),
    )
    sheet.rows(
        [
            e.date,
            e.get_kind_display() + (f" ({_('reversal')})" if e.reverses_id else ""),
            e.voucher,
            e.amount,
            -e.principal if e.principal < 0 else e.principal,
            e.outstanding_after,
            e.note,
        ]
        for e in context["entries"]
    )
    schedule = book.sheet(
        _("Schedule"),
        [
            xlsx.Col(_("No."), "int", 6),
            xlsx.Col(_("Due date"), "date"),
            xlsx.Col(_("Principal"), "money"),
            xlsx.Col(_("Interest"), "money"),
            xlsx.Col(_("Total"), "money"),
            xlsx.Col(_("Balance"), "money"),
        ],
        title=f"{_('Repayment schedule')} · {loan} · {loan.get_method_display()}",
        unit=loan.club,
        period=xlsx.period_label(context["today"]),
    )
    schedule.rows(
        [r.no, r.due_date, r.principal, r.interest, r.total, loan.amount - r.cum_principal]
        for r in context["schedule"]
    )
    return book.response(xlsx.filename("The vay", loan.club.code, loan.pk))


def _may_decide(user, loan) -> bool:
    return can(user, "finance.approve_write_off", loan)


@scoped
def write_offs(request):
    """Write-offs waiting for an officer's decision, in the user's area."""
    pending = (
        visible(request.user, WriteOff.objects.filter(status=WriteOffStatus.PENDING))
        .select_related("loan__member", "loan__club", "requested_by")
        .order_by("requested_at")
    )
    return render(
        request,
        "finance/write_offs.html",
        {
            "pending": pending,
            "breadcrumbs": _crumbs(None, (_("Write-offs to decide"), None)),
        },
    )


@scoped
def write_off_decide(request, pk, decision):
    if request.method != "POST" or decision not in ("approve", "reject"):
        raise Http404
    wo = visible_or_404(request.user, WriteOff.objects.select_related("loan__club"), pk=pk)
    if not _may_decide(request.user, wo.loan):
        raise PermissionDenied
    form = forms.DecideForm(request.POST)
    form.is_valid()
    try:
        services.decide_write_off(
            request.user,
            wo,
            approve=decision == "approve",
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Write-off approved.") if decision == "approve" else _("Write-off rejected."),
        )
    return redirect("finance:loan", wo.loan_id)


# Meeting-day collection sheet ------------------------------------------------------------------


def _default_meeting_date(club, month):
    day = min(club.meeting_day or 1, _month_end(month).day)
    return min(month.replace(day=day), max(_today(), month))


def _next_meeting(club, meeting_date):
    """The next monthly meeting after `meeting_date`: the club's meeting day next month (or the
    same day of the month when the club has none). An instalment falling due before it is
    collected at this meeting."""
    nxt = add_months(meeting_date, 1)
    if club.meeting_day:
        nxt = nxt.replace(day=min(club.meeting_day, _month_end(nxt).day))
    return max(nxt, meeting_date + datetime.timedelta(days=1))


def _parse_date(text, default):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return default


@scoped
def collect(request, pk, year, month):
    """One screen per club and month: each current member with the instalment and fee due; the
    treasurer types what was paid and submits once."""
    club = _club_for_user(request, pk)
    month = _month_or_404(year, month)
    sheet = CollectionSheet.objects.filter(club=club, month=month).first()
    crumbs = _crumbs(club, (_("Collection sheet %(m)s") % {"m": f"{month:%m/%Y}"}, None))
    if sheet is not None:
        if request.method == "POST":
            messages.error(
                request,
                _("The collection sheet of %(m)s has already been submitted.")
                % {"m": f"{month:%m/%Y}"},
            )
        entries = sheet.entries.select_related("member", "fund")
        return render(
            request,
            "finance/collect_done.html",
            {
                "club": club,
                "sheet": sheet,
                "month": month,
                "entries": by_vietnamese_name(
                    entries.order_by("pk"), name=lambda e: e.member.full_name if e.member else ""
                ),
                "total": entries.aggregate(s=Sum("amount"))["s"] or 0,
                "breadcrumbs": crumbs,
            },
        )
    may_record = _may_record(request.user, club)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    meeting_date = _parse_date(
        request.POST.get("meeting_date") or request.GET.get("meeting_date"),
        _default_meeting_date(club, month),
    )
    # The register's order (Vietnamese alphabet), not code point order.
    members = by_vietnamese_name(
        Member.objects.filter(
            pk__in=Membership.objects.on(meeting_date).filter(club=club).values("member_id")
        )
    )
    loans = ledger.due_by(
        Loan.objects.filter(club=club, status=LoanStatus.ACTIVE, member__in=members),
        meeting_date,
        before=_next_meeting(club, meeting_date),
    )
    by_member: dict[int, list] = {}
    for loan in loans:
        loan.amount_due = max(0, loan.scheduled_total - loan.paid_total)
        by_member.setdefault(loan.member_id, []).append(loan)
    fee = settings.ISHC["MEMBER_FEE"]
    rows = [{"member": m, "loans": by_member.get(m.pk, []), "fee_due": fee} for m in members]
    errors: list[str] = []
    if request.method == "POST":
        lines = []
        for row in rows:
            line = services.SheetLine(row["member"])
            row["fee_value"] = request.POST.get(f"fee_{row['member'].pk}", "").strip()
            try:
                if row["fee_value"] not in ("", "0"):
                    line.fee = services.check_amount(row["fee_value"], "fee")
                for loan in row["loans"]:
                    loan.value = request.POST.get(f"pay_{loan.pk}", "").strip()
                    if loan.value not in ("", "0"):
                        line.payments[loan.pk] = services.check_amount(loan.value, "amount")
            except ValidationError as error:
                row["error"] = " ".join(error.messages)
                errors.append(f"{row['member'].full_name}: {row['error']}")
            if line.fee or line.payments:
                lines.append(line)
        if not errors:
            try:
                services.submit_collection(
                    request.user, club, month=month, meeting_date=meeting_date, lines=lines
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, _("The collection sheet has been recorded."))
                return redirect("finance:collect", club.pk, month.year, month.month)
    return render(
        request,
        "finance/collect.html",
        {
            "club": club,
            "month": month,
            "meeting_date": meeting_date,
            "rows": rows,
            "errors": errors,
            "may_record": may_record,
            "total_due": sum(loan.amount_due for row in rows for loan in row["loans"]),
            "previous": (month - datetime.timedelta(days=1)).replace(day=1),
            "next": (_month_end(month) + datetime.timedelta(days=1)),
            "today": _today(),
            "breadcrumbs": crumbs,
        },
    )


@scoped
def collect_current(request, pk):
    today = _today()
    return redirect("finance:collect", pk, today.year, today.month)


# Books -------------------------------------------------------------------------------------------


def cash_book_rows(club, fund: str, month: datetime.date):
    """(opening balance, the month's entries each with its balance_after, closing balance): the
    cash book of one fund of a club that the caller reached through the scope."""
    fund_row = Fund.objects.filter(club=club, kind=fund).first()
    opening = ledger.balance(fund_row, month - datetime.timedelta(days=1)) if fund_row else 0
    entries = (
        Entry.objects.filter(fund=fund_row, date__gte=month, date__lte=_month_end(month))
        .select_related("member", "loan", "reverses")
        .order_by("date", "pk")
        if fund_row
        else Entry.objects.none()
    )
    rows, running = [], opening
    for entry in entries:
        running += entry.amount
        entry.balance_after = running
        rows.append(entry)
    closing = ledger.balance(fund_row, _month_end(month)) if fund_row else 0
    return opening, rows, closing


@scoped
def cash_book(request, pk, fund, year, month):
    club = _club_for_user(request, pk)
    if fund not in FundKind.values:
        raise Http404
    month = _month_or_404(year, month)
    opening, rows, closing = cash_book_rows(club, fund, month)
    title = _("Cash book · %(fund)s · %(m)s") % {
        "fund": FundKind(fund).label,
        "m": f"{month:%m/%Y}",
    }
    if request.GET.get("format") == "xlsx":
        return _cash_book_xlsx(club, fund, month, title, opening, closing, rows)
    return render(
        request,
        "finance/cash_book.html",
        {
            "club": club,
            "fund": fund,
            "funds": FundKind.choices,
            "month": month,
            "title": title,
            "opening": opening,
            "closing": closing,
            "rows": rows,
            "total_in": sum(e.amount for e in rows if e.amount > 0),
            "total_out": -sum(e.amount for e in rows if e.amount < 0),
            "previous": (month - datetime.timedelta(days=1)).replace(day=1),
            "next": _month_end(month) + datetime.timedelta(days=1),
            "today": _today(),
            "may_record": _may_record(request.user, club),
            "print_url": reverse(
                "finance:print_cash_book", args=[club.pk, fund, month.year, month.month]
            ),
            "breadcrumbs": _crumbs(club, (title, None)),
        },
    )


def _cash_book_xlsx(club, fund, month, title, opening, closing, rows):
    book = xlsx.Book()
    sheet = book.sheet(
        _("Cash book"),
        [
            xlsx.Col(_("Date"), "date"),
            xlsx.Col(_("Voucher"), "code", 9),
            xlsx.Col(_("Kind"), "text", 16),
            xlsx.Col(_("Category"), "text", 16),
            xlsx.Col(_("Counterpart"), "name", 22),
            xlsx.Col(_("In (VND)"), "money", 13),
            xlsx.Col(_("Out (VND)"), "money", 13),
            xlsx.Col(_("Balance (VND)"), "money", 14),
            xlsx.Col(_("Note"), "long", 24),
        ],
        title=title,
        unit=club,
        period=xlsx.period_label(month, _month_end(month)),
    )
    sheet.row([month, "", _("Opening balance"), "", "", None, None, opening, ""], bold=True)
    sheet.rows(
        [
            e.date,
            e.voucher,
            e.get_kind_display(),
            e.get_category_display(),
            str(e.member or e.counterpart),
            e.amount if e.amount > 0 else None,
            -e.amount if e.amount < 0 else None,
            e.balance_after,
            e.note,
        ]
        for e in rows
    )
    sheet.row(
        [_month_end(month), "", _("Closing balance"), "", "", None, None, closing, ""], bold=True
    )
    return book.response(xlsx.filename("So quy", club.code, FundKind(fund).label, f"{month:%Y-%m}"))


@scoped
def cash_book_current(request, pk, fund):
    today = _today()
    return redirect("finance:cash_book", pk, fund, today.year, today.month)


def _loan_table_rows(loans, on):
    return [
        [
            loan.pk,
            loan.member.full_name,
            loan.disbursed_on,
            loan.amount,
            float(loan.monthly_rate_percent),
            loan.months,
            loan.get_method_display(),
            loan.principal_repaid,
            loan.interest_paid,
            -loan.written_off,
            loan.outstanding,
            loan.days_overdue,
            loan.get_status_display(),
        ]
        for loan in loans
    ]


def _loan_columns() -> list[xlsx.Col]:
    return [
        xlsx.Col(_("No."), "int", 6),
        xlsx.Col(_("Member"), "name"),
        xlsx.Col(_("Disbursed on"), "date"),
        xlsx.Col(_("Amount"), "money"),
        xlsx.Col(_("Rate (% a month)"), "decimal"),
        xlsx.Col(_("Months"), "int", 8),
        xlsx.Col(_("Method"), "text", 14),
        xlsx.Col(_("Principal repaid"), "money"),
        xlsx.Col(_("Interest paid"), "money"),
        xlsx.Col(_("Written off"), "money"),
        xlsx.Col(_("Outstanding"), "money"),
        xlsx.Col(_("Days overdue"), "int"),
        xlsx.Col(_("Status"), "text", 14),
    ]


def ledger_loans(club, on: datetime.date) -> list:
    """The club's disbursed loans with their figures on `on`, in the order they were lent."""
    return _late_rows(
        ledger.with_figures(
            Loan.objects.filter(club=club, disbursed_on__isnull=False).select_related("member"),
            on,
        ).order_by("disbursed_on", "pk"),
        on,
    )


def ledger_totals(loans) -> dict:
    return {
        k: sum(getattr(loan, k) for loan in loans)
        for k in ("amount", "principal_repaid", "interest_paid", "written_off", "outstanding")
    }


@scoped
def loan_ledger(request, pk):
    """All loans of a club with their figures on a date: the paper loan ledger."""
    club = _club_for_user(request, pk)
    on = _on(request)
    loans = ledger_loans(club, on)
    title = _("Loan ledger")
    if request.GET.get("format") == "xlsx":
        book = xlsx.Book()
        book.sheet(title, _loan_columns(), unit=club, period=xlsx.period_label(on)).rows(
            _loan_table_rows(loans, on)
        )
        return book.response(xlsx.filename("So cho vay", club.code, f"{on:%Y-%m-%d}"))
    totals = ledger_totals(loans)
    return render(
        request,
        "finance/loan_ledger.html",
        {
            "club": club,
            "on": on,
            "loans": loans,
            "totals": totals,
            "title": title,
            "print_url": reverse("finance:print_loan_ledger", args=[club.pk])
            + f"?on={on:%Y-%m-%d}",
            "breadcrumbs": _crumbs(club, (title, None)),
        },
    )


@scoped
def member_loans(request, pk):
    member = visible_or_404(request.user, Member.objects.select_related("club"), pk=pk)
    on = _today()
    loans = _late_rows(
        ledger.with_figures(
            Loan.objects.filter(member=member).select_related("member", "club"), on
        ).order_by("applied_on", "pk"),
        on,
    )
    title = _("Loan history of %(name)s") % {"name": member.full_name}
    if request.GET.get("format") == "xlsx":
        book = xlsx.Book()
        book.sheet(
            _("Loan history"),
            _loan_columns(),
            title=title,
            unit=member.club,
            period=xlsx.period_label(on),
        ).rows(_loan_table_rows(loans, on))
        return book.response(xlsx.filename("Vay von", member.club.code, member.pk))
    return render(
        request,
        "finance/member_loans.html",
        {
            "member": member,
            "loans": loans,
            "on": on,
            "title": title,
            "breadcrumbs": _crumbs(member.club, (title, None)),
        },
    )


# Arrears -----------------------------------------------------------------------------------------

GROUPINGS = {
    "club": ("club_id", gettext_lazy("Club")),
    "commune": ("club__commune_id", gettext_lazy("Commune")),
    "province": ("club__province_id", gettext_lazy("Province")),
}


@scoped
def arrears(request, pk=None):
    """Late loans and PAR30 for one club, or for every club in the user's area grouped by club,
    commune or province."""
    on = _on(request)
    club = _club_for_user(request, pk) if pk is not None else None
    clubs = Club.objects.filter(pk=club.pk) if club else visible(request.user, Club.objects.all())
    loans = ledger.with_arrears(Loan.objects.filter(club__in=clubs.values("pk")), on)
    # The area's totals look at every loan of the area: kept in the shared cache until a change
    # in the area commits (ishc.indicators.cache), like the dashboards.
    results = Results()
    area = club if club else scope_of(request.user)
    buckets, total = arrears_summary(results, area, clubs, on)
    labels = ledger.bucket_labels()
    bucket_rows = [
        {"label": label, **buckets.get(i, {"n": 0, "principal": 0})}
        for i, label in enumerate([_("Not late")] + labels)
    ]
    year_start = on.replace(month=1, day=1)
    group = request.GET.get("by", "club")
    if group not in GROUPINGS:
        group = "club"
    if request.GET.get("format") == "xlsx":
        late_loans = loans.filter(bucket__gt=0).select_related("member", "club")
        late = _late_rows(late_loans.order_by("oldest_unpaid_due", "pk"), on)
    else:
        # One page of late loans; their number is already known from the buckets, so the
        # pager does not count the country's loans a second time.
        paginator = Paginator(LatePages(results, area, clubs, on), ARREARS_PAGE)
        paginator.count = sum(row["n"] for row in bucket_rows[1:])
        late_page = paginator.get_page(request.GET.get("page"))
        late = _late_rows(late_page.object_list, on)
    for loan in late:
        loan.bucket_label = labels[loan.bucket - 1]
    units, units_page = [], None
    if club is None:
        units_page, page_clubs = _unit_page(request, clubs, group)
        rows = loan_figures(page_clubs, year_start, on, on, GROUPINGS[group][0])
        names = _group_names(group, [r["key"] for r in rows])
        order = {key: i for i, key in enumerate(units_page.object_list)}
        units = sorted(
            (
                {
                    **r,
                    "name": names.get(r["key"], "—"),
                    "par30": _ratio(r["par30_principal"], r["outstanding_principal"]),
                    "on_time": _ratio(r["instalments_paid_on_time"], r["instalments_due"]),
                }
                for r in rows
            ),
            key=lambda u: order.get(u["key"], len(order)),
        )
    title = _("Arrears")
    if request.GET.get("format") == "xlsx":
        book = xlsx.Book()
        book.sheet(
            title,
            [xlsx.Col(_("Club"), "name"), *_loan_columns(), xlsx.Col(_("Bucket (days)"))],
            unit=club or scope_name(request.user),
            period=xlsx.period_label(on),
        ).rows(
            [loan.club.name, *row, loan.bucket_label]
            for loan, row in zip(late, _loan_table_rows(late, on), strict=True)
        )
        return book.response(
            xlsx.filename("No qua han", club.code if club else "", f"{on:%Y-%m-%d}")
        )
    return render(
        request,
        "finance/arrears.html",
        {
            "club": club,
            "on": on,
            "buckets": bucket_rows,
            "late": late,
            "late_page": late_page,
            "units_page": units_page,
            "query": _query_without(request, "page"),
            "units_query": _query_without(request, "units"),
            "total": total,
            "par30": _ratio(total["par30_principal"], total["outstanding_principal"]),
            "on_time": _ratio(total["instalments_paid_on_time"], total["instalments_due"]),
            "units": units,
            "group": group,
            "groupings": [(k, v[1]) for k, v in GROUPINGS.items()],
            "group_label": GROUPINGS[group][1],
            "title": title,
            "breadcrumbs": _crumbs(club, (title, None)),
        },
    )


class LatePages:
    """The late loans of the area, oldest unpaid instalment first, as the Paginator reads them:
    a page's loan ids are chosen by that one date (figures.late_loan_page), then with_arrears
    computes every figure for those loans only. Ordering with_arrears itself made the database
    compute all eight figures of every loan of the country to show 25 (issue 14, finding 4)."""

    def __init__(self, results: Results, area, clubs, on: datetime.date):
        self.results, self.area, self.clubs, self.on = results, area, clubs, on

    def __getitem__(self, window: slice) -> list[Loan]:
        ids = late_loan_page(self.results, self.area, self.clubs, self.on, window)
        rows = ledger.with_arrears(Loan.objects.filter(pk__in=ids), self.on)
        by_id = {loan.pk: loan for loan in rows.select_related("member", "club")}
        return [by_id[pk] for pk in ids]


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else None


# Rows per page of the arrears lists: a national page shows one page of late loans and of
# units, and computes loan figures for that page's units only.
ARREARS_PAGE = 25
# What a unit of each grouping is, seen from the club, and the order its rows are listed in.
_GROUP_KEYS = {
    "club": ("pk", "search_name"),
    "commune": ("commune_id", "commune__search_name"),
    "province": ("province_id", "province__search_name"),
}


def _unit_page(request, clubs, group):
    """One page of the grouping's keys among the visible clubs (names in order, clubs waiting for
    their commune last), and the clubs of those keys only: what loan_figures is asked about."""
    key, order = _GROUP_KEYS[group]
    keys = clubs.order_by().values_list(key, flat=True).distinct()
    keys = keys.order_by(F(order).asc(nulls_last=True), key)
    page = Paginator(keys, ARREARS_PAGE).get_page(request.GET.get("units"))
    keys = list(page.object_list)
    within = Q(**{f"{key}__in": [k for k in keys if k is not None]})
    if None in keys:
        within |= Q(**{f"{key}__isnull": True})
    return page, clubs.filter(within)


def _query_without(request, param: str) -> str:
    """The list's query string without one pager's parameter, ending in & when not empty."""
    params = request.GET.copy()
    params.pop(param, None)
    params.pop("format", None)
    text = params.urlencode()
    return f"{text}&" if text else ""


def _group_names(group, keys) -> dict:
    from ishc.geo.models import Unit

    if group == "club":
        return dict(Club.objects.filter(pk__in=keys).values_list("pk", "name"))
    names = dict(Unit.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    if group == "commune":
        names[None] = str(UNCONFIRMED_COMMUNE)
    return names
