"""Fund and loan figures for reports and dashboards, aggregated in SQL.

Every function takes the clubs (a Club queryset or a Q on Club), a date or period, and
`group_by`: "club_id", "club__commune_id", "club__province_id" or None (one national row). It
returns a list of dicts, one per group, each with "key" (the group's id, or None). The number of
queries is fixed (it never grows with the number of clubs); ratios are returned as numerator and
denominator so that callers roll them up by summing (never by averaging percentages).

Money figures come from ishc.finance.ledger's definitions: balance = Σ entry amounts, outstanding
= Σ entry principal effects, arrears from the schedule in force.
"""

from __future__ import annotations

import datetime
import heapq

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ishc.clubs.models import Club

from . import ledger, monthly
from .models import ClubMonth, Entry, EntryKind, FundKind, Instalment, Loan

GROUPS = ("club_id", "club__commune_id", "club__province_id", None)


def _clubs(clubs: QuerySet | Q) -> QuerySet:
    if isinstance(clubs, Q):
        return Club.objects.filter(clubs)
    return clubs


def _club_lookup(group_by: str | None) -> str | None:
    """The same grouping seen from the Club model itself."""
    if group_by is None:
        return None
    if group_by == "club_id":
        return "id"
    return group_by.removeprefix("club__")


def _grouped(qs: QuerySet, group_by: str | None, prefix: str = "", **aggregates) -> dict:
    """{key: {name: value}} for an aggregate query grouped by `prefix + group_by`."""
    if group_by is None:
        row = qs.aggregate(**aggregates)
        return {None: row}
    lookup = prefix + group_by
    rows = qs.order_by().values(lookup).annotate(**aggregates)
    return {row.pop(lookup): row for row in rows}


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(0), output_field=BigIntegerField())


def _total(field: str) -> Coalesce:
    return Coalesce(Sum(field), Value(0), output_field=BigIntegerField())


def _check(group_by):
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {GROUPS}")


def fund_figures(clubs: QuerySet | Q, on: datetime.date, group_by: str | None) -> list[dict]:
    """key, clubs (count), igf_balance, activity_balance, igf_capital_received,
    activity_capital_received, clubs_with_igf, clubs_with_activity_fund, clubs_with_both_funds.

    A fund "exists" on `on` when it has at least one entry dated on or before `on`. Two queries.
    """
    _check(group_by)
    clubs = _clubs(clubs)
    club_lookup = _club_lookup(group_by)
    by_month = monthly.covers(on, timezone.localdate())

    def has(kind):
        if by_month:
            return Exists(
                ClubMonth.objects.filter(
                    club=OuterRef("pk"), month__lte=on, **{f"{kind}_entries__gt": 0}
                )
            )
        return Exists(Entry.objects.filter(club=OuterRef("pk"), fund__kind=kind, date__lte=on))

    flagged = clubs.annotate(has_igf=has(FundKind.IGF), has_act=has(FundKind.ACTIVITY))
    one = Value(1)
    counts = _grouped(
        flagged,
        club_lookup,
        clubs=Count("pk"),
        clubs_with_igf=Count("pk", filter=Q(has_igf=True)),
        clubs_with_activity_fund=Count("pk", filter=Q(has_act=True)),
        clubs_with_both_funds=Count(
            Case(When(Q(has_igf=True) & Q(has_act=True), then=one), output_field=IntegerField())
        ),
    )
    if by_month:
        months = ClubMonth.objects.filter(club__in=clubs.values("pk"), month__lte=on)
        sums = _grouped(
            months,
            group_by,
            igf_balance=_total("igf_amount"),
            activity_balance=_total("activity_amount"),
            igf_capital_received=_total("igf_capital"),
            activity_capital_received=_total("activity_capital"),
        )
    else:
        entries = Entry.objects.filter(club__in=clubs.values("pk"), date__lte=on)
        igf, act = Q(fund__kind=FundKind.IGF), Q(fund__kind=FundKind.ACTIVITY)
        capital = Q(kind=EntryKind.CAPITAL)
        sums = _grouped(
            entries,
            group_by,
            igf_balance=_sum("amount", igf),
            activity_balance=_sum("amount", act),
            igf_capital_received=_sum("amount", igf & capital),
            activity_capital_received=_sum("amount", act & capital),
        )
    empty = dict.fromkeys(
        ["igf_balance", "activity_balance", "igf_capital_received", "activity_capital_received"], 0
    )
    return [
        {"key": key, **row, **sums.get(key, empty)}
        for key, row in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    ]


# The parts of loan_figures, each one query: money flows and borrowers from the entries, PAR30
# from every loan's schedule against its payments, and the on-time rate from every instalment due.
LOAN_PARTS = ("flows", "par30", "on_time")
_FLOW_FIELDS = (
    "loans_disbursed",
    "amount_disbursed",
    "principal_repaid",
    "interest_received",
    "outstanding_principal",
    "borrowers",
)


