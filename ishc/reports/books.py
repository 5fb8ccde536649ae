"""The monthly report as the commune receives it on paper, and the quarterly and yearly reports,
printable (see ishc.core.printing)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.clubs.models import Club
from ishc.core.printing import club_heading, render_book, unit_heading

from .aggregate import period_name
from .derived import FLOWS, LABELS, MONEY, STOCKS, attendance_share, derive
from .views import _get_report_for_user, period_data

# Units side by side on a landscape page; more go to the next table, the total with the last.
UNITS_PER_TABLE = 6


@scoped
def monthly(request, pk: int):
    report = _get_report_for_user(request, pk)
    club = report.club
    if report.figures:
        figures = report.figures
    else:
        figures = derive(Club.objects.filter(pk=report.club_id), report.month)[report.club_id]
    return render_book(
        request,
        "reports/print_monthly.html",
        title=_("Monthly activity report of the club"),
        period=_("Month %(month)s") % {"month": f"{report.month:%m/%Y}"},
        heading=club_heading(club),
        signatures=[_("Prepared by"), _("Club chair"), _("Received by the commune association")],
        nation_line=True,
        place=club.commune.name if club.commune else club.province.name,
        # The day the club sent it; blank for a draft, to be filled in by hand.
        day=report.first_submitted_on,
        report=report,
        stocks=[(label, figures.get(k, 0), k in MONEY) for k, label in STOCKS.items()],
        flows=[(label, figures.get(k, 0), k in MONEY) for k, label in FLOWS.items()],
        attendance=attendance_share(figures),
        status=report.get_status_display(),
    )


@scoped
def period(request):
    unit, year, quarter, first, last, data = period_data(request)
    rows = data["rows"]
    chunks = [rows[i : i + UNITS_PER_TABLE] for i in range(0, len(rows), UNITS_PER_TABLE)] or [[]]
    keys = ["expected", "reports", "approved", *LABELS]
    names = {
        "expected": _("Reports expected"),
        "reports": _("Reports sent"),
        "approved": _("Approved by the province"),
        **LABELS,
    }
    tables = [
        {
            "units": [r["label"] for r in chunk],
            "total": last_chunk,
            "lines": [
                {
                    "label": names[k],
                    "money": k in MONEY,
                    "values": [r[k] for r in chunk],
                    "total": data["total"][k],
                }
                for k in keys
            ],
        }
        for chunk, last_chunk in ((c, i == len(chunks) - 1) for i, c in enumerate(chunks))
    ]
    today = timezone.localdate()
    return render_book(
        request,
        "reports/print_period.html",
        title=_("Quarterly report") if quarter else _("Yearly report"),
        period=f"{period_name(year, quarter)} ({first:%m/%Y}–{last:%m/%Y})",
        heading=unit_heading(unit),
        signatures=[_("Prepared by"), _("Head of the association")],
        landscape=True,
        nation_line=True,
        # The central association sits in Hà Nội.
        place=unit.name if unit else "Hà Nội",
        day=today,
        tables=tables,
        stock_month=data["stock_month"],
        running=last >= today.replace(day=1),
    )
