"""Quarterly and yearly reports of a commune, a province or the nation, aggregated from the
monthly reports in SQL.

Only reports the clubs have sent count (status submitted or beyond), with their frozen figures:
what the levels approved is what adds up. Flows are summed over the months; stocks (members,
volunteers, fund balances, loans outstanding) are those of each club's last month sent within the
period, so that a running quarter, or a year whose December is not reported yet, does not read 0.
The page says which month that is ("stock_month", the latest such month).
"""

import datetime

from django.db.models import BigIntegerField, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from ishc.core import xlsx
from ishc.core.text import UNCONFIRMED_COMMUNE
from ishc.geo.models import Unit

from .derived import FLOWS, LABELS, MONEY, STOCKS
from .figures import _club_key, expected_clubs
from .models import REPORTED, MonthlyReport, Status

APPROVED = [Status.PROVINCE_APPROVED, Status.LOCKED]


def period_months(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last month (first days) of a quarter 1–4, or of the whole year for 0."""
    if quarter:
        first = datetime.date(year, 3 * quarter - 2, 1)
        return first, datetime.date(year, 3 * quarter, 1)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 1)


def _figure(name: str) -> Cast:
    return Cast(KT(f"figures__{name}"), BigIntegerField())


def period_report(clubs: QuerySet, first: datetime.date, last: datetime.date, group_by: str):
    """{"rows": [{"key", "label", figures…}], "total": {...}} for the clubs, grouped by
    `group_by` ("club_id", "club__commune_id" or "club__province_id"). Three queries."""
    sent = MonthlyReport.objects.filter(month__range=(first, last), status__in=REPORTED)
    reports = sent.filter(club__in=clubs).order_by()
    # Each club's last month sent in the period: its stocks are those of that month.
    latest = sent.filter(club=OuterRef("club")).order_by("-month").values("month")[:1]
    at_latest = Q(month=Subquery(latest))
    aggregates = {
        "reports": Count("pk"),
        "approved": Count("pk", filter=Q(status__in=APPROVED)),
        "stock_month": Max("month"),
        **{name: Sum(_figure(name)) for name in FLOWS},
        **{name: Sum(_figure(name), filter=at_latest) for name in STOCKS},
    }
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    grouped = {row.pop("k"): row for row in reports.values(k=F(group_by)).annotate(**aggregates)}
    # Expected reports: clubs expected at the end of the period, times the months.
    key = _club_key(group_by)
    expected = dict(expected_clubs(clubs, last).order_by().values_list(key).annotate(n=Count("pk")))
    names = _labels(group_by, set(expected) | set(grouped))
    rows = []
    total = dict.fromkeys(["expected", "reports", "approved", *LABELS], 0)
    # The clubs whose commune is not confirmed yet come last, after the communes by name.
    for k in sorted(names, key=lambda k: (k is None, names[k])):
        row = {"key": k, "label": names[k], "expected": expected.get(k, 0) * months}
        row.update(
            {name: (grouped.get(k, {}).get(name) or 0) for name in total if name != "expected"}
        )
        for name in total:
            total[name] += row[name]
        rows.append(row)
    months_sent = [g["stock_month"] for g in grouped.values() if g["stock_month"]]
    return {"rows": rows, "total": total, "stock_month": max(months_sent, default=None)}


def _labels(group_by: str, keys: set) -> dict:
    from ishc.clubs.models import Club

    if group_by == "club_id":
        return dict(Club.objects.filter(pk__in=keys).values_list("pk", "name"))
    names = dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if None in keys:
        names[None] = str(UNCONFIRMED_COMMUNE)
    return names


def period_name(year: int, quarter: int) -> str:
    if quarter:
        return _("Quarter %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
    return _("Year %(year)s") % {"year": year}


def export(data: dict, unit, year: int, quarter: int):
    book = xlsx.Book()
    sheet = book.sheet(
        _("Quarterly report") if quarter else _("Yearly report"),
        [
            xlsx.Col(_("Unit"), "name"),
            xlsx.Col(_("Reports expected"), "int"),
            xlsx.Col(_("Reports sent"), "int"),
            xlsx.Col(_("Approved by the province"), "int"),
        ]
        + [
            xlsx.Col(str(label), "money" if name in MONEY else "int", 12)
            for name, label in LABELS.items()
        ],
        unit=unit.name if unit else _("Whole country"),
        period=period_name(year, quarter),
    )
    keys = ["expected", "reports", "approved", *LABELS]
    sheet.rows([r["label"], *[r[k] for k in keys]] for r in data["rows"])
    sheet.row([_("Total"), *[data["total"][k] for k in keys]], bold=True)
    period = f"quy-{quarter}-{year}" if quarter else f"nam-{year}"
    name = unit.name if unit else "toan quoc"
    return book.response(xlsx.filename("Bao cao", name, period))
