"""The one rounding of figures shown to people: half-up (61.75 → 61.8), never cut off, the same
on screen, in exports and in print. Band checks (is a club's share of women within 60–70 %?)
compare the exact fraction, never the rounded figure: 70.049 % shows as 70.0 % and is outside."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format


def _exact(value) -> Fraction:
    if isinstance(value, float):
        # The decimal the float was meant as (0.6175 stays 0.6175, not 0.61749999…).
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def round_half_up(value, digits: int = 1) -> Decimal | None:
    """`value` rounded half-up (away from zero) to `digits` decimals, exactly."""
    return None if value is None else _quantize(_exact(value), digits)


def _quantize(exact: Fraction, digits: int) -> Decimal:
    scaled = abs(exact) * 10**digits
    whole = int(scaled + Fraction(1, 2))  # half-up on the magnitude
    sign = -1 if exact < 0 else 1
    return Decimal(sign * whole).scaleb(-digits)


def percent(num, den=None, digits: int = 1) -> Decimal | None:
    """A percentage: num/den (or a ratio `num` in [0, 1] when den is None) × 100, half-up.
    None when there is no denominator."""
    if num is None or (den is not None and not den):
        return None
    ratio = _exact(num) / _exact(den) if den is not None else _exact(num)
    return _quantize(ratio * 100, digits)


def format_percent(num, den=None, digits: int = 1) -> str:
    """ "61,8 %" (vi) / "61.8 %" (en); "—" when there is no denominator."""
    value = percent(num, den, digits)
    return "—" if value is None else f"{number_format(value, digits)} %"
