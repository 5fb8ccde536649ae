"""The one indicator service: numerators and denominators for any unit and period, straight from
the recorded data (no nightly rebuild: a value entered now shows on the next page load).

How it stays fast: every figure is a sum of a few *counters*, and each counter is computed in SQL
grouped by (unit, cohort, six area flags). One request for a unit and period is four queries:

1. clubs: total, active, new, new-and-active (status on the last day from the status history);
2. members: one scan of membership periods, grouped by club in a subquery (composition of each
   club), then summed per group in the outer query, with the band checks done in SQL;
3. coverage: communes with at least one active club, per province;
4. the administrative units that are the denominators of coverage.

Breakdowns by cohort and area flag, the nation total and the province rows are all sums over
the few hundred grouped rows these queries return, so none of them costs another query, and the
number of queries never depends on the number of clubs.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ishc.clubs.models import (
    AREA_FLAGS,
    Club,
    ClubStatus,
    ClubStatusChange,
    Membership,
    Sex,
    difficult_q,
    older_q,
)
from ishc.geo.models import EthnicGroup, Level, Unit

from . import catalogue

FLAGS = [name for name, _label in AREA_FLAGS]
DIMS = ["cohort", *FLAGS]
GROUP_FIELD = {"nation": None, "province": "province_id", "commune": "commune_id", "club": "id"}


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, phase
    start: datetime.date
    end: datetime.date
    label: str

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(
            "month",
            datetime.date(year, month, 1),
            datetime.date(year, month, last),
            f"{month:02d}/{year}",
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        last = calendar.monthrange(year, first + 2)[1]
        return cls(
            "quarter",
            datetime.date(year, first, 1),
            datetime.date(year, first + 2, last),
            f"Q{quarter}/{year}",
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))

    @classmethod
    def span(cls, start: datetime.date, end: datetime.date, label: str) -> Period:
        return cls("phase", start, end, label)

    def last_day(self, today: datetime.date | None = None) -> datetime.date:
        """The day stock indicators are measured on: the period's end, or today while running."""
        today = today or timezone.localdate()
        return min(self.end, today)

    def elapsed(self, today: datetime.date | None = None) -> float:
        """Share of the period gone by, for "on track" against a target."""
        today = today or timezone.localdate()
        total = (self.end - self.start).days + 1
        gone = (min(today, self.end) - self.start).days + 1
        return max(0.0, min(1.0, gone / total))


# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A numerator and a denominator; the value is derived, never stored or averaged."""

    num: int | None
    den: int | None = None
    kind: str = catalogue.COUNT

    @property
    def value(self) -> float | None:
        if self.num is None:
            return None
        if self.kind in (catalogue.RATIO, catalogue.AVERAGE):
            return self.num / self.den if self.den else None
        return self.num

    @property
    def display_value(self) -> float | None:
        """Value in the unit targets are written in: percent for ratios."""
        v = self.value
        if v is not None and self.kind == catalogue.RATIO:
            return v * 100
        return v


def figure(indicator: catalogue.Indicator, counters: Counter | dict | None) -> Figure:
    if counters is None:
        return Figure(None, None, indicator.kind)
    # Counts over clubs and members are 0 where nothing was found; coverage counters are absent
    # where they do not apply (provinces covered, for one club), and then so is the figure.
    # A counter is absent where it does not apply or was not computed (provinces covered, for
    # one club; resources, per commune), and then so is the figure; counted nothing is 0.
    if indicator.measured and not counters.get(indicator.measured):
        return Figure(None, None, indicator.kind)
    num = counters.get(indicator.num)
    den = None
    if indicator.den:
        den = counters.get(indicator.den)
        if den is None:
            num = None
    return Figure(num, den, indicator.kind)


