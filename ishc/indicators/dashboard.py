"""Everything one dashboard shows, built once and used by the page, the .xlsx export and the
printable report, so that all three carry the same numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ishc.clubs.models import AREA_FLAGS, Club, Cohort
from ishc.core.text import UNCONFIRMED_COMMUNE
from ishc.geo.models import Level, Unit

from . import catalogue, geomap
from .cache import Results
from .figures import Period, figure, month_ends, year_ends
from .models import Programme
from .targets import assess, period_of, target_text, targets_for
from .templatetags.indicators import figval

# Columns of the table of provinces, communes or clubs; any other indicator can be added with
# ?col= and any column sorts the table.
TABLE_COLUMNS = [
    "clubs_active",
    "clubs_new",
    "members",
    "members_women",
    "members_older",
    "members_younger",
    "clubs_composition",
]
HEADLINE = [i.code for i in catalogue.INDICATORS]
CHILD_BY = {"nation": "province", "province": "commune", "commune": "club", "club": None}


@dataclass
class Where:
    """The unit a dashboard is about: level "nation", "province", "commune" or "club"."""

    level: str
    obj: object = None  # Unit or Club

    @property
    def unit(self):
        return self.obj

    @property
    def name(self) -> str:
        return _("Whole country") if self.obj is None else str(self.obj)

    @property
    def url(self) -> str:
        if self.level == "nation":
            return reverse("indicators:nation")
        return reverse(f"indicators:{self.level}", args=[self.obj.pk])


def programme_and_period(params, today: datetime.date, province=None):
    """The programme and period chosen in the query string; by default the national programme
    running today (the latest-starting one) over its current phase. A province's own plans are
    offered on its dashboards and those below it."""
    plans = Q(unit__isnull=True) | Q(unit=province) if province is not None else Q(unit=None)
    programmes = list(Programme.objects.filter(plans).prefetch_related("phases"))
    national = [p for p in programmes if p.unit_id is None]
    code = params.get("programme")
    programme = next((p for p in programmes if p.code == code), None)
    if programme is None:
        running = [p for p in national if p.starts_on <= today <= p.ends_on and p.phases.all()]
        programme = running[-1] if running else national[-1]
    phases = list(programme.phases.all())
    phase = next((ph for ph in phases if str(ph.pk) == params.get("phase")), None)
    if phase is None and "phase" not in params:
        phase = next((ph for ph in phases if ph.starts_on <= today <= ph.ends_on), None)
    if phase is not None:
        period = Period.span(phase.starts_on, phase.ends_on, f"{programme.code} · {phase.name}")
    else:
        period = Period.span(
            programme.starts_on,
            programme.ends_on,
            f"{programme.code} · {programme.starts_on.year}–{programme.ends_on.year}",
        )
    return programmes, programme, phase, period


def _fmt(fig) -> dict:
    return {"num": fig.num, "den": fig.den, "value": fig.value, "display": fig.display_value}


def _needs_loans(code: str) -> bool:
    from .sources import SOURCES

    ind = catalogue.BY_CODE[code]
    return bool({ind.num, ind.den} & (SOURCES["par30"][1] | SOURCES["on_time"][1]))


# The slow loan indicators, PAR30 and the on-time rate: for the whole country their counters
# take most of a minute on PostgreSQL (every loan's schedule against its payments,
# docs/finance.md), so the national page can leave them to a request of their own
# (loans_section) and show everything else first. Borrowers and amounts come from one aggregate
# over the entries and stay on the page.
LOAN_CODES = tuple(i.code for i in catalogue.INDICATORS if _needs_loans(i.code))
LOAN_SECTION = "loans"


def _defers_loans(params, targets) -> bool:
    """The loan figures wait for their own request unless this page needs them itself: a target
    on a loan indicator, or one asked for as column, sort, map or trend (or ?loans=now, the
    link for browsers without script)."""
    if params.get("loans") == "now":
        return False
    asked = {(params.get(k) or "").lstrip("-") for k in ("col", "sort", "map", "trend")}
    asked |= {t.indicator for t in targets}
    return not asked & set(LOAN_CODES)


def build(
    where: Where, params, today: datetime.date | None = None, defer_loans: bool = False
) -> dict:
    """The whole dashboard; with defer_loans (the national page) the loan indicators may be left
    out (see _defers_loans) and come from loans_section instead."""
    today = today or timezone.localdate()
    unit = where.unit
    province = None
    if unit is not None:
        province = unit.province if where.level in ("club", "commune") else unit
    programmes, programme, phase, period = programme_and_period(params, today, province)
    child = CHILD_BY[where.level]
    results = Results(today)
    by = child or "nation"
    targets = targets_for(unit, programme)
    deferred = defer_loans and _defers_loans(params, targets)
    main_codes = (
        tuple(i.code for i in catalogue.INDICATORS if i.code not in LOAN_CODES)
        if deferred
        else None
    )
    result = results.compute(period, unit, by, main_codes)

    # Target cards: each target on its own period (a phase, a year or the whole programme);
    # targets sharing a period share one computation.
    cards = []
    # Keyed by first and last counted day: a running phase and its running programme that start
    # together (1648's 2025–2030 and 2025–2035) are the same computation until the phase ends.
    by_period = {(period.start, result.day): result}
    for target in targets:
        tp = period_of(target)
        key = (tp.start, tp.last_day(today))
        if key not in by_period and tp.start <= today:
            codes = tuple(t.indicator for t in targets if catalogue.get(t.indicator))
            by_period[key] = results.compute(tp, unit, "nation", codes)
        fig = (
            by_period[key].get(target.indicator, total=True)
            if catalogue.get(target.indicator) and key in by_period
            else None
        )
        a = assess(target, fig, tp, today)
        cards.append(
            {"a": a, "target_text": target_text(target), "ours": target.unit_id is not None}
        )

    headline = [
        {"ind": catalogue.BY_CODE[code], **_fmt(result.get(code, total=True))} for code in HEADLINE
    ]
    headline = [
        h
        for h in headline
        if h["num"] is not None and not (deferred and h["ind"].code in LOAN_CODES)
    ]

    # Table of the units one level down, sortable by any indicator.
    columns = list(TABLE_COLUMNS)
    extra = params.get("col")
    if extra in catalogue.BY_CODE and extra not in columns:
        columns.append(extra)
    sort = params.get("sort") or ""
    rows = _child_rows(where, child, result, columns) if child else []
    sort_code = sort.lstrip("-")
    if sort_code in catalogue.BY_CODE:
        if sort_code not in columns:
            columns.append(sort_code)
            rows = _child_rows(where, child, result, columns)
        rows.sort(
            key=lambda r: (
                r["cells"][sort_code]["value"] is None,
                r["cells"][sort_code]["value"] or 0,
            ),
            reverse=sort.startswith("-"),
        )
        if sort.startswith("-"):
            # Keep "no data" rows last in both directions.
            rows.sort(key=lambda r: r["cells"][sort_code]["value"] is None)

    # Trend of one indicator: by month over the chosen year, by year over the period.
    trend_code = params.get("trend")
    if trend_code not in catalogue.BY_CODE or not catalogue.BY_CODE[trend_code].trend:
        trend_code = "clubs_new" if where.level == "nation" else "members"
    trend_ind = catalogue.BY_CODE[trend_code]
    try:
        trend_year = int(params.get("year", ""))
    except ValueError:
        trend_year = min(today.year, period.end.year)
    months = month_ends(trend_year, today)
    years = year_ends(period.start, period.end, today)
    days = months + years
    points = results.trend(trend_code, days, unit, period.start)
    target_line = next(
        (
            c["a"].target
            for c in cards
            if c["a"].target.indicator == trend_code and c["a"].target.year is None
        ),
        None,
    )
    trend_data = {
        "code": trend_code,
        "label": str(trend_ind.name),
        "ratio": trend_ind.is_ratio,
        "months": [
            {"day": d, "label": d.strftime("%m/%Y"), **_fmt(f)}
            for d, f in zip(months, points[: len(months)], strict=True)
        ],
        "years": [
            {"day": d, "label": str(d.year), **_fmt(f)}
            for d, f in zip(years, points[len(months) :], strict=True)
        ],
        "target_label": _("Target"),
        "target": float(target_line.value) if target_line else None,
        "target_high": float(target_line.value_high)
        if target_line and target_line.value_high is not None
        else None,
    }

    breakdowns = _breakdowns(result)
    composition = _composition(result)
    map_data = None
    map_code = params.get("map") if params.get("map") in catalogue.BY_CODE else "clubs_active"
    if where.level == "nation":
        map_data = geomap.choropleth(
            [
                {
                    "code": r["code"],
                    "value": result.get(map_code, r["pk"]).display_value,
                    "text": _value_text(catalogue.BY_CODE[map_code], result.get(map_code, r["pk"])),
                    "url": r["url"],
                }
                for r in rows
            ]
        )
        map_data["code"] = map_code
        map_data["ind"] = catalogue.BY_CODE[map_code]

    by_code = {h["ind"].code: h for h in headline}
    args = [where.obj.pk] if where.obj is not None else []
    query = params.urlencode() if hasattr(params, "urlencode") else ""
    sections = [
        {
            "title": title,
            "sheet": sheet,
            "items": [by_code[c] for c in section_codes if c in by_code],
            "deferred_url": reverse("indicators:nation_loans") + f"?{query}"
            if deferred and sheet == LOAN_SECTION
            else None,
        }
        for title, sheet, section_codes in SECTIONS
    ]
    from ishc.board.models import SourceType

    from .sources import report_month, resources_by_source_for

    per_source = results.get(
        "resources",
        unit,
        (period.start, result.day),
        lambda: resources_by_source_for(period, result.day, unit),
    )
    resources = [
        {"label": label, "amount": per_source.get(value, 0)} for value, label in SourceType.choices
    ]
    return {
        "loans_deferred": deferred,
        "sections": sections,
        "resources": resources,
        "report_month": report_month(period, result.day, today),
        "export_url": reverse(f"indicators:{where.level}_export", args=args),
        "report_url": reverse(f"indicators:{where.level}_report", args=args),
        "composition_chart": {
            "labels": [str(b["label"]) for b in composition["buckets"]],
            "values": [b["n"] for b in composition["buckets"]],
            "label": _("Clubs"),
        },
        "where": where,
        "today": today,
        "generated_at": timezone.localtime(),
        # Set when another request is recomputing and this page shows the previous figures.
        "stale_since": timezone.localtime(results.stale_since) if results.stale_since else None,
        "programmes": programmes,
        "programme": programme,
        "phase": phase,
        "period": period,
        "day": result.day,
        "cards": cards,
        "headline": headline,
        "child_level": child,
        "columns": [catalogue.BY_CODE[c] for c in columns],
        "rows": rows,
        "sort": sort,
        "trend": trend_data,
        "trend_year": trend_year,
        "trend_choices": [i for i in catalogue.INDICATORS if i.trend],
        "breakdowns": breakdowns,
        "composition": composition,
        "map": map_data,
        "indicators": catalogue.INDICATORS,
    }


def loans_section(where: Where, params, today: datetime.date | None = None) -> dict:
    """The "Loans and PAR30" section alone (totals only, one row for the unit), cached like the
    rest of the dashboard: what the national page loads after showing everything else."""
    today = today or timezone.localdate()
    unit = where.unit
    province = None
    if unit is not None:
        province = unit.province if where.level in ("club", "commune") else unit
    _programmes, _programme, _phase, period = programme_and_period(params, today, province)
    title, sheet, section_codes = next(s for s in SECTIONS if s[1] == LOAN_SECTION)
    codes = tuple(section_codes)
    result = Results(today).compute(period, unit, "nation", codes)
    items = [{"ind": catalogue.BY_CODE[c], **_fmt(result.get(c, total=True))} for c in codes]
    args = [where.obj.pk] if where.obj is not None else []
    return {
        "sec": {
            "title": title,
            "sheet": sheet,
            "items": [h for h in items if h["num"] is not None],
            "deferred_url": None,
        },
        "export_url": reverse(f"indicators:{where.level}_export", args=args),
        "query": params.urlencode() if hasattr(params, "urlencode") else "",
    }


def _value_text(ind, fig) -> str:
    return figval({"display": fig.display_value}, ind)


def _child_rows(where: Where, child: str, result, columns) -> list[dict]:
    if child == "province":
        units = list(Unit.objects.provinces().order_by("code"))
    elif child == "commune":
        # Every commune of the province would be ~100 rows of zeros; list those with clubs
        # (their sum is the province's figure) and say how many have none.
        units = list(
            Unit.objects.communes()
            .filter(pk__in=[k for k in result.groups if k is not None])
            .order_by("name")
        )
    else:
        units = list(Club.objects.filter(pk__in=list(result.groups)).order_by("name"))
    rows = []
    for u in units:
        cells = {c: _fmt(result.get(c, u.pk)) for c in columns}
        rows.append(
            {
                "pk": u.pk,
                "code": getattr(u, "code", None),
                "name": str(u),
                "url": reverse(f"indicators:{child}", args=[u.pk]),
                "cells": cells,
            }
        )
    if child == "commune" and None in result.groups:
        rows.append(
            {
                "pk": None,
                "code": None,
                "name": str(UNCONFIRMED_COMMUNE),
                "url": None,
                # result.get(code, None) is the total; the unconfirmed group is keyed None.
                "cells": {
                    c: _fmt(figure(catalogue.BY_CODE[c], result.groups[None])) for c in columns
                },
            }
        )
    return rows


SECTIONS = [
    (
        gettext_lazy("Loans and PAR30"),
        "loans",
        [
            "members_borrowed",
            "loans_disbursed",
            "amount_disbursed",
            "outstanding",
            "par30",
            "repaid_on_time",
            "clubs_both_funds",
            "igf_per_club",
        ],
    ),
    (gettext_lazy("Monthly reports"), "reports", ["report_completeness", "report_timeliness"]),
]
BREAKDOWN_CODES = ["clubs_active", "clubs_new", "members", "members_older", "members_women"]


def _breakdowns(result) -> dict:
    cohorts = result.by_cohort()
    flags = result.by_flag()
    inds = [catalogue.BY_CODE[c] for c in BREAKDOWN_CODES]
    cohort_rows = [
        {
            "label": label,
            "cells": [_fmt(figure(i, cohorts.get(value, {}))) for i in inds],
        }
        for value, label in Cohort.choices
    ]
    flag_rows = [
        {"label": label, "cells": [_fmt(figure(i, flags.get(name, {}))) for i in inds]}
        for name, label in [*AREA_FLAGS, ("none", _("No priority-area flag"))]
    ]
    return {"indicators": inds, "cohort": cohort_rows, "flag": flag_rows}


def _composition(result) -> dict:
    t = result.total
    active = t["clubs_active"]
    buckets = [
        (_("no members"), active - t["clubs_with_members"]),
        (_("fewer than 30"), t["size_small"]),
        (_("30 to below the band"), t["size_low"]),
        (_("within the size band"), t["size_ok"]),
        (_("above the size band"), t["size_high"]),
    ]
    bands = [
        (catalogue.BY_CODE[c], t[catalogue.BY_CODE[c].num])
        for c in (
            "clubs_size_band",
            "clubs_women_band",
            "clubs_older_band",
            "clubs_younger_band",
            "clubs_composition",
        )
    ]
    return {
        "active": active,
        "buckets": [{"label": label, "n": n} for label, n in buckets],
        "bands": [{"ind": i, "n": n, "share": n / active if active else None} for i, n in bands],
    }


def where_level(obj) -> str:
    if obj is None:
        return "nation"
    if isinstance(obj, Club):
        return "club"
    return "province" if obj.level == Level.PROVINCE else "commune"
