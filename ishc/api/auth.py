"""Who is calling: a personal token (`Authorization: Bearer ishc_…`) or the web session.

Either way the request then carries the same `User` the web would, so `scope.visible()` and the
services decide what it sees and changes — the API has no rules of its own. What the token adds
is narrower, never wider: a read-only token refuses every write, an expired or revoked one
answers 401, and each token has its own request budget.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from .tokens import find_token, touch

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenRefused(AuthenticationError):
    """401 with the reason in the caller's language (revoked, expired, unknown)."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message)


class ReadOnlyToken(HttpError):
    def __init__(self) -> None:
        super().__init__(403, _("This token is read-only: it cannot change data."))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = find_token(token)
        if found is None:
            raise TokenRefused(_("This token is not known."))
        if found.revoked_at is not None:
            raise TokenRefused(_("This token has been revoked."))
        if found.expired:
            raise TokenRefused(_("This token has expired."))
        if not found.user.is_active:
            raise TokenRefused(_("The account this token belongs to cannot log in."))
        if found.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyToken()
        touch(found)
        request.user = found.user
        request.api_token = found
        return found.user


class Session(SessionAuth):
    """The logged-in web session, for pages of the site itself; CSRF is checked on writes."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            request.api_token = None
            return user
        return None


class PerToken(BaseThrottle):
    """A fixed budget of requests per minute for each token (or session user).

    Counted in the shared cache (Redis in production, the database otherwise), never in process
    memory: with several gunicorn workers a per-process count would multiply the budget.
    """

    def allow_request(self, request) -> bool:
        token = getattr(request, "api_token", None)
        who = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        rate = settings.ISHC["API_REQUESTS_PER_MINUTE"]
        window = int(time.time() // 60)
        key = f"api-rate:{who}:{window}"
        cache = caches["default"]
        cache.add(key, 0, timeout=120)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add() and incr(): a new window has begun
            cache.set(key, 1, timeout=120)
            used = 1
        return used <= rate

    def wait(self) -> float:
        return 60 - time.time() % 60


auth = [TokenAuth(), Session()]
