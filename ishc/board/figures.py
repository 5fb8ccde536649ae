"""Figures for the dashboards: resources mobilised and training/communication events.

Every function runs exactly one SQL query whatever the amount of data (pinned in
tests/test_figures.py). Each takes an optional base queryset so that a caller can pass a scoped
one (ishc.board.access.contributions(user) or ishc.accounts.scope.visible(user, Event.objects));
by default it counts everything.

Province of a contribution: the club's 2025 province for a club, the unit's province for a
commune, the unit itself for a province, and None for a contribution to the programme nationally.
Province of an event: the same for its unit; None for a national event.
"""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from .models import Contribution, Event


def _contributions(qs: QuerySet | None, year: int | None) -> QuerySet:
    qs = qs if qs is not None else Contribution.objects.all()
    if year is not None:
        qs = qs.filter(received_on__year=year)
    return qs


def contribution_province():
    """SQL expression: the 2025 province a contribution counts in (None = national)."""
    return Coalesce(F("club__province_id"), F("unit__province_id"), F("unit_id"))


def resources_by_source(qs: QuerySet | None = None, *, year: int | None = None) -> dict[str, int]:
    """VND mobilised per source type ({"enterprise": 30_000_000, …}); types with nothing are
    left out."""
    rows = (
        _contributions(qs, year)
        .order_by()
        .values("source_type")
        .annotate(total=Sum("amount"))
        .values_list("source_type", "total")
    )
    return {source: int(total) for source, total in rows}


def resources_by_province(
    qs: QuerySet | None = None, *, year: int | None = None
) -> dict[int | None, int]:
    """VND mobilised per 2025 province id; None collects national contributions."""
    rows = (
        _contributions(qs, year)
        .order_by()
        .annotate(province=contribution_province())
        .values("province")
        .annotate(total=Sum("amount"))
        .values_list("province", "total")
    )
    return {province: int(total) for province, total in rows}


def resources_by_year(qs: QuerySet | None = None) -> dict[int, int]:
    """VND mobilised per calendar year of receipt."""
    rows = (
        _contributions(qs, None)
        .order_by()
        .annotate(y=ExtractYear("received_on"))
        .values("y")
        .annotate(total=Sum("amount"))
        .values_list("y", "total")
    )
    return {int(y): int(total) for y, total in rows}


def resources_by_province_and_source(
    qs: QuerySet | None = None, *, year: int | None = None
) -> dict[tuple[int | None, str], int]:
    """VND per (province id or None, source type), for a cross-table."""
    rows = (
        _contributions(qs, year)
        .order_by()
        .annotate(province=contribution_province())
        .values("province", "source_type")
        .annotate(total=Sum("amount"))
        .values_list("province", "source_type", "total")
    )
    return {(province, source): int(total) for province, source, total in rows}


def events_by_province(
    qs: QuerySet | None = None, *, year: int | None = None
) -> dict[tuple[int | None, str], dict[str, int]]:
    """Per (province id or None for national, event type): number of events and participants,
    women and older persons among them."""
    qs = qs if qs is not None else Event.objects.all()
    if year is not None:
        qs = qs.filter(held_on__year=year)
    rows = (
        qs.order_by()
        .annotate(province=Coalesce(F("unit__province_id"), F("unit_id")))
        .values("province", "event_type")
        .annotate(
            events=Count("pk"),
            participants=Sum("participants"),
            women=Sum("women"),
            older=Sum("older"),
        )
    )
    return {
        (r["province"], r["event_type"]): {
            "events": r["events"],
            "participants": int(r["participants"] or 0),
            "women": int(r["women"] or 0),
            "older": int(r["older"] or 0),
        }
        for r in rows
    }
