"""Results of the indicator service kept between page loads, and thrown away by the next change.

Why: at 10,000 clubs and 650,000 members the national dashboard needs a scan of every
membership period (and the other apps' figures), about a second on SQLite, more than the 300 ms
a Steering Board member should wait on every click. Nothing is rebuilt at night either: a
result is reused only while the data it was computed from is unchanged.

How we know the data is unchanged: every change that matters writes an audit entry in the same
transaction as the change (a project rule, ishc.audit.services.record), so the highest audit
entry id is a version number of the whole database that moves with every committed write. A
result is cached under (what was asked, today's date, that id): the next page load after any
entry sees a new id, misses the cache and recomputes. The date is in the key because ages and
"active on the last day" move with the calendar even when nobody writes.

The cost of the check is one indexed MAX() per request. Writes that bypass the services (a
data migration, a shell session) are not seen until the next audited write or the next day;
ISHC_DASHBOARD_CACHE_SECONDS=0 turns the cache off.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from ishc.audit.models import AuditEntry


def data_version() -> int:
    return AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0


def _unit_key(unit) -> str:
    return "nation" if unit is None else f"{unit._meta.label}:{unit.pk}"


class Results:
    """The cache for one request: reads the data version once."""

    def __init__(self, today=None):
        self.seconds = settings.ISHC.get("DASHBOARD_CACHE_SECONDS", 600)
        self.today = today or timezone.localdate()
        self.version = data_version() if self.seconds else None

    def get(self, what: str, unit, parts: tuple, compute):
        if not self.seconds:
            return compute()
        raw = repr((what, _unit_key(unit), parts, self.today.isoformat(), self.version))
        key = "ishc.indicators:" + hashlib.sha256(raw.encode()).hexdigest()
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.seconds)
        return value
