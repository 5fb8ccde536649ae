"""`Idempotency-Key` on the API's writes, through the one once-only mechanism (ishc.core.once).

A web session's request is already guarded by `OnceMiddleware`, which sees the signed-in user.
A token's request is not: the middleware runs before django-ninja has read the token, so it sees
nobody. For those, the write runs here inside the same `run_once()`: the first request stores
its status and JSON body with the key, a retry with the same key answers that stored response
(with `Idempotent-Replayed: true`) and writes nothing; a refusal stores nothing, so the
corrected request can be sent with the same key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Schema, Status
from ninja.errors import HttpError

from ishc.core.once import KeyReused, Result, key_of, run_once

IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9_.:-]{8,64}$",
        description="Any 8–64 letters, digits or _.:- ; a retry with the same key writes once.",
    ),
]


def once(request, status: int, schema: type[Schema], write: Callable[[], object]):
    key = key_of(request)
    if key is None or getattr(request, "api_token", None) is None:
        return Status(status, write())

    def action():
        value = write()
        body = json.dumps(
            schema.model_validate(value).model_dump(mode="json"), cls=DjangoJSONEncoder
        )
        return Result(keep=True, status=status, content_type="application/json", body=body), value

    try:
        fresh, first, value = run_once(request.user, key, request.path, action)
    except KeyReused:
        raise HttpError(422, _("This key was already used for another request.")) from None
    if fresh:
        return Status(status, value)
    response = HttpResponse(first.body, status=first.status, content_type=first.content_type)
    response.headers["Idempotent-Replayed"] = "true"
    return response
