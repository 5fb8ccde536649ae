"""Every money figure, derived from immutable entries. Nothing here writes.

One module, so that "how is this figure computed?" has one answer:

- fund balance on a date = Σ entry.amount of the fund up to that date;
- a loan's outstanding principal = Σ entry.principal of the loan (disbursed − principal repaid −
  written off, reversals netting out);
- interest due on a date = scheduled interest due by then − interest paid;
- a payment is split along the schedule (allocate): each instalment's interest, then its
  principal, in order, including instalments not yet due; paying everything off early owes the
  interest the club's rule asks for (payoff_interest);
- arrears: the oldest instalment of the schedule in force whose running total (principal +
  interest) exceeds what the member has paid by that date; days overdue = date − its due date,
  counted only while principal is outstanding (a repaid or written-off loan has no arrears).

The per-loan figures are SQL expressions (subqueries) so that lists, arrears reports and the
figures API aggregate them in the database instead of looping over loans in Python.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ishc.clubs.models import Club, EarlyPayoff

from .models import Entry, EntryKind, Fund, FundKind, Instalment, Loan

PAID_KINDS = (EntryKind.PRINCIPAL, EntryKind.INTEREST)


def _sum_subquery(qs: QuerySet, group: str, field: str) -> Coalesce:
    """Σ field over qs (already correlated to the outer row), 0 when there is no row."""
    total = qs.order_by().values(group).annotate(s=Sum(field)).values("s")[:1]
    return Coalesce(Subquery(total, output_field=BigIntegerField()), Value(0))


def balance(fund: Fund, on: datetime.date | None = None) -> int:
    qs = fund.entries.all()
    if on is not None:
        qs = qs.filter(date__lte=on)
    return qs.aggregate(s=Coalesce(Sum("amount"), 0))["s"]


def club_balances(club, on: datetime.date | None = None) -> dict[str, int]:
    """{"igf": …, "activity": …} in one query."""
    qs = Entry.objects.filter(club=club)
    if on is not None:
        qs = qs.filter(date__lte=on)
    sums = qs.aggregate(
        **{kind: Coalesce(Sum("amount", filter=Q(fund__kind=kind)), 0) for kind in FundKind.values}
    )
    return sums


def loan_entries(on: datetime.date | None, loan_ref="pk") -> QuerySet:
    qs = Entry.objects.filter(loan=OuterRef(loan_ref))
    return qs.filter(date__lte=on) if on is not None else qs


def with_figures(loans: QuerySet, on: datetime.date) -> QuerySet:
    """Loans annotated with their figures on `on`:

    disbursed, principal_repaid, written_off, outstanding, interest_paid, paid_total,
    interest_scheduled (due by `on` in the schedule in force), oldest_unpaid_due (None when
    nothing is late or nothing is outstanding).
    """
    entries = loan_entries(on)
    loans = loans.annotate(
        disbursed=_sum_subquery(entries.filter(kind=EntryKind.DISBURSEMENT), "loan", "principal"),
        principal_repaid=_sum_subquery(entries.filter(kind=EntryKind.PRINCIPAL), "loan", "amount"),
        written_off=_sum_subquery(entries.filter(kind=EntryKind.WRITE_OFF), "loan", "principal"),
        outstanding=_sum_subquery(entries, "loan", "principal"),
        interest_paid=_sum_subquery(entries.filter(kind=EntryKind.INTEREST), "loan", "amount"),
        paid_total=_sum_subquery(entries.filter(kind__in=PAID_KINDS), "loan", "amount"),
        interest_scheduled=_sum_subquery(
            Instalment.objects.filter(
                loan=OuterRef("pk"), version=OuterRef("schedule_version"), due_date__lte=on
            ),
            "loan",
            "interest",
        ),
    )
    # What was paid, or "everything" once no principal is outstanding (repaid or written off):
    # one pass over the loan's entries that both measures the payments and rules out arrears on
    # a settled loan, so the arrears subqueries need no separate outstanding check.
    settled_or_paid = (
        entries.order_by()
        .values("loan")
        .annotate(
            left=Sum("principal"),
            paid=Coalesce(Sum("amount", filter=Q(kind__in=PAID_KINDS)), Value(0)),
        )
        .annotate(
            v=Case(When(left__gt=0, then=F("paid")), default=Value(_SETTLED)),
        )
        .values("v")[:1]
    )
    loans = loans.alias(
        paid_unless_settled=Coalesce(
            Subquery(settled_or_paid, output_field=BigIntegerField()), Value(_SETTLED)
        )
    )
    return loans.annotate(oldest_unpaid_due=Subquery(_oldest_unpaid(on).values("due_date")[:1]))


# Larger than any running total of a schedule: no line is "unpaid" against it.
_SETTLED = 2**62


def _oldest_unpaid(on: datetime.date) -> QuerySet:
    """The schedule lines of the outer loan that fell due before `on` and are not covered by what
    was paid, oldest first (the outer query must carry paid_unless_settled, see with_figures).
    An instalment due today is not late: it can still be paid today."""
    return Instalment.objects.filter(
        loan=OuterRef("pk"),
        version=OuterRef("schedule_version"),
        due_date__lt=on,
        cum_total__gt=OuterRef("paid_unless_settled"),
    ).order_by("due_date", "no")


def late_loan_ids(loans: QuerySet, on: datetime.date, window: slice) -> list[int]:
    """One window of the ids of the late loans among `loans` on `on`, oldest unpaid instalment
    first (then by id); see late_loans."""
    return [pk for _oldest, pk in late_loans(loans, on, window)]


def late_loans(loans: QuerySet, on: datetime.date, window: slice) -> list[tuple]:
    """One window of the late loans among `loans` on `on` as (oldest unpaid due date, id),
    oldest unpaid instalment first (then by id): how a list of late loans chooses its page
    before with_arrears computes the page's figures. The same rule as _oldest_unpaid, written
    as one query: paid amounts are summed once per loan and joined to the schedule lines.
    Ordering by the oldest_unpaid_due annotation instead re-ran the payments' sum for every
    schedule line looked at (SQL cannot reuse a correlated alias) and made every loan's eight
    figures part of the sort (issue 14, finding 4)."""
    scope, params = loans.order_by().values("pk").query.sql_with_params()
    entry, line, loan = Entry._meta.db_table, Instalment._meta.db_table, Loan._meta.db_table
    limit = window.stop - window.start
    kinds = ", ".join(["%s"] * len(PAID_KINDS))
    sql = f"""
        WITH paid AS (
            SELECT e.loan_id,
                   SUM(CASE WHEN e.kind IN ({kinds}) THEN e.amount ELSE 0 END) AS paid
            FROM {entry} e
            WHERE e.loan_id IN ({scope}) AND e.date <= %s
            GROUP BY e.loan_id
            HAVING SUM(e.principal) > 0
        )
        SELECT MIN(i.due_date) AS oldest, i.loan_id
        FROM {line} i
        JOIN {loan} l ON l.id = i.loan_id AND i.version = l.schedule_version
        JOIN paid p ON p.loan_id = i.loan_id
        WHERE i.due_date < %s AND i.cum_total > p.paid
        GROUP BY i.loan_id
        ORDER BY oldest, i.loan_id
        LIMIT %s OFFSET %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*PAID_KINDS, *params, on, on, limit, window.start])
        # SQLite returns the MIN of dates as text.
        return [(_as_date(oldest), pk) for oldest, pk in cursor.fetchall()]


