"""The one place that turns a registered unit into its 2025 unit.

Nothing is guessed silently: one successor resolves, several are offered as candidates a person
must choose from, none means a person must confirm the unit (28 legacy communes were merged again
in early 2025 and have no official conversion row).
"""

from dataclasses import dataclass, field

from .models import Level, Scheme, Unit


@dataclass(frozen=True)
class Resolution:
    RESOLVED = "resolved"
    CHOOSE = "choose"
    CONFIRM = "confirm"

    status: str
    candidates: list[Unit] = field(default_factory=list)

    @property
    def unit(self) -> Unit | None:
        return self.candidates[0] if self.status == self.RESOLVED else None


def _from_successions(level: str, code: int) -> Resolution:
    successors = list(
        Unit.objects.filter(predecessions__old_level=level, predecessions__old_code=code)
        .select_related("province")
        .order_by("name")
        .distinct()
    )
    if len(successors) == 1:
        return Resolution(Resolution.RESOLVED, successors)
    if successors:
        return Resolution(Resolution.CHOOSE, successors)
    return Resolution(Resolution.CONFIRM)


def resolve(unit: Unit) -> Resolution:
    """2025 commune(s) for any commune-level registration, or a special zone's legacy district."""
    if unit.scheme == Scheme.CURRENT:
        if unit.level == Level.COMMUNE:
            return Resolution(Resolution.RESOLVED, [unit])
        return Resolution(Resolution.CONFIRM)
    if unit.level == Level.COMMUNE:
        return _from_successions(Level.COMMUNE, unit.code)
    if unit.level == Level.DISTRICT:
        # Island districts without communes became special zones; any other district was split
        # into many communes, and which one a club belongs to is a person's call.
        zone = _from_successions(Level.DISTRICT, unit.code)
        if zone.status != Resolution.CONFIRM:
            return zone
        candidates = list(
            Unit.objects.filter(
                predecessions__old_level=Level.COMMUNE,
                predecessions__old_unit__parent=unit,
            )
            .select_related("province")
            .order_by("name")
            .distinct()
        )
        return Resolution(Resolution.CHOOSE if candidates else Resolution.CONFIRM, candidates)
    return Resolution(Resolution.CONFIRM)


def resolve_legacy_code(code: int, level: str = Level.COMMUNE) -> Resolution:
    """For records that carry only a legacy code, possibly of a unit missing from the snapshot."""
    return _from_successions(level, code)


def province_2025(unit: Unit) -> Unit | None:
    """The 2025 province of any unit: legacy provinces map whole, so this never needs a person."""
    province = unit if unit.level == Level.PROVINCE else unit.province
    if province is None:
        return None
    return province if province.scheme == Scheme.CURRENT else province.successor
