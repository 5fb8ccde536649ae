"""Template filters loaded in every template (settings: TEMPLATES builtins)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def vnd(value) -> str:
    """Whole dong with the language's thousands separator: 1.500.000 ₫ (vi), 1,500,000 ₫ (en)."""
    if value is None or value == "":
        return "—"
    return f"{number_format(int(value), 0, force_grouping=True)} ₫"


@register.filter
def pct(value, digits: int = 1) -> str:
    """A ratio in [0, 1] as a percentage; "—" when there is no denominator."""
    if value is None:
        return "—"
    return f"{number_format(float(value) * 100, digits)} %"


@register.filter
def num(value) -> str:
    if value is None:
        return "—"
    return number_format(value, 0, force_grouping=True)


_WIDGET_CLASS = {
    "select": "form-select form-select-lg",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "form-control",
    "file": "form-control",
}


@register.filter
def bs(field):
    """Render a bound field's widget with Bootstrap classes (and is-invalid when it has errors)."""
    css = _WIDGET_CLASS.get(field.widget_type, "form-control form-control-lg")
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag
def once_token():
    """The one-time token of a writing form (see ishc.core.once): put it beside {% csrf_token %}."""
    from ishc.core.once import hidden_field

    return hidden_field()
