"""The change log in words: "Nguyễn Văn A khóa báo cáo tháng 10/2026 của CLB …", with field
names and values as the forms show them, instead of raw action codes and object ids.

An action code is "app.object.verb"; the verb and the kind of log are words here, the object is
named by its model's verbose name and the text kept in the entry (which still reads right after
the object is gone). Nothing here queries per entry: the model comes from the content type cache.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# Filter of the log by kind, in words: the app part of the action code.
KINDS = {
    "clubs.": gettext_lazy("Clubs and members"),
    "finance.": gettext_lazy("Funds and loans"),
    "activities.": gettext_lazy("Meetings and activities"),
    "reports.": gettext_lazy("Monthly reports"),
    "board.": gettext_lazy("Steering Board"),
    "indicators.": gettext_lazy("Targets"),
    "accounts.": gettext_lazy("Accounts"),
}

VERBS = {
    "created": pgettext_lazy("audit", "created"),
    "updated": pgettext_lazy("audit", "changed"),
    "changed": pgettext_lazy("audit", "changed"),
    "saved": pgettext_lazy("audit", "saved"),
    "added": pgettext_lazy("audit", "added"),
    "ended": pgettext_lazy("audit", "ended"),
    "recorded": pgettext_lazy("audit", "recorded"),
    "submit": pgettext_lazy("audit", "submitted"),
    "submitted": pgettext_lazy("audit", "submitted"),
    "approve": pgettext_lazy("audit", "approved"),
    "approved": pgettext_lazy("audit", "approved"),
    "reject": pgettext_lazy("audit", "sent back"),
    "rejected": pgettext_lazy("audit", "refused"),
    "lock": pgettext_lazy("audit", "locked"),
    "reopen": pgettext_lazy("audit", "reopened"),
    "disbursed": pgettext_lazy("audit", "disbursed"),
    "repaid": pgettext_lazy("audit", "recorded a repayment of"),
    "rescheduled": pgettext_lazy("audit", "rescheduled"),
    "written_off": pgettext_lazy("audit", "wrote off"),
    "requested": pgettext_lazy("audit", "asked for"),
    "decided": pgettext_lazy("audit", "decided on"),
    "reversed": pgettext_lazy("audit", "cancelled"),
    "entry_reversed": pgettext_lazy("audit", "cancelled an entry of"),
    "transfer": pgettext_lazy("audit", "transferred between the funds of"),
    "imported": pgettext_lazy("audit", "imported"),
    "left": pgettext_lazy("audit", "recorded the leaving of"),
    "moved": pgettext_lazy("audit", "moved"),
    "rejoined": pgettext_lazy("audit", "recorded the return of"),
    "commune_confirmed": pgettext_lazy("audit", "confirmed the commune of"),
    "status_changed": pgettext_lazy("audit", "changed the status of"),
    "password_reset": pgettext_lazy("audit", "reset the password of"),
    "computed": pgettext_lazy("audit", "computed"),
    "overridden": pgettext_lazy("audit", "set by hand"),
    "applied": pgettext_lazy("audit", "recorded the application for"),
    "outcome": pgettext_lazy("audit", "recorded the outcome of"),
    "version_added": pgettext_lazy("audit", "added a version of"),
    "conclusion_added": pgettext_lazy("audit", "added a conclusion to"),
    "note_added": pgettext_lazy("audit", "added a note to"),
}


def _model(entry):
    return entry.content_type.model_class() if entry.content_type_id else None


def _object_text(entry, model) -> str:
    if model is not None and model._meta.label == "reports.MonthlyReport":
        # MonthlyReport.__str__ is "<club> <mm/yyyy>": say it as a sentence.
        club, _sep, month = entry.object_repr.rpartition(" ")
        return _("the monthly report of %(month)s of %(club)s") % {"month": month, "club": club}
    # Only a declared (translated) verbose name: Django's default is the English class name.
    declared = model is not None and "verbose_name" in model._meta.original_attrs
    noun = str(model._meta.verbose_name) if declared else ""
    return f"{noun} {entry.object_repr}".strip()


def sentence(entry) -> str:
    """Who did what to which object, in the reader's language."""
    who = entry.user.display_name if entry.user else entry.user_name
    verb = entry.action.rsplit(".", 1)[-1]
    text = VERBS.get(verb, pgettext_lazy("audit", "changed"))
    return _("%(who)s %(verb)s %(object)s") % {
        "who": who,
        "verb": text,
        "object": _object_text(entry, _model(entry)),
    }


def _value(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def changes(entry) -> list[tuple[str, str, str]]:
    """[(field label, old, new)] as the forms name and show them."""
    model = _model(entry)
    out = []
    for name, pair in (entry.data.get("changes") or {}).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
            except FieldDoesNotExist:
                field = None
        label = str(field.verbose_name) if field is not None else name
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        out.append((label[:1].upper() + label[1:], _value(field, old), _value(field, new)))
    return out