@dataclass
class Result:
    """Counters for one unit and period: per group (province, commune or club), in total, and
    by cohort and by area flag."""

    period: Period
    day: datetime.date
    by: str
    total: Counter = field(default_factory=Counter)
    groups: dict = field(default_factory=dict)

    def get(self, code: str, key=None, *, total: bool = False) -> Figure:
        ind = catalogue.BY_CODE[code]
        counters = self.total if total or key is None else self.groups.get(key, Counter())
        return figure(ind, counters)

    cohorts: dict = field(default_factory=dict)
    flags: dict = field(default_factory=dict)

    def by_cohort(self) -> dict[str, Counter]:
        return self.cohorts

    def by_flag(self) -> dict[str, Counter]:
        """Counters of clubs with each area flag (a club with two flags is in both rows), and of
        clubs with none under the key "none"."""
        return self.flags

    def _break_down(self, cells) -> None:
        # Summed once when computed, so that a result reused from the cache carries them.
        for _key, dims, counters in cells:
            self.cohorts.setdefault(dims[0], Counter()).update(counters)
            flags = [name for name, on in zip(FLAGS, dims[1:], strict=True) if on]
            for name in flags or ["none"]:
                self.flags.setdefault(name, Counter()).update(counters)


def _unit_q(unit, prefix: str = "") -> Q:
    if unit is None:
        return Q()
    if isinstance(unit, Club):
        return Q(**{f"{prefix}{'id' if prefix else 'pk'}": unit.pk})
    if unit.level == Level.PROVINCE:
        return Q(**{f"{prefix}province_id": unit.pk})
    return Q(**{f"{prefix}commune_id": unit.pk})


def _launched_by(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}founded_on__lte": day}) | Q(**{f"{prefix}founded_on__isnull": True})


def _status_on(day: datetime.date):
    """The club's status on `day`: the latest status-history entry on or before it; clubs with
    no history before that day fall back to their current status."""
    latest = (
        ClubStatusChange.objects.filter(club=OuterRef("pk"), since__lte=day)
        .order_by("-since", "-pk")
        .values("status")[:1]
    )
    return Coalesce(Subquery(latest), F("status"))


def active_clubs(day: datetime.date, unit=None):
    """Clubs active on `day`, as a queryset (used as an IN subquery, evaluated once by the
    database, not per membership)."""
    return (
        Club.objects.filter(_unit_q(unit))
        .alias(status_on=_status_on(day))
        .filter(_launched_by(day), status_on=ClubStatus.ACTIVE)
    )


def headcount(clubs, day: datetime.date) -> dict:
    """Active clubs and their members on `day` among `clubs` (a user's area), on the same
    definitions as compute(): a club active that day by its status history, a member whose
    period covers the day, in such a club. The home page asks this, so that it and the
    dashboards give the same number (members left in a merged or inactive club do not count).
    Two queries."""
    active = clubs.filter(pk__in=active_clubs(day).values("pk"))
    members = Membership.objects.on(day).filter(club_id__in=active.values("pk"))
    return {"clubs": active.count(), "members": members.count()}


def _non_minority_ids():
    return EthnicGroup.objects.filter(code__in=[EthnicGroup.KINH, EthnicGroup.FOREIGN]).values("pk")


def _member_counts(day: datetime.date, unit):
    """Per active club: members on `day` and how many are women, older, etc. (an inner query,
    never fetched row by row). The definitions are those of ishc.clubs (older_q, difficult_q,
    minority = neither Kinh nor foreign, as in ishc.clubs.composition); the query starts from
    the membership periods rather than from the clubs, which is a third faster at 650,000
    members than ishc.clubs.composition.annotate_composition."""
    older = settings.ISHC["OLDER_AGE"]
    local = settings.ISHC["OLDER_AGE_LOCAL"]
    return (
        Membership.objects.on(day)
        .filter(_unit_q(unit, "club__"), club_id__in=active_clubs(day, unit).values("pk"))
        .values("club_id")
        .annotate(
            size=Count("pk"),
            women=Count("pk", filter=Q(member__sex=Sex.FEMALE)),
            older=Count("pk", filter=older_q(older, day, "member__")),
            older_local=Count("pk", filter=older_q(local, day, "member__")),
            difficult=Count("pk", filter=difficult_q("member__")),
            minority=Count("pk", filter=~Q(member__ethnicity_id__in=_non_minority_ids())),
            insured=Count("pk", filter=Q(member__health_insurance=True)),
        )
        .order_by()
    )


