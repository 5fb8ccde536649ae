"""Log-in lock-out, on top of django-axes.

Why the pair (user name, address): a lock on the name alone let a stranger lock every officer out
before a reporting deadline by typing wrong passwords for their names; a lock on the address
alone would shut a whole commune office behind one NAT. So axes counts failures per pair, and the
officer at her own desk still gets in while the stranger's address is locked for her name.

Why a second, per-address limit: a guesser who tries four passwords on each of a thousand names
never locks a pair, yet makes the server compute thousands of argon2 hashes (~340 ms and ~100 MB
each). The failures an address has made on every name together are one indexed sum over axes'
table; past LOGIN_MAX_ADDRESS_FAILURES in the cool-off window the address is refused before any
hash is computed, as is a locked pair (axes' backend runs before the password backend).

The counter is race-free: axes adds each failure with `F() + 1` on a row it holds with SELECT …
FOR UPDATE, behind a unique (name, address, browser) key.

Settings: LOGIN_MAX_FAILURES per pair, LOGIN_MAX_ADDRESS_FAILURES per address, both within
LOGIN_LOCK_MINUTES, which is also the cool-off; BEHIND_PROXY says whether X-Forwarded-For comes
from our own reverse proxy.
"""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_ip(request) -> str:
    """The address that connected to us, or, behind our proxy, the one the proxy saw.

    The proxy appends the address of whoever connected to it to X-Forwarded-For, so only the
    last entry is trusted: the ones before it are whatever the client chose to send."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def username(request, credentials) -> str:
    """User names are case-insensitive (accounts.models), so failures for "Lan" and "lan"
    count together."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username", "")
    return (name or "").strip().lower()


def failure_limit(request, credentials) -> int:
    return settings.LOGIN_MAX_FAILURES


def cool_off(request=None) -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _recent():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())


def failures(name: str, address: str) -> int:
    """Failures counted for one pair within the cool-off window."""
    rows = _recent().filter(username=name.lower(), ip_address=address)
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_throttled(request) -> bool:
    """True when this address has failed on all names together too often in the window."""
    rows = _recent().filter(ip_address=client_ip(request))
    total = rows.aggregate(n=Sum("failures_since_start"))["n"] or 0
    return total >= settings.LOGIN_MAX_ADDRESS_FAILURES
