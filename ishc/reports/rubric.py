"""The yearly rubric "carries out all activities and is well managed" (domain §8).

`evaluate(clubs, year)` checks every criterion in use for every club in a fixed number of
queries and says why each is met or not; `compute()` stores the results, keeping any grade set
by hand; `override()` sets a grade by hand, with a mandatory reason, audited.

The grade is the share of assessed criteria met, against settings.ISHC["RUBRIC_GRADES"].
A criterion that does not apply to a club that year (no loan instalment fell due) is "not
assessed" and left out of the share rather than counted as met or failed.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ishc.accounts.permissions import require
from ishc.accounts.scope import editable
from ishc.activities.figures import measure_year
from ishc.activities.models import Measure, Meeting
from ishc.audit.services import record, snapshot
from ishc.clubs.composition import annotate_composition, band, band_status, size_status
from ishc.clubs.models import BoardPosition, Position
from ishc.finance.figures import loan_figures
from ishc.finance.models import Entry, FundKind

from .models import (
    REPORTED,
    Criterion,
    Grade,
    MonthlyReport,
    RubricCriterion,
    RubricResult,
    due_date,
)


def grade_for(met: int, total: int) -> str:
    share = met / total if total else 0
    for grade, minimum in settings.ISHC["RUBRIC_GRADES"]:
        if share >= minimum:
            return grade
    return Grade.WEAK


def _months_with(qs, field: str) -> dict[int, int]:
    """{club id: number of distinct months of the year with at least one row}."""
    counts: dict[int, int] = defaultdict(int)
    for row in qs.values("club_id", m=ExtractMonth(field)).order_by().annotate(n=Count("pk")):
        counts[row["club_id"]] += 1
    return counts


def _phase_start(year: int) -> datetime.date:
    """First day of the programme phase holding `year` (settings.ISHC["PHASES"])."""
    for first, last in settings.ISHC["PHASES"]:
        if first <= year <= last:
            return datetime.date(first, 1, 1)
    return datetime.date(year, 1, 1)


def _fund_months(clubs: QuerySet, year: int) -> dict[int, tuple[int, int]]:
    """{club id: (months with an Income Generation Fund entry, months with an Activity Fund
    entry)} in `year`. One query, at most 24 rows per club."""
    months: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        Entry.objects.filter(club__in=clubs, date__year=year)
        .values("club_id", "fund__kind", m=ExtractMonth("date"))
        .order_by()
        .distinct()
    )
    for row in rows:
        months[row["club_id"]][0 if row["fund__kind"] == FundKind.IGF else 1] += 1
    return {k: tuple(v) for k, v in months.items()}


def _boards(clubs: QuerySet, on: datetime.date) -> dict[int, tuple[int, bool, bool]]:
    """{club id: (people on the board, has a chair, has a vice-chair)} on `on`. One query."""
    rows = (
        BoardPosition.objects.on(on)
        .filter(club__in=clubs)
        .values("club_id")
        .order_by()
        .annotate(
            n=Count("member_id", distinct=True),
            chair=Count("pk", filter=Q(position=Position.CHAIR)),
            vice=Count("pk", filter=Q(position=Position.VICE_CHAIR)),
        )
    )
    return {r["club_id"]: (r["n"], r["chair"] > 0, r["vice"] > 0) for r in rows}


def evaluate(clubs: QuerySet, year: int) -> dict[int, list[dict]]:
    """{club id: [{"code", "met" (True/False/None), "why", "params"}]} in criterion order
    (see why_text)."""
    criteria = list(RubricCriterion.objects.filter(active=True))
    codes = {c.code for c in criteria}
    end = min(datetime.date(year, 12, 31), timezone.localdate())
    data: dict[str, dict] = {}
    if Criterion.MEETINGS in codes:
        data["meetings"] = _months_with(
            Meeting.objects.filter(club__in=clubs, held_on__year=year), "held_on"
        )
    if Criterion.REPORTS in codes:
        # On time: first sent by the due day of its month (computed per month in Python over at
        # most twelve rows per club; the due day varies by month).
        on_time: dict[int, int] = defaultdict(int)
        for club_id, month, sent in MonthlyReport.objects.filter(
            club__in=clubs, month__year=year, status__in=REPORTED
        ).values_list("club_id", "month", "first_submitted_on"):
            on_time[club_id] += bool(sent and sent <= due_date(month))
        data["reports"] = on_time
    if codes & {Criterion.SIZE, Criterion.COMPOSITION}:
        data["composition"] = {
            row["pk"]: row
            for row in annotate_composition(clubs, end)
            .order_by()
            .values("pk", "size", "women", "older", "younger")
        }
    if Criterion.AREAS in codes:
        data["areas"] = measure_year(clubs, year, settings.ISHC["MONTHS_FOR_YEAR"])
    if Criterion.BOARD in codes:
        data["board"] = _boards(clubs, end)
    if Criterion.FUNDS in codes:
        data["funds"] = _fund_months(clubs, year)
    if codes & {Criterion.BORROWERS, Criterion.REPAYMENT}:
        first = _phase_start(year)
        data["borrowers"] = {
            r["key"]: r["borrowers"] for r in loan_figures(clubs, first, end, end, "club_id")
        }
        data["instalments"] = {
            r["key"]: (r["instalments_paid_on_time"], r["instalments_due"])
            for r in loan_figures(clubs, datetime.date(year, 1, 1), end, end, "club_id")
        }
        if "composition" not in data:
            data["composition"] = {
                row["pk"]: row
                for row in annotate_composition(clubs, end).order_by().values("pk", "size")
            }

    result = {}
    for club_id in clubs.values_list("pk", flat=True):
        rows = []
        for c in criteria:
            met, why, params = _check(c, club_id, data)
            rows.append({"code": c.code, "met": met, "why": why, "params": params})
        result[club_id] = rows
    return result


# Why a criterion is met or not, in the reader's language: results store the key and its
# numbers, and the page renders the sentence when shown.
WHY = {
    "meetings": gettext_lazy("Meeting held in %(n)s of 12 months (needs %(t)s)."),
    "reports": gettext_lazy("%(n)s of 12 reports sent on time (needs %(t)s)."),
    "size": gettext_lazy("%(n)s members at the end of the year (band %(low)s–%(high)s)."),
    "composition_ok": gettext_lazy("Women, older and younger members within their bands."),
    "composition_out": gettext_lazy("Outside the band: %(names)s."),
    "areas_ok": gettext_lazy("Every area reached its minimums."),
    "areas_out": gettext_lazy("Below the minimum: %(list)s."),
    "funds": gettext_lazy(
        "Entries in %(igf)s months (Income Generation Fund) and %(act)s months (Activity Fund); "
        "needs %(t)s each."
    ),
    "borrowers": gettext_lazy(
        "%(n)s of %(size)s members borrowed during the phase (needs %(t)s %%)."
    ),
    "no_members": gettext_lazy("The club has no members."),
    "repayment": gettext_lazy("%(n)s of %(due)s instalments paid on time (needs %(t)s %%)."),
    "no_instalments": gettext_lazy("Not assessed: no instalment fell due this year."),
    "board": gettext_lazy(
        "%(n)s people on the board (needs %(t)s), chair: %(chair)s, vice-chair: %(vice)s "
        "(1 = in post)."
    ),
}
_GROUP_NAMES = {
    "women": gettext_lazy("women"),
    "older": gettext_lazy("older persons"),
    "younger": gettext_lazy("younger members"),
}


def why_text(row: dict) -> str:
    params = dict(row.get("params") or {})
    if "names" in params:
        params["names"] = ", ".join(str(_GROUP_NAMES[n]) for n in params["names"])
    if "list" in params:
        reached = _("reached")
        params["list"] = "; ".join(
            f"{Measure(code).label} ({reached} {value})" for code, value in params["list"]
        )
    return str(WHY[row["why"]]) % params


def _check(c: RubricCriterion, club_id: int, data: dict) -> tuple[bool | None, str, dict]:
    """(met, why key, its numbers); met None when not assessed."""
    if c.code == Criterion.MEETINGS:
        n = data["meetings"].get(club_id, 0)
        return n >= c.threshold, "meetings", {"n": n, "t": c.threshold}
    if c.code == Criterion.REPORTS:
        n = data["reports"].get(club_id, 0)
        return n >= c.threshold, "reports", {"n": n, "t": c.threshold}
    if c.code == Criterion.SIZE:
        size = data["composition"][club_id]["size"]
        low, high = band("size")
        return size_status(size) == "ok", "size", {"n": size, "low": low, "high": high}
    if c.code == Criterion.COMPOSITION:
        comp = data["composition"][club_id]
        outside = [
            name
            for name in ("women", "older", "younger")
            if band_status(comp[name], comp["size"], band(name)) != "ok"
        ]
        if not outside:
            return True, "composition_ok", {}
        return False, "composition_out", {"names": outside}
    if c.code == Criterion.FUNDS:
        igf, act = data["funds"].get(club_id, (0, 0))
        met = min(igf, act) >= c.threshold
        return met, "funds", {"igf": igf, "act": act, "t": c.threshold}
    if c.code == Criterion.BORROWERS:
        size = data["composition"][club_id]["size"]
        n = data["borrowers"].get(club_id, 0)
        if not size:
            return False, "no_members", {}
        met = n * 100 >= c.threshold * size
        return met, "borrowers", {"n": n, "size": size, "t": c.threshold}
    if c.code == Criterion.REPAYMENT:
        paid, due = data["instalments"].get(club_id, (0, 0))
        if not due:
            return None, "no_instalments", {}
        return (
            paid * 100 >= c.threshold * due,
            "repayment",
            {"n": paid, "due": due, "t": c.threshold},
        )
    if c.code == Criterion.BOARD:
        n, chair, vice = data["board"].get(club_id, (0, False, False))
        met = n >= c.threshold and chair and vice
        return met, "board", {"n": n, "t": c.threshold, "chair": int(chair), "vice": int(vice)}
    if c.code == Criterion.AREAS:
        failed = [
            [standard.measure, value] for standard, value, met in data["areas"][club_id] if not met
        ]
        if not failed:
            return True, "areas_ok", {}
        return False, "areas_out", {"list": failed}
    raise ValueError(f"unknown criterion {c.code!r}")


def compute(user, clubs: QuerySet, year: int) -> int:
    """Evaluate and store the year's results for the clubs; grades set by hand are kept."""
    require(user, "reports.rubric")
    if user is not None:
        clubs = editable(user, clubs)
    results = evaluate(clubs, year)
    with transaction.atomic():
        existing = {r.club_id: r for r in RubricResult.objects.filter(club__in=clubs, year=year)}
        for club_id, rows in results.items():
            assessed = [r for r in rows if r["met"] is not None]
            met = sum(1 for r in assessed if r["met"])
            result = existing.get(club_id) or RubricResult(club_id=club_id, year=year)
            result.criteria = rows
            result.met = met
            result.total = len(assessed)
            result.computed_grade = grade_for(met, len(assessed))
            result.save()
        record(user, "reports.rubric.computed", data={"year": year, "clubs": len(results)})
    return len(results)


def override(user, result: RubricResult, grade: str, reason: str) -> RubricResult:
    """Set (or, with grade "", clear) the grade by hand. A reason is always required."""
    require(user, "reports.rubric", result)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the grade set by hand."))
    if grade and grade not in Grade.values:
        raise ValidationError(_("Unknown grade."))
    with transaction.atomic():
        before = snapshot(result, ["override_grade", "override_reason"])
        result.override_grade = grade
        result.override_reason = reason if grade else ""
        result.save(update_fields=["override_grade", "override_reason"])
        record(
            user,
            "reports.rubric.overridden",
            result,
            before=before,
            after=snapshot(result, ["override_grade", "override_reason"]),
            data={"reason": reason},
        )
    return result
