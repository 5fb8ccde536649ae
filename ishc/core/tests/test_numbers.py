"""Issue 11 finding 8: percentages rounded half-up by one function, on screen and in files."""

from decimal import Decimal
from fractions import Fraction

from django.utils import translation

from ishc.clubs.composition import band_status
from ishc.core.numbers import format_percent, percent, round_half_up
from ishc.core.templatetags.ishc import pct
from ishc.indicators import catalogue
from ishc.indicators.exports import _value
from ishc.indicators.templatetags.indicators import figval


def test_it_rounds_half_up_instead_of_cutting_off():
    assert percent(21, 34) == Decimal("61.8")  # 61.76…
    assert percent(86, 141) == Decimal("61.0")  # 60.99…
    assert percent(Fraction(70049, 100000)) == Decimal("70.0")
    assert percent(677, 1000 * 10) == Decimal("6.8")  # 6.77
    assert percent(6775, 10000) == Decimal("67.8")  # exactly half: up
    assert round_half_up(0.6175 * 100, 1) == Decimal("61.8")
    assert round_half_up(-2.25, 1) == Decimal("-2.3")
    assert percent(1, 0) is None


def test_it_shows_the_same_figure_on_screen_and_in_the_export():
    with translation.override("en"):
        assert pct(21 / 34) == "61.8 %"
        assert pct(86 / 141) == "61.0 %"
        assert format_percent(6775, 10000) == "67.8 %"
    ind = next(i for i in catalogue.INDICATORS if i.kind == catalogue.RATIO)
    cell = {"num": 6775, "den": 10000, "display": 6775 / 10000 * 100}
    with translation.override("en"):
        assert figval(cell, ind) == "67.8 %"
    assert _value(cell, ind) == 67.8


def test_it_checks_a_band_on_the_exact_share():
    # 70.049 % shows as 70.0 % but lies outside a 60–70 % band.
    assert format_percent(70049, 100000).startswith("70")
    assert band_status(70049, 100000, (60, 70)) == "high"
    assert band_status(70, 100, (60, 70)) == "ok"
