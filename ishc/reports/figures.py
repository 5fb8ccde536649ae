"""Report completeness and timeliness, and the rubric results, for any set of clubs, grouped by
club, commune or province: for the dashboards and the late-clubs list.

Fixed number of queries whatever the number of clubs (pinned in tests). Ratios are returned as
numerator and denominator so that they roll up by summing, never by averaging percentages.

`group_by`: "club_id", "club__commune_id", "club__province_id" or None for one total.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from ishc.clubs.models import ClubStatus

from .derived import month_end
from .models import REPORTED, MonthlyReport, RubricResult, due_date

GROUPS = ("club_id", "club__commune_id", "club__province_id", None)


def _club_key(group_by: str | None) -> str | None:
    """The grouping lookup seen from Club itself ("club_id" → "pk", "club__x" → "x")."""
    if group_by not in GROUPS:
        raise ValueError(f"unknown grouping {group_by!r}")
    if group_by is None:
        return None
    return "pk" if group_by == "club_id" else group_by[len("club__") :]


def expected_clubs(clubs: QuerySet, month: datetime.date) -> QuerySet:
    """Clubs expected to report for `month`: active, and founded by the end of the month."""
    return clubs.filter(status=ClubStatus.ACTIVE).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=month_end(month))
    )


def reporting_figures(clubs: QuerySet, month: datetime.date, group_by: str | None = None) -> dict:
    """{group key: {"active_clubs", "reported", "on_time"}} for `month` (its first day).

    Reported: the report has been sent and is not back with the club. On time: first sent by the
    due day (settings.ISHC["REPORT_DUE_DAY"] of the following month), even if it was sent back
    for a correction later. One query.
    """
    month = month.replace(day=1)
    reports = MonthlyReport.objects.filter(club=OuterRef("pk"), month=month)
    reported = Exists(reports.filter(status__in=REPORTED))
    on_time = Exists(reports.filter(status__in=REPORTED, first_submitted_on__lte=due_date(month)))
    aggregates = {
        "active_clubs": Count("pk"),
        "reported": Count("pk", filter=reported),
        "on_time": Count("pk", filter=on_time),
    }
    qs = expected_clubs(clubs, month).order_by()
    key = _club_key(group_by)
    if key is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("k"): row for row in qs.values(k=F(key)).annotate(**aggregates)}


def late_clubs(clubs: QuerySet, month: datetime.date, today: datetime.date) -> QuerySet:
    """Clubs expected to report for `month` that had not reported by the due day, with
    `report_status` and `first_submitted_on` annotated (None when there is no report)."""

    month = month.replace(day=1)
    due = due_date(month)
    reports = MonthlyReport.objects.filter(club=OuterRef("pk"), month=month)
    on_time = Exists(reports.filter(status__in=REPORTED, first_submitted_on__lte=due))
    qs = expected_clubs(clubs, month).annotate(
        report_status=Subquery(reports.values("status")[:1]),
        report_id=Subquery(reports.values("pk")[:1]),
        first_submitted_on=Subquery(reports.values("first_submitted_on")[:1]),
    )
    if today <= due:
        # Not late yet: those still without a sent report.
        return qs.exclude(Exists(reports.filter(status__in=REPORTED)))
    return qs.exclude(on_time)


def rubric_figures(clubs: QuerySet, year: int, group_by: str | None = None) -> dict:
    """{group key: {"active_clubs", "assessed", "well_managed"}} for `year`: indicator 7,
    clubs carrying out all activities and well managed / active clubs. One query."""

    results = RubricResult.objects.filter(club=OuterRef("pk"), year=year)
    good = settings.ISHC["RUBRIC_WELL_MANAGED"]
    well = Exists(
        results.filter(Q(override_grade__in=good) | Q(override_grade="", computed_grade__in=good))
    )
    aggregates = {
        "active_clubs": Count("pk"),
        "assessed": Count("pk", filter=Exists(results)),
        "well_managed": Count("pk", filter=well),
    }
    qs = clubs.filter(status=ClubStatus.ACTIVE).order_by()
    key = _club_key(group_by)
    if key is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("k"): row for row in qs.values(k=F(key)).annotate(**aggregates)}
