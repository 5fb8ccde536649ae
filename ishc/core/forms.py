"""Forms parse what was typed; services decide what is allowed. These put a service's refusal
(a ValidationError) back on the form the person is looking at."""

from django import forms
from django.core.exceptions import ValidationError


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
