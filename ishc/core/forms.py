"""Forms parse what was typed; services decide what is allowed. These put a service's refusal
(a ValidationError) back on the form the person is looking at, and read money as people type it."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def put_errors(form: forms.Form, error: ValidationError) -> None:
    """Show the error on the field it names, or above the form when it names none."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def run_service(form: forms.Form, call) -> bool:
    """Run a service call; True when it went through, else its refusal is on the form."""
    try:
        call()
    except ValidationError as error:
        put_errors(form, error)
        return False
    return True


# Whole dong as people type it: "300000", or grouped by threes with dots (Vietnamese), commas
# (English) or spaces. "300,5" or "1.5" is a fraction of a dong and is refused, never rounded.
_PLAIN = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")


def parse_money(text, *, allow_zero: bool = False) -> int:
    """The one reading of a typed amount of money, used by every money field and service."""
    value = str(text).strip().removesuffix("₫").removesuffix("đ").strip()
    if value.startswith("-"):
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if not (_PLAIN.fullmatch(value) or _GROUPED.fullmatch(value)):
        raise ValidationError(
            _("Enter a whole number of dong, without decimals (e.g. 1.500.000)."), code="fraction"
        )
    amount = int(re.sub(r"[., ]", "", value))
    if amount == 0 and not allow_zero:
        raise ValidationError(_("The amount must be more than zero."), code="zero")
    return amount


class MoneyInput(forms.TextInput):
    """Text, never type=number: a number input reads "300.000" as 300 and refuses "2.500.000".
    inputmode brings up the phone's number pad all the same."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "text-end money",
                **(attrs or {}),
            }
        )


class MoneyField(forms.CharField):
    """Whole dong from what people type (see parse_money); cleans to an int, or None when empty
    and not required. `allow_zero` for amounts that may be nothing (the value of a visit)."""

    widget = MoneyInput

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # An int from the model is shown as typed back (plain digits); text stays as typed.
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_money(value, allow_zero=self.allow_zero)
