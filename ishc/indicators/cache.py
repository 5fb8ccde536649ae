"""Results of the indicator service kept between page loads, in the shared cache, per part of
the country, and recomputed by one request at a time.

Why: at 10,000 clubs and 650,000 members the national dashboard needs a scan of every
membership period (and the other apps' figures), seconds on either database, more than a
Steering Board member should wait on every click. Nothing is rebuilt at night either.

- **Current while its part of the country is unchanged.** A result is stored with the versions
  of the unit it covers (ishc.core.versions: the club, the commune or province, or the nation),
  which move after every committed change there. A repayment in Cà Mau leaves Hà Nội's pages
  cached. The versions are read before computing, and move only after a change commits, so a
  result is never stored as current while missing a change (commit order on PostgreSQL).
- **Shared.** The cache is Django's configured cache: Redis when REDIS_URL is set, else the
  database cache table (settings.CACHES); each worker and server sees the others' results.
- **One request recomputes.** When a stored result is out of date, the first request takes a
  short lock and recomputes; the others meanwhile get the previous result, and the page says
  from what time its figures are (Results.stale_since). With no previous result at all, the
  request computes.

The date is in the key because ages and "active on the last day" move with the calendar even
when nobody writes. Writes that bypass the services (a shell edit, a data migration) move no
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

    def versions(self, unit) -> tuple[int, ...]:
        key = _unit_key(unit)
        if key not in self._versions:
            self._versions[key] = versions.read(_version_keys(unit))
        return self._versions[key]

    def get(self, what: str, unit, parts: tuple, compute):
        if not self.seconds:
            return compute()
        current = self.versions(unit)
        raw = repr((what, _unit_key(unit), parts, self.today.isoformat()))
        key = "ishc.indicators:" + hashlib.sha256(raw.encode()).hexdigest()
        stored = cache.get(key)
        if stored is not None and stored["versions"] == current:
            return stored["value"]
        if stored is not None and not cache.add(key + ":lock", 1, LOCK_SECONDS):
            # Someone else is recomputing: the previous result, marked with its time.
            if self.stale_since is None or stored["at"] < self.stale_since:
                self.stale_since = stored["at"]
            return stored["value"]
        try:
            value = compute()
            entry = {"versions": current, "at": timezone.now(), "value": value}
            cache.set(key, entry, self.seconds)
        finally:
            if stored is not None:
                cache.delete(key + ":lock")
        return value
