"""The entries summed by club and month (models.ClubMonth): added to by every entry written,
read by the fund and loan figures, compared with the entries and rebuilt from them.

One definition: COLUMNS, the aggregates over entries that make each column. A new entry adds
the same aggregates computed over itself to its month's row (an upsert that adds, so that two
entries of one club written at the same moment, in its two funds, both count: a row recomputed
from a snapshot would lose the other's); a rebuild inserts them computed over all the entries of
some clubs; the check computes them again and compares. Entries are never updated or deleted,
so nothing else ever changes a row.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import connections, router, transaction
from django.db.models import BigIntegerField, Case, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from .models import ClubMonth, Entry, EntryKind, FundKind


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(0), output_field=BigIntegerField())


_IGF, _ACTIVITY = Q(fund__kind=FundKind.IGF), Q(fund__kind=FundKind.ACTIVITY)
_CAPITAL = Q(kind=EntryKind.CAPITAL)
_DISBURSEMENT = Q(kind=EntryKind.DISBURSEMENT)

# A disbursement counts one loan and its reversal minus one, so a corrected mistake is no loan.
DISBURSED = Case(When(reverses__isnull=True, then=Value(1)), default=Value(-1))

COLUMNS = {
    "igf_entries": Count("pk", filter=_IGF),
    "activity_entries": Count("pk", filter=_ACTIVITY),
    "igf_amount": _sum("amount", _IGF),
    "activity_amount": _sum("amount", _ACTIVITY),
    "igf_capital": _sum("amount", _IGF & _CAPITAL),
    "activity_capital": _sum("amount", _ACTIVITY & _CAPITAL),
    "loans_disbursed": Coalesce(Sum(DISBURSED, filter=_DISBURSEMENT), Value(0)),
    "amount_disbursed": _sum("principal", _DISBURSEMENT),
    "principal_repaid": _sum("amount", Q(kind=EntryKind.PRINCIPAL)),
    "interest_received": _sum("amount", Q(kind=EntryKind.INTEREST)),
    "loan_principal": _sum("principal", Q(loan__isnull=False)),
}


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def covers(day: datetime.date, today: datetime.date) -> bool:
    """Whether "the entries dated on or before `day`" is a set of whole months: `day` ends its
    month, or it is today or later (no entry is dated after today: the services refuse a
    future date, finance.services.check_date)."""
    return day >= today or day.day == calendar.monthrange(day.year, day.month)[1]


def _summed(entries: QuerySet) -> QuerySet:
    """The rows of ClubMonth computed from `entries`: club_id, the month, then COLUMNS."""
    return (
        entries.annotate(m=TruncMonth("date")).values("club_id", "m").annotate(**COLUMNS).order_by()
    )


def _insert_sql(table_model, entries: QuerySet, connection) -> tuple[str, list]:
    select, params = _summed(entries).query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ["club_id", "month", *COLUMNS])
    return f"INSERT INTO {qn(table_model._meta.db_table)} ({columns}) {select}", list(params)


def add(entry: Entry) -> None:
    """Add a just-written entry to its month's row, in the caller's transaction."""
    connection = connections[entry._state.db or router.db_for_write(ClubMonth)]
    qn = connection.ops.quote_name
    table = qn(ClubMonth._meta.db_table)
    sql, params = _insert_sql(ClubMonth, Entry.objects.filter(pk=entry.pk), connection)
    adding = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ON CONFLICT (club_id, month) DO UPDATE SET {adding}", params)


def rebuild(club_ids=None, *, entry_model=Entry, month_model=ClubMonth) -> None:
    """Rows of the clubs `club_ids` (every club when None) made again from their entries. The
    models can be a migration's historical ones."""
    using = router.db_for_write(month_model)
    connection = connections[using]
    entries = entry_model.objects.using(using).all()
    months = month_model.objects.using(using).all()
    if club_ids is not None:
        entries, months = entries.filter(club_id__in=club_ids), months.filter(club_id__in=club_ids)
    with transaction.atomic(using=using):
        months.delete()
        sql, params = _insert_sql(month_model, entries, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def differences(club_ids=None) -> list[dict]:
    """Every (club, month, column) where the stored row and the entries disagree: club, month,
    column, stored, entries. Empty when the projection is true."""
    entries, months = Entry.objects.all(), ClubMonth.objects.all()
    if club_ids is not None:
        entries, months = entries.filter(club_id__in=club_ids), months.filter(club_id__in=club_ids)
    actual = {(r.pop("club_id"), r.pop("m")): r for r in _summed(entries)}
    stored = {
        (r.pop("club_id"), r.pop("month")): r for r in months.values("club_id", "month", *COLUMNS)
    }
    found = []
    for club, month in sorted(actual.keys() | stored.keys()):
        mine, theirs = stored.get((club, month), {}), actual.get((club, month), {})
        for column in COLUMNS:
            if mine.get(column) != theirs.get(column):
                found.append(
                    {
                        "club": club,
                        "month": month,
                        "column": column,
                        "stored": mine.get(column),
                        "entries": theirs.get(column),
                    }
                )
    return found