MEMBER_COUNTERS = [
    "members",
    "women",
    "older",
    "older_local",
    "younger",
    "difficult",
    "minority",
    "insured",
    "members_new",
    "older_new",
    "clubs_with_members",
    "size_ok",
    "women_ok",
    "older_ok",
    "younger_ok",
    "composition_ok",
    "size_small",
    "size_low",
    "size_high",
]


def _member_cells(period: Period, day: datetime.date, unit, group: str | None):
    """One query: the inner per-club counts summed per (group, cohort, flags), with every band
    check done in SQL on integers (women × 100 ≥ members × 60), so that a share exactly on a band
    edge is inside the band without any floating-point doubt."""
    inner_sql, inner_params = _member_counts(day, unit).query.sql_with_params()
    qn = connection.ops.quote_name
    club = qn(Club._meta.db_table)
    cfg = settings.ISHC
    size_lo, size_hi = cfg["CLUB_SIZE_BAND"]
    w_lo, w_hi = cfg["WOMEN_BAND"]
    o_lo, o_hi = cfg["OLDER_BAND"]
    y_lo, y_hi = cfg["YOUNGER_BAND"]
    size_ok = "(s.size >= %s AND s.size <= %s)"
    # A club without members has no shares: it is inside no band.
    women_ok = "(s.size > 0 AND s.women * 100 >= s.size * %s AND s.women * 100 <= s.size * %s)"
    older_ok = "(s.size > 0 AND s.older * 100 >= s.size * %s AND s.older * 100 <= s.size * %s)"
    younger_ok = (
        "(s.size > 0 AND (s.size - s.older) * 100 >= s.size * %s "
        "AND (s.size - s.older) * 100 <= s.size * %s)"
    )
    new = "(c.founded_on >= %s AND c.founded_on <= %s)"
    keys = ([f"c.{qn(group)}"] if group else []) + [f"c.{qn(d)}" for d in DIMS]
    select = [
        "SUM(s.size)",
        "SUM(s.women)",
        "SUM(s.older)",
        "SUM(s.older_local)",
        "SUM(s.size - s.older)",
        "SUM(s.difficult)",
        "SUM(s.minority)",
        "SUM(s.insured)",
        f"SUM(CASE WHEN {new} THEN s.size ELSE 0 END)",
        f"SUM(CASE WHEN {new} THEN s.older ELSE 0 END)",
        "SUM(CASE WHEN s.size > 0 THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {size_ok} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {women_ok} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {older_ok} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {younger_ok} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {size_ok} AND {women_ok} AND {older_ok} AND {younger_ok} "
        "THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN s.size > 0 AND s.size < %s THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN s.size >= %s AND s.size < %s THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN s.size > %s THEN 1 ELSE 0 END)",
    ]
    params = [
        period.start,
        day,
        period.start,
        day,
        size_lo,
        size_hi,
        w_lo,
        w_hi,
        o_lo,
        o_hi,
        y_lo,
        y_hi,
        size_lo,
        size_hi,
        w_lo,
        w_hi,
        o_lo,
        o_hi,
        y_lo,
        y_hi,
        # Size buckets for the distribution: fewer than 30, 30 to below the band, above it.
        30,
        30,
        size_lo,
        size_hi,
    ]
    sql = (
        f"SELECT {', '.join(keys + select)} FROM ({inner_sql}) s "
        f"JOIN {club} c ON c.id = s.club_id GROUP BY {', '.join(keys)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + list(inner_params))
        rows = cursor.fetchall()
    width = len(keys)
    cells = []
    for row in rows:
        key = row[0] if group else None
        dims = tuple(row[1 if group else 0 : width])
        dims = (dims[0], *(bool(v) for v in dims[1:]))
        cells.append(
            (
                key,
                dims,
                Counter(
                    dict(zip(MEMBER_COUNTERS, (int(v or 0) for v in row[width:]), strict=True))
                ),
            )
        )
    return cells


def _club_cells(period: Period, day: datetime.date, unit, group: str | None):
    active = Q(status_on=ClubStatus.ACTIVE) & _launched_by(day)
    new = Q(founded_on__gte=period.start, founded_on__lte=day)
    keys = ([group] if group else []) + DIMS
    rows = (
        Club.objects.filter(_unit_q(unit))
        .alias(status_on=_status_on(day))
        .values(*keys)
        .annotate(
            clubs_total=Count("pk", filter=_launched_by(day)),
            clubs_active=Count("pk", filter=active),
            clubs_new=Count("pk", filter=new),
            clubs_new_active=Count("pk", filter=new & active),
        )
        .order_by()
    )
    cells = []
    for row in rows:
        key = row[group] if group else None
        dims = (row["cohort"], *(row[f] for f in FLAGS))
        counters = Counter(
            {k: row[k] for k in ("clubs_total", "clubs_active", "clubs_new", "clubs_new_active")}
        )
        cells.append((key, dims, counters))
    return cells


def _coverage(day: datetime.date, unit) -> dict[int, dict]:
    """Per 2025 province: active clubs and communes with at least one, plus the number of
    communes; two small queries over at most 34 rows each."""
    per_province = {
        row["province_id"]: row
        for row in active_clubs(day, unit)
        .values("province_id")
        .annotate(active=Count("pk"), communes_with=Count("commune_id", distinct=True))
        .order_by()
    }
    units = Unit.objects.communes()
    if unit is not None and not isinstance(unit, Club):
        units = units.filter(Q(province_id=unit.pk) if unit.level == Level.PROVINCE else Q(pk=0))
    provinces = Unit.objects.provinces()
    if unit is not None and not isinstance(unit, Club):
        provinces = provinces.filter(pk=unit.pk)
    communes_all = {
        r["province_id"]: r["n"]
        for r in units.values("province_id").annotate(n=Count("pk")).order_by()
    }
    out = {}
    for pid in provinces.values_list("pk", flat=True):
        row = per_province.get(pid, {})
        out[pid] = {
            "provinces_with": 1 if row.get("active") else 0,
            "provinces_all": 1,
            "communes_with": row.get("communes_with", 0),
            "communes_all": communes_all.get(pid, 0),
        }
    return out


def compute(period: Period, *, unit=None, by: str = "nation", today=None, codes=None) -> Result:
    """Counters for `unit` (None = nation, a 2025 province or commune, or a Club) over `period`,
    in total and per `by` group ("nation", "province", "commune" or "club").

    The clubs-and-members counters always come (four queries); the other apps' counters only
    for the indicators in `codes` (all of them when None)."""
    today = today or timezone.localdate()
    day = period.last_day(today)
    group = GROUP_FIELD[by]
    result = Result(period=period, day=day, by=by)
    cells = _club_cells(period, day, unit, group) + _member_cells(period, day, unit, group)
    merged: dict = {}
    for key, dims, counters in cells:
        merged.setdefault((key, dims), Counter()).update(counters)
    result._break_down((key, dims, c) for (key, dims), c in merged.items())
    for (key, _dims), counters in merged.items():
        result.total.update(counters)
        if group:
            result.groups.setdefault(key, Counter()).update(counters)
    _add_coverage(result, day, unit, by)
    for counters in [result.total, *result.groups.values()]:
        for name in CUBE_COUNTERS:
            counters.setdefault(name, 0)
    _add_sources(result, period, day, unit, by, today, codes)
    return result


def _counters_for(codes) -> set[str]:
    """The counters the indicators `codes` (every indicator when None) are made of."""
    wanted = catalogue.INDICATORS if codes is None else [catalogue.BY_CODE[c] for c in codes]
    return {i.num for i in wanted} | {i.den for i in wanted if i.den}


def combine(period: Period, day: datetime.date, by: str, parts: list[Result]) -> Result:
    """One Result that is the sum of results for disjoint parts of the country (the nation from
    its provinces, each computed with `by`). Every counter is a count or a sum over clubs or
    members, and coverage is counted per province, so the sum is what compute() would give for
    the whole, except what belongs to no province (national_rest)."""
    result = Result(period=period, day=day, by=by)
    for part in parts:
        result.total.update(part.total)
        for key, counters in part.groups.items():
            result.groups.setdefault(key, Counter()).update(counters)
        for mine, theirs in ((result.cohorts, part.cohorts), (result.flags, part.flags)):
            for key, counters in theirs.items():
                mine.setdefault(key, Counter()).update(counters)
    return result


def national_rest(result: Result, codes) -> None:
    """Add to a nation combined from its provinces what belongs to no province: contributions
    to the programme nationally (in the total and, by province, under the key None as in
    compute())."""
    from .sources import SOURCES, national_resources

    needed = _counters_for(codes)
    if not SOURCES["resources"][1] & needed:
        return
    amount = national_resources(result.period, result.day)
    if amount is None:
        return
    result.total.update({"resources": amount})
    if result.by != "nation":
        result.groups.setdefault(None, Counter()).update({"resources": amount})


CUBE_COUNTERS = ["clubs_total", "clubs_active", "clubs_new", "clubs_new_active", *MEMBER_COUNTERS]


def _add_sources(result: Result, period, day, unit, by, today, codes) -> None:
    from . import sources

    needed = _counters_for(codes)
    for name, (function, provides) in sources.SOURCES.items():
        if not provides & needed:
            continue
        args = (period, day, unit, by, today) if name == "reports" else (period, day, unit, by)
        rows = function(*args)
        if rows is None:
            continue
        for key, values in rows.items():
            result.total.update(values)
            if by != "nation":
                result.groups.setdefault(key, Counter()).update(values)
        for counters in [result.total, *result.groups.values()]:
            for counter in provides:
                counters.setdefault(counter, 0)


def _add_coverage(result: Result, day, unit, by: str) -> None:
    """Provinces and communes with an active club. They are not sums over clubs (a commune with
    three clubs counts once), so they come from their own query, per province; those rows do
    add up to the nation."""
    if isinstance(unit, Club):
        return
    if unit is not None and unit.level == Level.COMMUNE:
        result.total.update(
            {"communes_with": 1 if result.total["clubs_active"] else 0, "communes_all": 1}
        )
    else:
        coverage = _coverage(day, unit)
        for pid, counters in coverage.items():
            result.total.update(counters)
            if by == "province":
                result.groups.setdefault(pid, Counter()).update(counters)
    if by == "commune":
        for key, counters in result.groups.items():
            # Clubs whose commune is not confirmed yet are no commune at all.
            on = key is not None
            counters.update(
                {"communes_with": int(on and counters["clubs_active"] > 0), "communes_all": int(on)}
            )


# --- trends ---------------------------------------------------------------------------------


def month_ends(year: int, today: datetime.date | None = None) -> list[datetime.date]:
    today = today or timezone.localdate()
    days = [datetime.date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]
    return [min(d, today) for d in days if datetime.date(year, d.month, 1) <= today]


def year_ends(start: datetime.date, end: datetime.date, today=None) -> list[datetime.date]:
    today = today or timezone.localdate()
    return [
        min(datetime.date(y, 12, 31), end, today)
        for y in range(start.year, end.year + 1)
        if datetime.date(y, 1, 1) <= today
    ]


TREND_MEMBER_Q = {
    "members": lambda day: Q(),
    "women": lambda day: Q(member__sex="F"),
    "older": lambda day: older_q(settings.ISHC["OLDER_AGE"], day, "member__"),
    "older_local": lambda day: older_q(settings.ISHC["OLDER_AGE_LOCAL"], day, "member__"),
    "younger": lambda day: ~older_q(settings.ISHC["OLDER_AGE"], day, "member__"),
    "difficult": lambda day: difficult_q("member__"),
    "minority": lambda day: ~Q(member__ethnicity_id__in=_non_minority_ids()),
}


def trend(code: str, days: list[datetime.date], *, unit=None, since: datetime.date) -> list[Figure]:
    """The indicator on each of `days` (new clubs and members of new clubs counted from `since`),
    in at most two queries whatever the number of days: one conditional count per day."""
    return trend_figures(code, trend_counters(code, days, unit=unit, since=since), len(days))


def trend_figures(code: str, values: dict[str, list[int]], n: int) -> list[Figure]:
    """The figures of a trend from its counters, one list of values per counter."""
    ind = catalogue.BY_CODE[code]
    if not ind.trend or not n:
        return []
    return [figure(ind, {name: vals[i] for name, vals in values.items()}) for i in range(n)]


def trend_counters(
    code: str, days: list[datetime.date], *, unit=None, since: datetime.date
) -> dict[str, list[int]]:
    """The counters behind trend(), per day. They add up across provinces (provinces with an
    active club count 0 or 1 in each), so the nation's are the sum of its provinces'."""
    ind = catalogue.BY_CODE[code]
    if not ind.trend or not days:
        return {}
    needed = {ind.num} | ({ind.den} if ind.den else set())
    values: dict[str, list[int]] = {}
    club_counters = needed & {
        "clubs_total",
        "clubs_active",
        "clubs_new",
        "provinces_with",
        "communes_with",
    }
    if club_counters:
        qs = Club.objects.filter(_unit_q(unit))
        aggs = {}
        needs_status = bool(club_counters - {"clubs_total", "clubs_new"})
        for i, day in enumerate(days):
            # Only what the indicator needs: each status lookup is a subquery per club and day.
            if needs_status:
                qs = qs.alias(**{f"st{i}": _status_on(day)})
            active = Q(**{f"st{i}": ClubStatus.ACTIVE}) & _launched_by(day)
            made = {
                "clubs_total": lambda d=day: Count("pk", filter=_launched_by(d)),
                "clubs_active": lambda a=active: Count("pk", filter=a),
                "clubs_new": lambda d=day: Count(
                    "pk", filter=Q(founded_on__gte=since, founded_on__lte=d)
                ),
                "provinces_with": lambda a=active: Count("province_id", distinct=True, filter=a),
                "communes_with": lambda a=active: Count("commune_id", distinct=True, filter=a),
            }
            for name in club_counters:
                aggs[f"{name}{i}"] = made[name]()
        row = qs.aggregate(**aggs)
        for name in club_counters:
            values[name] = [row[f"{name}{i}"] for i in range(len(days))]
    member_counters = needed & {*TREND_MEMBER_Q, "members_new", "older_new"}
    if member_counters:
        qs = Membership.objects.filter(_unit_q(unit, "club__"))
        aggs = {}
        for i, day in enumerate(days):
            covers = Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))
            base = covers & Q(club_id__in=active_clubs(day, unit).values("pk"))
            new = Q(club__founded_on__gte=since, club__founded_on__lte=day)
            for name in member_counters:
                if name == "members_new":
                    cond = base & new
                elif name == "older_new":
                    cond = base & new & TREND_MEMBER_Q["older"](day)
                else:
                    cond = base & TREND_MEMBER_Q[name](day)
                aggs[f"{name}{i}"] = Count("pk", filter=cond)
        row = qs.aggregate(**aggs)
        for name in member_counters:
            values[name] = [row[f"{name}{i}"] for i in range(len(days))]
    if needed & {"provinces_all", "communes_all"}:
        cov = _coverage(days[-1], unit)
        for name in ("provinces_all", "communes_all"):
            values[name] = [sum(c[name] for c in cov.values())] * len(days)
    return values
