"""Results of the indicator service kept between page loads, in the shared cache, per part of
the country, and recomputed by one request at a time.

Why: at 10,000 clubs and 650,000 members the national dashboard needs a scan of every
membership period (and the other apps' figures), seconds on either database, more than a
Steering Board member should wait on every click. Nothing is rebuilt at night: the figures
come from the records on every computation (manage.py warm_figures only computes the day's
first national and province results before anyone asks).

- **Current while its part of the country is unchanged.** A result is stored with the versions
  of the unit it covers (ishc.core.versions: the club, the commune or province, or the nation),
  which move after every committed change there. A repayment in Cà Mau leaves Hà Nội's pages
  cached. The versions are read before computing, and move only after a change commits, so a
  result is never stored as current while missing a change (commit order on PostgreSQL).
- **Shared.** The cache is Django's configured cache: Redis when REDIS_URL is set, else the
  database cache table (settings.CACHES); each worker and server sees the others' results.
- **The nation is the sum of its provinces** (Results.national): every write anywhere moves
  the nation's version, so a national result is kept as the 34 provinces' results added up,
  each cached under its own province's versions; after a write, one province is computed again.
- **One request recomputes.** When a stored result is out of date, the first request takes a
  short lock and recomputes; the others meanwhile get the previous result, and the page says
  from what time its figures are (Results.stale_since). With no previous result at all, the
  request computes.

The date is in the key because ages and "active on the last day" move with the calendar even
when nobody writes; a stored result lives a day (ISHC_DASHBOARD_CACHE_SECONDS), its versions
say whether it is current. Writes that bypass the services (a shell edit, a data migration) move no
version: clear the cache after them. ISHC_DASHBOARD_CACHE_SECONDS=0 turns the cache off.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ishc.accounts.scope import Scope
from ishc.core import versions

# How long one request may hold the right to recompute before another may take it over (a
# worker killed mid-computation must not leave a result stale for ever).
LOCK_SECONDS = 120

# get() without a value already read from the cache (None there means "not in the cache").
_UNREAD = object()


def _unit_key(unit) -> str:
    """What a result covers: None (the nation), a Unit, a Club, or a user's Scope (the home
    page's counts)."""
    if unit is None:
        return "nation"
    if isinstance(unit, Scope):
        return repr(sorted(versions.keys_for_scope(unit)))
    return f"{unit._meta.label}:{unit.pk}"


def _version_keys(unit) -> tuple[str, ...]:
    if isinstance(unit, Scope):
        return versions.keys_for_scope(unit)
    return versions.keys_for(unit)