def loan_figures(
    clubs: QuerySet | Q,
    start: datetime.date,
    end: datetime.date,
    on: datetime.date,
    group_by: str | None,
    parts: tuple[str, ...] = LOAN_PARTS,
) -> list[dict]:
    """key, loans_disbursed (count), amount_disbursed, principal_repaid, interest_received (all in
    [start, end]); outstanding_principal and par30_principal (on `on`); borrowers (distinct members
    who received a disbursement in [start, end]); instalments_due (instalments of the schedule in
    force falling due in [start, end] while principal was still outstanding) and
    instalments_paid_on_time (of those, paid in full by their due date). One query for the groups
    and one per part asked for (`parts`, default all three), two for the flows (the sums, and the
    distinct borrowers): five queries.

    Cost grows with the loans and instalments of the clubs (bench/bench_arrears.py,
    bench/bench_loan_figures.py): the flows are one aggregate over the months' sums
    (finance.monthly), but PAR30 and above all the on-time rate look at every loan's schedule,
    about 50 s for the whole country on PostgreSQL. A caller that needs only borrowers or
    amounts asks for parts=("flows",).
    """
    _check(group_by)
    unknown = set(parts) - set(LOAN_PARTS)
    if unknown:
        raise ValueError(f"unknown loan figure parts: {sorted(unknown)}")
    clubs = _clubs(clubs)
    club_ids = clubs.values("pk")
    keys = _grouped(clubs, _club_lookup(group_by), clubs=Count("pk"))
    flows = _flows(club_ids, start, end, on, group_by) if "flows" in parts else {}
    par = _par30(club_ids, on, group_by) if "par30" in parts else {}
    on_time = _on_time(club_ids, start, end, group_by) if "on_time" in parts else {}

    rows = []
    for key in sorted(keys, key=lambda k: (k is None, k or 0)):
        row = {"key": key}
        if "flows" in parts:
            row.update(dict.fromkeys(_FLOW_FIELDS, 0), **flows.get(key, {}))
        if "par30" in parts:
            row["par30_principal"] = par.get(key, {}).get("par30_principal", 0)
        if "on_time" in parts:
            row.update(on_time.get(key, {"instalments_due": 0, "instalments_paid_on_time": 0}))
        rows.append(row)
    return rows


def _flows(club_ids, start, end, on, group_by) -> dict:
    today = timezone.localdate()
    if start.day == 1 and monthly.covers(end, today) and monthly.covers(on, today):
        flows = _flows_by_month(club_ids, start, end, on, group_by)
    else:
        flows = _flows_by_entry(club_ids, start, end, on, group_by)
    for key, row in _borrowers(club_ids, start, end, group_by).items():
        flows.setdefault(key, {}).update(row)
    return flows


def _flows_by_entry(club_ids, start, end, on, group_by) -> dict:
    period = Q(date__gte=start, date__lte=end)
    disbursement = Q(kind=EntryKind.DISBURSEMENT) & period
    entries = Entry.objects.filter(club__in=club_ids, date__lte=max(end, on))
    return _grouped(
        entries,
        group_by,
        loans_disbursed=Coalesce(Sum(monthly.DISBURSED, filter=disbursement), Value(0)),
        amount_disbursed=_sum("principal", disbursement),
        principal_repaid=_sum("amount", Q(kind=EntryKind.PRINCIPAL) & period),
        interest_received=_sum("amount", Q(kind=EntryKind.INTEREST) & period),
        outstanding_principal=_sum("principal", Q(loan__isnull=False, date__lte=on)),
    )


def _flows_by_month(club_ids, start, end, on, group_by) -> dict:
    """The flows from the months' sums (finance.monthly), when the period and the day are whole
    months of entries: one row per club and month instead of every entry."""
    period = Q(month__gte=start, month__lte=end)
    months = ClubMonth.objects.filter(club__in=club_ids, month__lte=max(end, on))
    return _grouped(
        months,
        group_by,
        loans_disbursed=_sum("loans_disbursed", period),
        amount_disbursed=_sum("amount_disbursed", period),
        principal_repaid=_sum("principal_repaid", period),
        interest_received=_sum("interest_received", period),
        outstanding_principal=_sum("loan_principal", Q(month__lte=on)),
    )


def _borrowers(club_ids, start, end, group_by) -> dict:
    """Distinct members who received a disbursement in the period (neither reversed nor a
    reversal): not a sum, so not in the months' rows."""
    # NOT EXISTS rather than reversed_by__isnull: PostgreSQL answers the latter with a merge
    # join along the whole index of reversals (100+ ms per province at 10,000 clubs), the former
    # with one index probe per disbursement.
    reversed_later = Exists(Entry.objects.filter(reverses=OuterRef("pk")))
    return _grouped(
        Entry.objects.filter(
            ~reversed_later,
            club__in=club_ids,
            kind=EntryKind.DISBURSEMENT,
            date__gte=start,
            date__lte=end,
            reverses__isnull=True,
        ),
        group_by,
        borrowers=Count("member", distinct=True),
    )