def _as_date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def bucket_bounds() -> tuple[int, ...]:
    return tuple(settings.ISHC["ARREARS_BUCKETS"])


def bucket_labels() -> list[str]:
    """ "1–30", "31–60", "61–90", "> 90" from the configured bounds."""
    bounds = bucket_bounds()
    labels, low = [], 1
    for high in bounds:
        labels.append(f"{low}–{high}")
        low = high + 1
    labels.append(f"> {bounds[-1]}")
    return labels


def bucket_expr(on: datetime.date) -> Coalesce:
    """The arrears bucket as an index (0 = not late, 1 = first bucket …), in SQL.

    Computed inside one subquery on the oldest unpaid line rather than from the
    oldest_unpaid_due annotation: SQL cannot reuse an alias of the same SELECT, so each WHEN on
    the annotation would repeat the whole subquery (five times with four buckets). Comparing a
    date with `on` minus each bound works the same on SQLite and PostgreSQL."""
    whens = [
        When(due_date__gte=on - datetime.timedelta(days=bound), then=Value(i))
        for i, bound in enumerate(bucket_bounds(), start=1)
    ]
    line_bucket = Case(*whens, default=Value(len(bucket_bounds()) + 1))
    first = _oldest_unpaid(on).annotate(b=line_bucket).values("b")[:1]
    return Coalesce(Subquery(first), Value(0), output_field=IntegerField())


def with_arrears(loans: QuerySet, on: datetime.date) -> QuerySet:
    return with_figures(loans, on).annotate(bucket=bucket_expr(on))


def par_expr(on: datetime.date, days: int = 30) -> Sum:
    """Outstanding principal of loans more than `days` overdue (an aggregate over with_figures)."""
    cutoff = on - datetime.timedelta(days=days)
    return Coalesce(
        Sum(Case(When(oldest_unpaid_due__lt=cutoff, then=F("outstanding")), default=Value(0))),
        Value(0),
    )


@dataclass(frozen=True)
class LoanState:
    """One loan's figures on a date, for the loan page and the repayment service."""

    on: datetime.date
    disbursed: int
    principal_repaid: int
    written_off: int
    outstanding: int
    interest_paid: int
    paid_total: int  # principal and interest paid by `on`
    interest_due: int
    arrears_due: int  # principal and interest scheduled by `on` and not yet paid
    oldest_unpaid_due: datetime.date | None

    @property
    def days_overdue(self) -> int:
        if self.oldest_unpaid_due is None:
            return 0
        return (self.on - self.oldest_unpaid_due).days

    payoff_interest: int = 0  # the interest owed when paying everything off on `on`

    @property
    def payoff(self) -> int:
        """The most the member may pay on `on`: all outstanding principal and the interest the
        club's early-payoff rule asks for (see payoff_interest)."""
        return self.outstanding + self.payoff_interest if self.outstanding > 0 else 0


