"""Indicator values and targets over the API.

Values come from the one indicator service (`figures.compute`) through the dashboards' result
cache, for a unit found exactly as the dashboard finds it (`views._where`, through the scope): a
province officer asking for another province gets 404, a nation-wide question needs a national
assignment. Each value comes with its numerator and denominator, so a partner rolling up many
units sums those, never the ratios.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ishc.accounts.scope import visible
from ishc.api.lists import PageQuery, QueryId, etag, page, page_schema

from . import catalogue
from .cache import Results
from .figures import Period
from .models import Target
from .views import _where

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    kind: str
    unit: str
    numerator: str
    denominator: str


@router.get("catalogue", response=list[IndicatorOut], summary="The indicator catalogue")
@etag
def list_indicators(request):
    """Every indicator: code, name, kind (count, ratio, average) and what it counts."""
    return [
        {
            "code": i.code,
            "name": str(i.name),
            "group": str(i.group),
            "kind": i.kind,
            "unit": str(i.unit),
            "numerator": str(i.numerator),
            "denominator": str(i.denominator),
        }
        for i in catalogue.INDICATORS
    ]


class ValuesQuery(Schema):
    level: Literal["nation", "province", "commune", "club"] = "nation"
    id: QueryId = Field(None, description="The 2025 province or commune, or the club.")
    period: Literal["month", "quarter", "year"] = "year"
    year: int = Field(..., ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    quarter: int | None = Field(None, ge=1, le=4)
    codes: list[Literal[tuple(catalogue.BY_CODE)]] | None = Field(  # type: ignore[valid-type]
        None, description="Only these indicators (all when absent)."
    )


class PeriodOut(Schema):
    kind: str
    start: datetime.date
    end: datetime.date
    label: str


class ValueOut(Schema):
    code: str
    name: str
    kind: str
    numerator: int | None
    denominator: int | None
    value: float | None = Field(
        description="numerator / denominator for ratios and averages, the count otherwise."
    )


class ValuesOut(Schema):
    level: str
    id: int | None
    name: str
    period: PeriodOut
    counted_on: datetime.date
    values: list[ValueOut]


def _period(q: ValuesQuery) -> Period:
    if q.period == "month":
        if q.month is None:
            raise ValidationError({"month": _("This field is required.")})
        return Period.month(q.year, q.month)
    if q.period == "quarter":
        if q.quarter is None:
            raise ValidationError({"quarter": _("This field is required.")})
        return Period.quarter(q.year, q.quarter)
    return Period.year(q.year)


@router.get("values", response=ValuesOut, summary="Indicator values for a unit and period")
@etag
def indicator_values(request, q: Query[ValuesQuery]):
    """The dashboard's figures for one unit and period, each with numerator and denominator."""
    if q.level != "nation" and q.id is None:
        raise ValidationError({"id": _("This field is required.")})
    where = _where(request, q.level, q.id)
    period = _period(q)
    today = timezone.localdate()
    codes = tuple(q.codes) if q.codes else None
    unit = where.unit
    result = Results(today).compute(period, unit, "nation", codes)
    wanted = q.codes or [i.code for i in catalogue.INDICATORS]
    values = []
    for code in wanted:
        ind = catalogue.BY_CODE[code]
        fig = result.get(code, total=True)
        values.append(
            {
                "code": code,
                "name": str(ind.name),
                "kind": ind.kind,
                "numerator": fig.num,
                "denominator": fig.den,
                "value": fig.value,
            }
        )
    return {
        "level": where.level,
        "id": getattr(unit, "pk", None),
        "name": str(where.name),
        "period": period.__dict__,
        "counted_on": result.day,
        "values": values,
    }


class TargetOut(Schema):
    id: int
    programme: str
    phase: str | None
    year: int | None
    indicator: str
    unit_id: int | None
    comparison: str
    value: Decimal
    value_high: Decimal | None
    note: str

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_phase(obj) -> str | None:
        return obj.phase.name if obj.phase_id else None


TargetPage = page_schema(TargetOut, "TargetPage")


class TargetFilter(Schema):
    unit: QueryId = None
    national: bool | None = None
    indicator: str | None = Field(None, max_length=40, pattern=r"^[a-z0-9_]*$")
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("targets", response=TargetPage, summary="List targets")
@etag
def list_targets(request, filters: Query[TargetFilter], pagination: Query[PageQuery]):
    """Targets the caller can see: national ones and their own units' (as on the targets page)."""
    qs = visible(request.user, Target.objects.select_related("programme", "phase"))
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.national is not None:
        qs = qs.filter(unit__isnull=filters.national)
    if filters.indicator:
        qs = qs.filter(indicator=filters.indicator)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return page(qs, pagination, "programme__starts_on", "indicator")
