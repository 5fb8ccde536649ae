"""Every refusal as RFC 9457 problem details (`application/problem+json`).

A partner's program reads `status` and `errors[].field`; a person reads `title`, `detail` and
`errors[].message`, which are in the caller's language like the web's form messages. Bad input
is always a 4xx naming the field: pydantic's English messages are replaced by our own, and a
service's refusal (a Django ValidationError) keeps the field it named.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


# Titles by status: short, in the caller's language (RFC 9457 §3.1.3: the same for every
# occurrence of the problem; `detail` says what happened this time).
TITLES = {
    400: gettext_lazy("The request could not be read"),
    401: gettext_lazy("Log in or send a valid token"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    409: gettext_lazy("Already being processed"),
    422: gettext_lazy("Some values are not valid"),
    429: gettext_lazy("Too many requests"),
}

# pydantic's error types, said the way the web's forms say them. Anything not listed reads as
# "This value is not valid." rather than an English sentence.
_PYDANTIC = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("This text is too long."),
    "string_too_short": gettext_lazy("This field is required."),
    "less_than_equal": gettext_lazy("At most %(le)s."),
    "greater_than_equal": gettext_lazy("At least %(ge)s."),
    "greater_than": gettext_lazy("More than %(gt)s."),
    "less_than": gettext_lazy("Less than %(lt)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
    "list_type": gettext_lazy("Send a list."),
    "extra_forbidden": gettext_lazy("This field is not accepted."),
}


def problem(status: int, detail: str = "", errors: list[dict] | None = None, **headers):
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status, "")),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _pydantic_message(error: dict) -> str:
    template = _PYDANTIC.get(error.get("type", ""))
    if template is None:
        return _("This value is not valid.")
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return str(template) % ctx if "%(" in str(template) else str(template)
    except KeyError:
        return _("This value is not valid.")


def _field_name(loc) -> str:
    # ("body", "payload", "amount") → "amount"; ("query", "limit") → "limit". The first part
    # says where the value came from, the payload's own name is ninja's, not the caller's.
    parts = [str(p) for p in loc[1:]]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "body"


def on_validation_error(request, exc: ValidationError):
    errors = [
        {"field": _field_name(e.get("loc", ())), "message": _pydantic_message(e)}
        for e in exc.errors
    ]
    if any(e.get("type") == "json_invalid" for e in exc.errors):
        return problem(400, _("The body is not valid JSON."), errors)
    return problem(422, _("Correct the fields listed and send again."), errors)


def on_service_refusal(request, exc: DjangoValidationError):
    """A service said no (an amount too large, a date before the loan): its words, its field."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "body" if field == "__all__" else field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "body", "message": str(m)} for m in exc.messages]
    return problem(422, errors[0]["message"] if errors else "", errors)


def on_http_error(request, exc: HttpError):
    headers = {}
    if isinstance(exc, Throttled):
        detail = _("Wait a minute before sending more requests with this token.")
        if exc.wait is not None:
            headers["Retry_After"] = str(int(exc.wait) + 1)
    elif isinstance(exc, AuthenticationError) and exc.message == "Unauthorized":
        detail = _("Send 'Authorization: Bearer <token>' or log in.")
    elif exc.message == "CSRF check Failed":
        detail = _("The page's security token is missing; reload the page.")
    else:
        detail = str(exc.message)
    return problem(exc.status_code, detail, **headers)


def on_not_found(request, exc):
    return problem(404, _("Nothing with this id is visible to you."))


def on_forbidden(request, exc: PermissionDenied):
    return problem(403, str(exc) or _("Your role may not do this."))


def install(api) -> None:
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(DjangoValidationError, on_service_refusal)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)


def check_form(form, names: dict[str, str] | None = None) -> dict:
    """Validate a web form with the API's values and return its cleaned data, or refuse with the
    form's own messages: the API and the page can never disagree about what is valid. `names`
    turns a form's field name into the API's (the form's "member" is the API's "member_id")."""
    if not form.is_valid():
        raise DjangoValidationError(
            {
                (names or {}).get(field, field): [str(m) for m in messages]
                for field, messages in form.errors.items()
            }
        )
    return form.cleaned_data