@dataclass(frozen=True)
class Line:
    due_date: datetime.date
    cum_principal: int
    cum_interest: int


def schedule_lines(loan: Loan) -> list[Line]:
    """The schedule in force, in order (line 0 of a rescheduled version first)."""
    rows = Instalment.objects.filter(loan=loan, version=loan.schedule_version).order_by("no")
    return [Line(*r) for r in rows.values_list("due_date", "cum_principal", "cum_interest")]


def payoff_interest(lines: list[Line], on: datetime.date, rule: str, interest_paid: int) -> int:
    """The interest still owed when the whole loan is paid off on `on` (docs/finance.md).

    "scheduled": every instalment's interest. "to_date" (the default): the interest of every
    instalment whose period has begun by `on` — the period of an instalment runs from the day
    after the previous due date to its own due date — and none of the periods not yet begun. So
    the last instalment paid within its own period owes its full interest, and a loan paid
    instalment by instalment earns exactly its scheduled interest either way."""
    if not lines:
        return 0
    if rule == EarlyPayoff.SCHEDULED:
        owed = lines[-1].cum_interest
    else:
        owed = next((ln.cum_interest for ln in lines if ln.due_date >= on), lines[-1].cum_interest)
    return max(0, owed - interest_paid)


def allocate(
    lines: list[Line], interest_paid: int, principal_repaid: int, amount: int
) -> tuple[int, int]:
    """Split a payment along the schedule: each instalment's interest, then its principal, in
    order, instalments not yet due included (an early payment pays the next instalment with its
    interest). Works from what has been paid so far in each kind, so that after a reversal the
    next payment fills the hole it left. Returns (interest, principal); the caller has checked
    the amount against the payoff."""
    interest = principal = 0
    paid_i, paid_p = interest_paid, principal_repaid
    for line in lines:
        take = min(amount, max(0, line.cum_interest - paid_i))
        amount, interest, paid_i = amount - take, interest + take, paid_i + take
        take = min(amount, max(0, line.cum_principal - paid_p))
        amount, principal, paid_p = amount - take, principal + take, paid_p + take
        if not amount:
            break
    return interest, principal + amount


def loan_state(loan: Loan, on: datetime.date) -> LoanState:
    row = with_figures(Loan.objects.filter(pk=loan.pk), on).values(
        "disbursed",
        "principal_repaid",
        "written_off",
        "outstanding",
        "interest_paid",
        "paid_total",
        "interest_scheduled",
        "oldest_unpaid_due",
    )[0]
    lines = schedule_lines(loan)
    # What is due by `on` (today's instalment included: it is what to pay today).
    due_total = next(
        (ln.cum_principal + ln.cum_interest for ln in reversed(lines) if ln.due_date <= on), 0
    )
    rule = Club.objects.filter(pk=loan.club_id).values_list("loan_early_payoff", flat=True)[0]
    return LoanState(
        on=on,
        disbursed=row["disbursed"],
        principal_repaid=row["principal_repaid"],
        written_off=-row["written_off"],
        outstanding=row["outstanding"],
        interest_paid=row["interest_paid"],
        paid_total=row["paid_total"],
        interest_due=max(0, row["interest_scheduled"] - row["interest_paid"])
        if row["outstanding"] > 0
        else 0,
        arrears_due=max(0, due_total - row["paid_total"]) if row["outstanding"] > 0 else 0,
        oldest_unpaid_due=row["oldest_unpaid_due"],
        payoff_interest=payoff_interest(lines, on, rule, row["interest_paid"]),
    )


def due_by(loans: QuerySet, on: datetime.date, before: datetime.date | None = None) -> QuerySet:
    """Loans annotated for the collection sheet of a meeting on `on`: scheduled_total (what falls
    due by `on`, or — given the next meeting's date `before` — before the next meeting, so that
    an instalment due between two meetings is collected at the first) and paid_total (paid by
    `on`). What is due at the meeting is the difference: arrears plus this period's instalment."""
    due = Q(due_date__lt=before) | Q(due_date__lte=on) if before else Q(due_date__lte=on)
    last_cum = (
        Instalment.objects.filter(due, loan=OuterRef("pk"), version=OuterRef("schedule_version"))
        .order_by("-no")
        .values("cum_total")[:1]
    )
    entries = loan_entries(on)
    return loans.annotate(
        outstanding=_sum_subquery(entries, "loan", "principal"),
        paid_total=_sum_subquery(entries.filter(kind__in=PAID_KINDS), "loan", "amount"),
        scheduled_total=Coalesce(Subquery(last_cum, output_field=BigIntegerField()), Value(0)),
    )
