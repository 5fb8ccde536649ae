"""Once-only submits: a request sent twice writes once.

A double tap on a slow network, a browser that resends a POST, or an API client that retries
after a timeout all send the same request again. Each writing form carries a one-time token
(`{% once_token %}`, a hidden field named ONCE_FIELD); API clients send the same thing in the
`Idempotency-Key` header. `OnceMiddleware` runs such a request inside one transaction that
first inserts a Submission row for (user, key) and then runs the view:

- the first request inserts the row, runs the view and stores what it answered (the redirect of
  a successful form, or the status and JSON body of an API call) in the same transaction;
- a repeat that arrives after it fails to insert (unique constraint) and answers with the stored
  result: the same redirect, with a message saying nothing was recorded twice;
- a repeat that arrives while the first is still running waits on the unique index (PostgreSQL
  blocks the second insert until the first transaction ends), then does the same; if the first
  was rolled back, the repeat runs as if it were the first;
- an answer that is not a success (a form shown again with its errors, a 4xx/5xx) forgets the
  key, so the person can correct the form and send it again with the same token.

`run_once()` is the same mechanism for code that is not a Django view (tests, the API layer).
The static script core/once.js disables the submit button while the request is in flight; the
server side above is what makes a duplicate harmless when the script is not there.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import Submission

ONCE_FIELD = "once_token"
HEADER = "Idempotency-Key"
_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,64}")


def new_token() -> str:
    return uuid.uuid4().hex


def hidden_field() -> str:
    """The hidden input a writing form carries (the {% once_token %} tag)."""
    return format_html('<input type="hidden" name="{}" value="{}">', ONCE_FIELD, new_token())


@dataclass
class Result:
    """What a guarded action answered. `keep` is False for a refusal: the key is then forgotten
    (and, when the status is a server error, everything the action wrote is rolled back)."""

    keep: bool
    status: int = 200
    location: str = ""
    content_type: str = ""
    body: str = ""


class _Forget(Exception):
    def __init__(self, value):
        self.value = value


class KeyReused(Exception):
    """The key was already used for another request (another path)."""


def run_once(user, key: str, path: str, action: Callable[[], tuple[Result, object]]):
    """Run action() at most once per (user, key). Returns (fresh, stored, value): fresh is True
    when the action ran now; stored is the Submission of the first run (None when the action
    refused and nothing was kept); value is what action() returned (None on a replay)."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = Submission.objects.create(user=user, key=key, path=path[:300])
            except IntegrityError:
                row = None
            if row is None:
                first = Submission.objects.get(user=user, key=key)
                if first.path != path[:300]:
                    raise KeyReused
                return False, first, None
            result, value = action()
            if not result.keep:
                if result.status >= 500:
                    # A crash half-way: keep nothing it wrote, and forget the key.
                    raise _Forget(value)
                # A refusal (a form shown again with its errors) wrote nothing: forget the key
                # so that the corrected form can be sent with it.
                row.delete()
                return True, None, value
            row.status, row.location = result.status, result.location[:500]
            row.content_type, row.body = result.content_type[:100], result.body
            row.save(update_fields=["status", "location", "content_type", "body"])
            return True, row, value
    except _Forget as forget:
        return True, None, forget.value


def key_of(request) -> str | None:
    """The once-only key a request carries, or None. A malformed key counts as none."""
    key = request.headers.get(HEADER)
    if key is None and request.method == "POST" and ONCE_FIELD in request.POST:
        key = request.POST.get(ONCE_FIELD)
    if key and _KEY.fullmatch(key):
        return key
    return None


def _result_of(response: HttpResponse) -> Result:
    location = response.headers.get("HX-Redirect") or (
        response.headers.get("Location", "") if 300 <= response.status_code < 400 else ""
    )
    if location:
        return Result(keep=True, status=response.status_code, location=location)
    content_type = response.headers.get("Content-Type", "")
    if 200 <= response.status_code < 300 and content_type.startswith("application/json"):
        return Result(
            keep=True,
            status=response.status_code,
            content_type=content_type,
            body=response.content.decode(),
        )
    # A page shown again (a form with errors) or a refusal: nothing to remember.
    return Result(keep=False, status=response.status_code)


def _replay(request, first: Submission) -> HttpResponse:
    if first.location:
        messages.info(request, _("This was already saved once; it was not recorded twice."))
        return HttpResponseRedirect(first.location)
    response = HttpResponse(first.body, status=first.status, content_type=first.content_type)
    response.headers["Idempotent-Replayed"] = "true"
    return response


class OnceMiddleware:
    """Applies run_once() to every POST (or other writing method) that carries a key from a
    signed-in user. Placed after the authentication and message middlewares."""

    WRITING = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method not in self.WRITING or not (user and user.is_authenticated):
            return self.get_response(request)
        key = key_of(request)
        if key is None:
            return self.get_response(request)

        def action():
            response = self.get_response(request)
            return _result_of(response), response

        try:
            fresh, first, response = run_once(user, key, request.path, action)
        except KeyReused:
            return JsonResponse(
                {"detail": _("This key was already used for another request.")}, status=422
            )
        return response if fresh else _replay(request, first)
