"""The figures of monthly reports, derived from what the clubs recorded.

`derive(clubs, month)` computes them for any number of clubs in a fixed number of queries; the
report page shows them live while a report is a draft, and submission freezes them into the
report (see models.MonthlyReport).

Flows (counts during the month) add up over months; stocks (members, volunteers, balances) are
read at the end of the month and do not: quarterly and yearly reports sum the flows of every
month and take the stocks of the last month (see aggregate.py).
"""

import calendar
import datetime

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from ishc.activities.figures import EMPTY as ACTIVITY_EMPTY
from ishc.activities.figures import activity_figures
from ishc.activities.models import Attendance
from ishc.clubs.composition import composition
from ishc.finance.figures import fund_figures, loan_figures

STOCKS = {
    "members": _("Members at the end of the month"),
    "women": _("Women"),
    "older": _("Older persons"),
    "younger": _("Younger members"),
    "difficult": _("In difficult circumstances"),
    "home_care_volunteers": _("Home-care volunteers"),
    "people_cared_for": _("People cared for at home"),
    "igf_balance": _("Income Generation Fund balance"),
    "activity_balance": _("Activity Fund balance"),
    "outstanding_principal": _("Loans outstanding"),
    "par30_principal": _("Outstanding more than 30 days late (PAR30)"),
}
FLOWS = {
    "meetings": _("Monthly meetings held"),
    "attendances": _("Attendances at meetings"),
    "members_measured": _("Members with blood pressure measured"),
    "readings_flagged": _("High blood-pressure readings"),
    "self_help": _("Self-help cases"),
    "entitlement": _("Entitlement cases"),
    "dialogues": _("Dialogues with local authorities"),
    "proposals": _("Proposals made"),
    "proposals_resolved": _("Proposals resolved"),
    "communication": _("Communication sessions"),
    "exchanges": _("Culture and exchange events"),
    "community_work": _("Community work"),
    "fundraising": _("Fundraising events"),
    "visits": _("Home-care visits"),
    "loans_disbursed": _("Loans disbursed"),
    "amount_disbursed": _("Amount disbursed"),
    "principal_repaid": _("Principal repaid"),
    "interest_received": _("Interest received"),
    "instalments_due": _("Instalments due"),
    "instalments_paid_on_time": _("Instalments paid on time"),
}
LABELS = {**STOCKS, **FLOWS}
# Figures in VND (shown with the currency).
MONEY = {
    "igf_balance",
    "activity_balance",
    "outstanding_principal",
    "par30_principal",
    "amount_disbursed",
    "principal_repaid",
    "interest_received",
}


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def derive(clubs: QuerySet, month: datetime.date) -> dict[int, dict[str, int]]:
    """{club id: {figure: value}} for `month` (its first day). Fifteen queries in all, whatever
    the number of clubs; fund and loan figures come from ishc.finance.figures."""
    end = month_end(month)
    activity = activity_figures(clubs, month, end, "club_id")
    money = {row["key"]: row for row in fund_figures(clubs, end, "club_id")}
    for row in loan_figures(clubs, month, end, end, "club_id"):
        money[row["key"]].update(row)
    attendances = dict(
        Attendance.objects.filter(meeting__club__in=clubs, meeting__held_on__range=(month, end))
        .values_list("meeting__club_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    result = {}
    for row in composition(clubs, end):
        club_id = row["club_id"]
        figures = {
            "members": row["size"],
            "women": row["women"],
            "older": row["older"],
            "younger": row["younger"],
            "difficult": row["difficult"],
            "attendances": attendances.get(club_id, 0),
        }
        for key, value in activity.get(club_id, ACTIVITY_EMPTY).items():
            if key in LABELS:
                figures[key] = value
        for key, value in money.get(club_id, {}).items():
            if key in LABELS:
                figures[key] = int(value or 0)
        result[club_id] = figures
    return result


def attendance_share(figures: dict) -> float | None:
    """Average share of members present per meeting (attendances over meetings × members)."""
    denominator = figures.get("meetings", 0) * figures.get("members", 0)
    return figures.get("attendances", 0) / denominator if denominator else None