def _par30(club_ids, on, group_by) -> dict:
    loans = ledger.with_figures(Loan.objects.filter(club__in=club_ids), on)
    return _grouped(loans, group_by, par30_principal=ledger.par_expr(on, 30))


def _on_time(club_ids, start, end, group_by) -> dict:
    # Paid by the due date, net of reversals: a payment reversed later (a bounced transfer, a
    # typo) never made the instalment on time, whenever the reversal was dated.
    paid_by_due = ledger._sum_subquery(
        Entry.objects.filter(
            loan=OuterRef("loan_id"),
            kind__in=ledger.PAID_KINDS,
            date__lte=OuterRef("due_date"),
            reverses__isnull=True,
            reversed_by__isnull=True,
        ),
        "loan",
        "amount",
    )
    outstanding_before = ledger._sum_subquery(
        Entry.objects.filter(loan=OuterRef("loan_id"), date__lt=OuterRef("due_date")),
        "loan",
        "principal",
    )
    instalments = (
        Instalment.objects.filter(
            loan__club__in=club_ids,
            version=F("loan__schedule_version"),
            no__gte=1,
            due_date__gte=start,
            due_date__lte=end,
        )
        .annotate(paid_by_due=paid_by_due, outstanding_before=outstanding_before)
        .filter(outstanding_before__gt=0)
    )
    return _grouped(
        instalments,
        group_by,
        prefix="loan__",
        instalments_due=Count("pk"),
        instalments_paid_on_time=Count("pk", filter=Q(cum_total__lte=F("paid_by_due"))),
    )


# --- the arrears page's summary ----------------------------------------------------------------

# What the arrears page shows of the loan figures: sums over loans, so the provinces' add up.
ARREARS_TOTALS = (
    "outstanding_principal",
    "par30_principal",
    "instalments_due",
    "instalments_paid_on_time",
)


def arrears_summary(results, area, clubs, on: datetime.date) -> tuple[dict, dict]:
    """The arrears page's buckets ({bucket: {"n", "principal"}}, loans with money outstanding)
    and totals (ARREARS_TOTALS, this year's instalments) for a club or a user's area, through
    the shared cache (`results`, an ishc.indicators.cache.Results).

    Both look at every loan of the area, PAR30 and the on-time rate each loan's schedule
    against its payments: at national size, seconds. A national user's are therefore the sums
    of the provinces', each cached on its own, and after a repayment only that province's
    loans are looked at again (Results.national)."""
    year_start = on.replace(month=1, day=1)

    def buckets(some):
        loans = ledger.with_arrears(Loan.objects.filter(club__in=some.values("pk")), on)
        return {
            row["bucket"]: {"n": row["n"], "principal": int(row["principal"])}
            for row in loans.filter(outstanding__gt=0)
            .values("bucket")
            .annotate(n=Count("pk"), principal=Sum("outstanding"))
            .order_by()
        }

    def add_buckets(parts):
        total: dict[int, dict] = {}
        for part in parts:
            for bucket, row in part.items():
                mine = total.setdefault(bucket, {"n": 0, "principal": 0})
                mine["n"] += row["n"]
                mine["principal"] += row["principal"]
        return total

    def totals(some):
        row = loan_figures(some, year_start, on, on, None)[0]
        return {name: int(row[name] or 0) for name in ARREARS_TOTALS}

    def add_totals(parts):
        return {name: sum(part[name] for part in parts) for name in ARREARS_TOTALS}

    return (
        results.for_area("finance.arrears.buckets", area, clubs, (on,), buckets, add_buckets),
        results.for_area(
            "finance.arrears.total", area, clubs, (on, year_start), totals, add_totals
        ),
    )


# Pages of the national late-loan list merged from the provinces' first loans; deeper pages are
# rare and asked of the whole country at once.
MERGED_LATE_LOANS = 500


def late_loan_page(results, area, clubs, on: datetime.date, window: slice) -> list[int]:
    """The ids of one window of the late loans of a club or a user's area, oldest unpaid
    instalment first (ledger.late_loans).

    Ordering the country's loans takes about a second at national size, on every load of the
    national arrears page. A national user's first pages are therefore merged from each
    province's first loans, cached under the province's versions like the figures: after a
    repayment only that province's loans are ordered again."""

    def loans(some):
        return Loan.objects.filter(club__in=some.values("pk"))

    national = not isinstance(area, Club) and area.national
    if not national or window.stop > MERGED_LATE_LOANS:
        return ledger.late_loan_ids(loans(clubs), on, window)
    first = slice(0, window.stop)
    rows = results.for_area(
        "finance.late_loans",
        area,
        clubs,
        (on, window.stop),
        lambda some: ledger.late_loans(loans(some), on, first),
        # Each province's loans come in the country's order: (oldest unpaid due date, id).
        lambda parts: list(heapq.merge(*parts))[: window.stop],
    )
    return [pk for _oldest, pk in rows[window]]
