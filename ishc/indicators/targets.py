"""Targets against figures: which targets apply to a unit, and how far each one is met."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from . import catalogue
from .figures import Figure, Period
from .models import Comparison, Target

MET, ON_TRACK, BEHIND, NO_DATA = "met", "on_track", "behind", "no_data"
NOT_STARTED = "not_started"
STATUS_LABELS = {
    NOT_STARTED: _("Not started"),
    MET: _("Met"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    NO_DATA: _("No data yet"),
}
STATUS_COLOURS = {
    NOT_STARTED: "light",
    MET: "success",
    ON_TRACK: "warning",
    BEHIND: "danger",
    NO_DATA: "secondary",
}


@dataclass
class Assessment:
    target: Target
    indicator: catalogue.Indicator | None
    period: Period
    figure: Figure | None
    status: str
    achieved: float | None  # percent of the target reached

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]


def period_of(target: Target) -> Period:
    start, end = target.period_bounds
    if target.year:
        label = f"{target.programme.code} · {target.year}"
    elif target.phase_id:
        label = f"{target.programme.code} · {target.phase.name}"
    else:
        label = f"{target.programme.code} · {start.year}–{end.year}"
    return Period.span(start, end, label)


def targets_for(unit, programme) -> list[Target]:
    """The unit's own targets in the programme, and for a province, commune or club also the
    national ratio targets (a share or a band means the same at every level, a count of new clubs
    does not)."""
    qs = Target.objects.filter(programme=programme).select_related("programme", "phase")
    if unit is None:
        return list(qs.filter(unit__isnull=True))
    own = Q(unit=unit) if not hasattr(unit, "members") else Q(pk__in=[])
    rows = list(qs.filter(own | Q(unit__isnull=True)))
    # Coverage has no meaning below its own level: a commune has no "provinces with clubs".
    level = "club" if hasattr(unit, "members") else unit.level
    meaningless = {"provinces_covered"} if level == "commune" else set()
    if level == "club":
        meaningless = {"provinces_covered", "communes_covered"}
    return [
        t
        for t in rows
        if t.unit_id is not None
        or (
            catalogue.get(t.indicator) is not None
            and catalogue.get(t.indicator).is_ratio
            and t.indicator not in meaningless
        )
    ]


def assess(target: Target, fig: Figure | None, period: Period, today=None) -> Assessment:
    ind = catalogue.get(target.indicator)
    if period.start > (today or timezone.localdate()):
        return Assessment(target, ind, period, None, NOT_STARTED, None)
    value = fig.display_value if fig is not None else None
    if ind is None or value is None:
        return Assessment(target, ind, period, fig, NO_DATA, None)
    goal = float(target.value)
    high = float(target.value_high) if target.value_high is not None else None
    achieved = None
    if target.comparison == Comparison.AT_LEAST:
        achieved = value / goal * 100 if goal else 100.0
        if value >= goal:
            status = MET
        elif (
            ind.kind in (catalogue.COUNT, catalogue.AMOUNT)
            and period.elapsed(today) < 1
            and value >= goal * period.elapsed(today)
        ):
            # Counts build up over the period (new clubs): pro rata is a fair yardstick. A
            # share (clubs maintained) is either where it should be or not.
            status = ON_TRACK
        else:
            status = BEHIND
    elif target.comparison == Comparison.AT_MOST:
        achieved = goal / value * 100 if value else 100.0
        status = MET if value <= goal else BEHIND
    else:
        inside = goal <= value <= high
        status = MET if inside else BEHIND
        if inside:
            achieved = 100.0
        elif value < goal:
            achieved = value / goal * 100 if goal else None
        else:
            achieved = high / value * 100 if value else None
    return Assessment(target, ind, period, fig, status, achieved)


def target_text(target: Target) -> str:
    ind = catalogue.get(target.indicator)
    suffix = " %" if ind is not None and ind.is_ratio else ""

    def fmt(v: Decimal) -> str:
        return number_format(v, 0 if v == v.to_integral() else 1, force_grouping=True)

    if target.comparison == Comparison.BAND:
        return f"{fmt(target.value)}–{fmt(target.value_high)}{suffix}"
    sign = "≥" if target.comparison == Comparison.AT_LEAST else "≤"
    return f"{sign} {fmt(target.value)}{suffix}"
