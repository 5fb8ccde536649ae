"""Reads that may go to a read replica (docs/deploy.md, "A read replica").

With `DATABASE_REPLICA_URL` set, settings add the `replica` alias and this router. A replica lags
the primary by a moment, so it serves only what tolerates that: the views marked `@replica_ok`
(dashboards, their exports and printable reports), for GET requests, and only for a person who
has not written in the last minute — a treasurer who records a repayment and opens the dashboard
sees it, because their reads stay on the primary. Everything else, and every write, goes to the
primary.

Two tables are always read from the primary even inside a replica view: the data versions
(ishc.core.versions — a version read from a lagging replica could make an old result look
current) and the shared cache table (a result cached a moment ago would be missed and
recomputed on every request until the replica caught up).
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
# When the person last wrote (seconds since the epoch), in their session.
WROTE_AT = "ishc_wrote_at"
FRESH_SECONDS = 60
_PRIMARY_ONLY = {"core.DataVersion"}
_PRIMARY_ONLY_APPS = {"django_cache"}
_SAFE = {"GET", "HEAD", "OPTIONS"}

_reads_on_replica: ContextVar[bool] = ContextVar("ishc_reads_on_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_ok(view):
    """Mark a read-only view whose figures may be a moment old."""
    view.replica_ok = True
    return view


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reads_on_replica.get():
            return None
        meta = model._meta
        if meta.label in _PRIMARY_ONLY or meta.app_label in _PRIMARY_ONLY_APPS:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Decides per request whether the router may use the replica, and remembers each write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        token = _reads_on_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reads_on_replica.reset(token)
        session = getattr(request, "session", None)
        if request.method not in _SAFE and session is not None:
            session[WROTE_AT] = int(time.time())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not configured() or request.method not in _SAFE:
            return None
        if not getattr(view_func, "replica_ok", False):
            return None
        session = getattr(request, "session", None)
        wrote_at = session.get(WROTE_AT, 0) if session is not None else 0
        if time.time() - wrote_at >= FRESH_SECONDS:
            _reads_on_replica.set(True)
        return None
