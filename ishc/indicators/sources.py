"""Counters that other apps compute: funds and loans (ishc.finance.figures), meetings, health and
home care (ishc.activities.figures), reports and the yearly rubric (ishc.reports.figures), and
resources mobilised (ishc.board.figures). This module only calls their figures APIs and renames
what they return into counters; the money, report and rubric logic stays in those apps.

Each source answers for the unit and period of a computation, grouped like the computation
(nation, province, commune or club), and only when an indicator that needs it is asked for.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from ishc.clubs.models import Club

from .figures import _unit_q, active_clubs

GROUP_BY = {
    "nation": None,
    "province": "club__province_id",
    "commune": "club__commune_id",
    "club": "club_id",
}


def _clubs(unit):
    return Club.objects.filter(_unit_q(unit))


def funds(period, day, unit, by) -> dict:
    from ishc.finance.figures import fund_figures

    rows = fund_figures(active_clubs(day, unit), day, GROUP_BY[by])
    return {
        r["key"]: {
            "fund_clubs": r["clubs"],
            "clubs_with_both_funds": r["clubs_with_both_funds"],
            "igf_balance": r["igf_balance"],
        }
        for r in rows
    }


def _loan_part(part: str, names: tuple[str, ...]):
    """A source reading one part of ishc.finance.figures.loan_figures, so that a page asks only
    for the loan figures it shows (PAR30 and the on-time rate are the slow parts)."""

    def source(period, day, unit, by) -> dict:
        from ishc.finance.figures import loan_figures

        rows = loan_figures(_clubs(unit), period.start, day, day, GROUP_BY[by], parts=(part,))
        return {r["key"]: {n: int(r[n] or 0) for n in names} for r in rows}

    return source


LOAN_FLOWS = ("loans_disbursed", "amount_disbursed", "outstanding_principal", "borrowers")
LOAN_PAR30 = ("par30_principal",)
LOAN_ON_TIME = ("instalments_due", "instalments_paid_on_time")


def activities(period, day, unit, by) -> dict:
    from ishc.activities.figures import activity_figures

    rows = activity_figures(_clubs(unit), period.start, day, GROUP_BY[by])
    names = [
        "members_measured",
        "home_care_volunteers",
        "people_cared_for",
        "visits",
        "self_help",
        "entitlement",
        "dialogues",
        "communication",
        "exchanges",
    ]
    return {key: {n: int(row.get(n) or 0) for n in names} for key, row in rows.items()}


def report_month(period, day: datetime.date, today: datetime.date) -> datetime.date:
    """The month whose reports are counted: the last month of the period that has ended by
    `today` (a running month has no complete reports yet)."""
    month = day.replace(day=1)
    if day >= today and (month.year, month.month) == (today.year, today.month):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return max(month, period.start.replace(day=1))


def reports(period, day, unit, by, today) -> dict:
    from ishc.reports.figures import reporting_figures

    rows = reporting_figures(_clubs(unit), report_month(period, day, today), GROUP_BY[by])
    return {
        key: {
            "report_clubs": row["active_clubs"],
            "reported": row["reported"],
            "reported_on_time": row["on_time"],
        }
        for key, row in rows.items()
    }


def rubric(period, day, unit, by) -> dict:
    from ishc.reports.figures import rubric_figures

    rows = rubric_figures(active_clubs(day, unit), day.year, GROUP_BY[by])
    return {
        key: {
            "rubric_clubs": row["active_clubs"],
            "well_managed": row["well_managed"],
            "rubric_assessed": row["assessed"],
        }
        for key, row in rows.items()
    }


def resources(period, day, unit, by) -> dict | None:
    """Resources mobilised in the period: by province for the nation and provinces; a single
    total for a commune or a club (the board's figures are kept by province)."""
    from ishc.board.figures import resources_by_province, resources_by_source
    from ishc.board.models import Contribution
    from ishc.geo.models import Level

    qs = Contribution.objects.filter(received_on__gte=period.start, received_on__lte=day)
    if by in ("commune", "club"):
        return None
    if unit is None:
        per_province = resources_by_province(qs)
        if by == "nation":
            return {None: {"resources": sum(per_province.values())}}
        # Contributions to the programme nationally come under the key None: in the total, in
        # no province's row.
        return {pid: {"resources": v} for pid, v in per_province.items()}
    if isinstance(unit, Club):
        total = sum(resources_by_source(qs.filter(club=unit)).values())
    elif unit.level == Level.PROVINCE:
        total = resources_by_province(qs).get(unit.pk, 0)
    else:
        total = sum(resources_by_source(qs.filter(Q(club__commune=unit) | Q(unit=unit))).values())
    return {None if by == "nation" else unit.pk: {"resources": total}}


def national_resources(period, day) -> int | None:
    """VND contributed to the programme nationally (to no province) in the period; None when
    there is no such contribution, as compute() then has no row for it."""
    from ishc.board.figures import contribution_province
    from ishc.board.models import Contribution

    national = (
        Contribution.objects.filter(received_on__gte=period.start, received_on__lte=day)
        .annotate(p=contribution_province())
        .filter(p__isnull=True)
        .aggregate(n=Count("pk"), total=Sum("amount"))
    )
    return int(national["total"]) if national["n"] else None


def resources_by_source_for(period, day, unit) -> dict[str, int]:
    """VND per source type, for the breakdown table."""
    from ishc.board.figures import contribution_province, resources_by_source
    from ishc.board.models import Contribution
    from ishc.geo.models import Level

    qs = Contribution.objects.filter(received_on__gte=period.start, received_on__lte=day)
    if isinstance(unit, Club):
        qs = qs.filter(club=unit)
    elif unit is not None and unit.level == Level.PROVINCE:
        qs = qs.annotate(p=contribution_province()).filter(p=unit.pk)
    elif unit is not None:
        qs = qs.filter(Q(club__commune=unit) | Q(unit=unit))
    return resources_by_source(qs)


# counter → the source that computes it
SOURCES = {
    "funds": (funds, {"fund_clubs", "clubs_with_both_funds", "igf_balance"}),
    "loan_flows": (_loan_part("flows", LOAN_FLOWS), set(LOAN_FLOWS)),
    "par30": (_loan_part("par30", LOAN_PAR30), set(LOAN_PAR30)),
    "on_time": (_loan_part("on_time", LOAN_ON_TIME), set(LOAN_ON_TIME)),
    "activities": (
        activities,
        {
            "members_measured",
            "home_care_volunteers",
            "people_cared_for",
            "visits",
            "self_help",
            "entitlement",
            "dialogues",
            "communication",
            "exchanges",
        },
    ),
    "reports": (reports, {"report_clubs", "reported", "reported_on_time"}),
    "rubric": (rubric, {"rubric_clubs", "well_managed", "rubric_assessed"}),
    "resources": (resources, {"resources"}),
}
