"""Administrative units over the API: the 2025 provinces and communes a caller can see, legacy
units (national callers), and the official succession that ties the two.

What is visible is `scope.visible()`, as on the web: a province officer sees her province and its
communes, with each commune's legacy predecessors, so a partner can map its old codes.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Prefetch
from ninja import Query, Router, Schema

from ishc.accounts.scope import visible, visible_or_404
from ishc.api.lists import Id, PageQuery, QueryId, etag, page, page_schema, text

from .models import Succession, Unit

router = Router(tags=["units"])


class SuccessionOut(Schema):
    old_level: str
    old_code: int
    old_unit_id: int | None
    old_name: str | None
    new_unit_id: int
    partly_merged: bool

    @staticmethod
    def resolve_old_name(obj) -> str | None:
        return obj.old_unit.name if obj.old_unit_id else None


class UnitOut(Schema):
    id: int
    scheme: str
    level: str
    code: int
    name: str
    division_type: str
    parent_id: int | None
    province_id: int | None
    successor_id: int | None


class UnitDetail(UnitOut):
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]

    @staticmethod
    def resolve_predecessors(obj) -> list:
        return list(obj.predecessions.all())

    @staticmethod
    def resolve_successors(obj) -> list:
        return list(obj.successions.all())


UnitPage = page_schema(UnitOut, "UnitPage")


class UnitFilter(Schema):
    scheme: Literal["current", "legacy"] | None = None
    level: Literal["province", "district", "commune"] | None = None
    province: QueryId = None
    q: text(120) | None = None


@router.get("", response=UnitPage, summary="List administrative units")
@etag
def list_units(request, filters: Query[UnitFilter], pagination: Query[PageQuery]):
    """Units the caller can see, 2025 and (for national callers) legacy, by name."""
    qs = visible(request.user, Unit.objects.all())
    if filters.scheme:
        qs = qs.filter(scheme=filters.scheme)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.province:
        qs = qs.filter(province_id=filters.province)
    if filters.q:
        qs = qs.search(filters.q)
    return page(qs, pagination, "scheme", "level", "code")


@router.get("/{unit_id}", response=UnitDetail, summary="One unit with its succession")
def get_unit(request, unit_id: Id):
    """A unit, the legacy units it succeeds (2025) or the 2025 units it became (legacy)."""
    related = Succession.objects.select_related("old_unit").order_by("old_level", "old_code", "pk")
    qs = Unit.objects.prefetch_related(
        Prefetch("predecessions", queryset=related), Prefetch("successions", queryset=related)
    )
    return visible_or_404(request.user, qs, pk=unit_id)
