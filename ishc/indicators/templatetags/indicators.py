from django import template
from django.utils.formats import number_format

from ishc.core.numbers import format_percent, round_half_up
from ishc.indicators import catalogue

register = template.Library()


def _num_den(cell):
    """The exact numerator and denominator of a ratio cell (a dict or a Figure)."""
    if isinstance(cell, dict):
        return cell.get("num"), cell.get("den")
    return getattr(cell, "num", None), getattr(cell, "den", None)


@register.filter
def figval(cell, ind) -> str:
    """A figure's value as people read it: "62,3 %", "57,0" members per club, "1.234" clubs."""
    if cell is None:
        return "—"
    v = cell.get("display") if isinstance(cell, dict) else cell.display_value
    if v is None:
        return "—"
    kind = ind.kind if ind is not None else catalogue.COUNT
    if ind is not None and ind.unit == "VND":
        return f"{number_format(round(v), 0, force_grouping=True)} ₫"
    if kind == catalogue.RATIO:
        num, den = _num_den(cell)
        if den:
            return format_percent(num or 0, den)
        return f"{number_format(round_half_up(v, 1), 1)} %"
    if kind == catalogue.AVERAGE:
        return number_format(round_half_up(v, 1), 1)
    return number_format(v, 0, force_grouping=True)


@register.filter
def numden(cell) -> str:
    """ "numerator / denominator", the two numbers a ratio is made of."""
    if not cell or cell.get("den") is None:
        return ""
    return (
        f"{number_format(cell['num'] or 0, 0, force_grouping=True)} / "
        f"{number_format(cell['den'], 0, force_grouping=True)}"
    )


@register.filter
def onedp(value) -> str:
    return "—" if value is None else number_format(value, 0)


@register.filter
def dictget(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def index(sequence, i):
    return sequence[i]