class Results:
    """The cache for one request: reads each unit's versions once."""

    def __init__(self, today=None):
        self.seconds = settings.ISHC.get("DASHBOARD_CACHE_SECONDS", 600)
        self.today = today or timezone.localdate()
        self._versions: dict[str, tuple[int, ...]] = {}
        # When the oldest out-of-date result served by this request was computed (None: every
        # result served is current).
        self.stale_since: datetime.datetime | None = None
        self._provinces: list | None = None

    def versions(self, unit) -> tuple[int, ...]:
        key = _unit_key(unit)
        if key not in self._versions:
            self._versions[key] = versions.read(_version_keys(unit))
        return self._versions[key]

    def _key(self, what: str, unit, parts: tuple) -> str:
        raw = repr((what, _unit_key(unit), parts, self.today.isoformat()))
        return "ishc.indicators:" + hashlib.sha256(raw.encode()).hexdigest()

    def get(self, what: str, unit, parts: tuple, compute, stored=_UNREAD, may_be_stale=True):
        if not self.seconds:
            return compute()
        current = self.versions(unit)
        key = self._key(what, unit, parts)
        if stored is _UNREAD:
            stored = cache.get(key)
        if stored is not None and stored["versions"] == current:
            return stored["value"]
        locked = False
        if stored is not None and may_be_stale:
            locked = cache.add(key + ":lock", 1, LOCK_SECONDS)
        if stored is not None and may_be_stale and not locked:
            # Someone else is recomputing: the previous result, marked with its time.
            if self.stale_since is None or stored["at"] < self.stale_since:
                self.stale_since = stored["at"]
            return stored["value"]
        try:
            value = compute()
            entry = {"versions": current, "at": timezone.now(), "value": value}
            cache.set(key, entry, self.seconds)
        finally:
            if locked:
                cache.delete(key + ":lock")
        return value

    def national(self, what: str, whole, parts: tuple, part, combine, direct):
        """A national value (`whole`: None or a national user's Scope) kept as the combination
        of its 34 provinces' values, each cached under its own province's versions.

        Why: every write anywhere moves the nation's version. Recomputed whole, the national
        dashboard after one repayment is a scan of the whole country (seconds at 10,000 clubs,
        docs/benchmarks.md); combined, it recomputes the one province that changed (a few
        hundred clubs) and reads the other 33 from the cache. `part(province)` computes one
        province, `combine(values)` adds them up, and `direct()` computes the whole at once,
        for when the cache is off (34 computations would then be slower than one)."""
        if not self.seconds:
            return direct()

        def combined():
            from ishc.geo.models import Unit

            if self._provinces is None:
                # Once per request: a dashboard combines its results, trend and cards.
                self._provinces = list(Unit.objects.provinces().order_by("pk"))
            provinces = self._provinces
            self._read_versions(provinces)
            keys = [self._key(what, p, parts) for p in provinces]
            stored = cache.get_many(keys)
            # Never a province's previous result here: the sum is stored as current for the
            # nation's versions, and would keep an out-of-date part until the next write.
            return combine(
                [
                    self.get(what, p, parts, lambda p=p: part(p), stored.get(key), False)
                    for p, key in zip(provinces, keys, strict=True)
                ]
            )

        return self.get(what, whole, parts, combined)

    def for_area(self, what: str, area, clubs, parts: tuple, compute, combine):
        """compute(clubs) for a Club or a user's area (a Scope) and its clubs, through the
        cache; a national user's area combined from its provinces' (national())."""
        from ishc.clubs.models import Club

        if isinstance(area, Club) or not area.national:
            return self.get(what, area, parts, lambda: compute(clubs))
        return self.national(
            what,
            area,
            parts,
            lambda province: compute(Club.objects.filter(province=province)),
            combine,
            lambda: compute(clubs),
        )

    def _read_versions(self, units) -> None:
        """The versions of many units in one query (the 34 provinces of a national value)."""
        wanted = {_unit_key(u): _version_keys(u) for u in units}
        wanted = {k: v for k, v in wanted.items() if k not in self._versions}
        flat = sorted({k for keys in wanted.values() for k in keys})
        found = dict(zip(flat, versions.read(flat), strict=True))
        for key, keys in wanted.items():
            self._versions[key] = tuple(found[k] for k in keys)

    def compute(self, period, unit, by: str, codes):
        """figures.compute() through the cache; the nation combined from its provinces."""
        from . import figures

        parts = (period.start, period.end, by, codes)
        if unit is not None:
            return self.get(
                "compute",
                unit,
                parts,
                lambda: figures.compute(period, unit=unit, by=by, today=self.today, codes=codes),
            )

        def combine(results):
            result = figures.combine(period, period.last_day(self.today), by, results)
            figures.national_rest(result, codes)
            return result

        return self.national(
            "compute",
            None,
            parts,
            lambda p: figures.compute(period, unit=p, by=by, today=self.today, codes=codes),
            combine,
            lambda: figures.compute(period, unit=None, by=by, today=self.today, codes=codes),
        )

    def trend(self, code: str, days: list, unit, since):
        """figures.trend() through the cache; the nation combined from its provinces."""
        from . import figures

        parts = (code, tuple(days), since)
        if unit is not None:
            values = self.get(
                "trend",
                unit,
                parts,
                lambda: figures.trend_counters(code, days, unit=unit, since=since),
            )
        else:

            def combine(parts_values):
                total: dict[str, list[int]] = {}
                for values in parts_values:
                    for name, vals in values.items():
                        mine = total.setdefault(name, [0] * len(vals))
                        total[name] = [a + b for a, b in zip(mine, vals, strict=True)]
                return total

            values = self.national(
                "trend",
                None,
                parts,
                lambda p: figures.trend_counters(code, days, unit=p, since=since),
                combine,
                lambda: figures.trend_counters(code, days, unit=None, since=since),
            )
        return figures.trend_figures(code, values, len(days))

    def headcount(self, scope, clubs):
        """figures.headcount() of a user's area (`clubs`, scope's clubs) through the cache; a
        national user's combined from the provinces."""
        from .figures import headcount

        return self.for_area(
            "headcount",
            scope,
            clubs,
            (),
            lambda some: headcount(some, self.today),
            lambda values: {k: sum(v[k] for v in values) for k in ("clubs", "members")},
        )
