"""What every list endpoint shares: bounded pages, stable order, ETags, and typed inputs that a
database cannot choke on.

A page is `limit` rows from `offset`; a limit over the maximum is refused with a 422 naming
`limit` (never silently cut, so a partner's loop cannot miss rows unaware). Lists are ordered
by a field then the id, so the same request returns the same rows in the same order. A list
answers with an `ETag` of its body, and a repeat request with `If-None-Match` gets 304 and no
body — a phone on a weak connection re-reading its club's members pays for nothing unchanged.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.db.models import QuerySet
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from ninja import Field, Path, Schema
from ninja.decorators import decorate_view
from pydantic import StringConstraints

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# Ids and offsets beyond a 64-bit integer would overflow the database driver (a 500); the
# schema says so, and the validation answers 422 instead.
MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9

# PostgreSQL refuses NUL in text, so a string with one would fail inside the database: refused
# at the door instead, by the same pattern the schema publishes.
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, min_length: int = 0):
    return Annotated[
        str, StringConstraints(pattern=NO_NUL, max_length=max_length, min_length=min_length)
    ]


Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Field(None, ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Whole dong. Far above any club's money, far below what a 64-bit column holds.
Money = Annotated[int, Field(le=10**15)]


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (≤ 200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class DateRange(Schema):
    date_from: datetime.date | None = Field(None, description="On or after (YYYY-MM-DD).")
    date_to: datetime.date | None = Field(None, description="On or before (YYYY-MM-DD).")

    def apply(self, qs: QuerySet, field: str) -> QuerySet:
        if self.date_from:
            qs = qs.filter(**{f"{field}__gte": self.date_from})
        if self.date_to:
            qs = qs.filter(**{f"{field}__lte": self.date_to})
        return qs


def page(qs: QuerySet, query: PageQuery, *order: str) -> dict:
    """One page of `qs` in a stable order (the given fields, then the id)."""
    qs = qs.order_by(*order, "pk")
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": list(qs[query.offset : query.offset + query.limit]),
    }


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The page envelope for one item type (a class per resource keeps the schema readable)."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"count": int, "limit": int, "offset": int, "items": list[item]},
            "__doc__": f"A page of {item.__name__} rows.",
        },
    )


# ETag from the body, 304 on If-None-Match: Django's own conditional-GET logic, on the list
# operations only.
etag = decorate_view(decorator_from_middleware(ConditionalGetMiddleware))
