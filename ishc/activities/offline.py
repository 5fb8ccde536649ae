"""What the service worker keeps for the meeting day with no network: the static files of the
app shell (listed here once), a version made from their contents, and the words the flow's
script shows (translated here, handed to the script as JSON)."""

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext as _

SHELL_FILES = [
    "vendor/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap.bundle.min.js",
    "vendor/htmx.min.js",
    "core/ishc.css",
    "core/favicon.svg",
    "activities/meeting-day.css",
    "activities/meeting-day.js",
    "activities/offline.js",
]


@cache
def version() -> str:
    """Changes whenever one of the shell's files changes (and so the worker's cache name)."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = finders.find(name)
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:12]


def shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES]


def meeting_day_strings() -> dict[str, str]:
    return {
        "waiting": _("Saved on this phone, %(n)s waiting to send"),
        "sent": _("Sent"),
        "attention": _("Needs attention: %(n)s"),
        "offline": _("No network: everything stays on this phone."),
        "noRoster": _(
            "This meeting has not been opened on this phone with the network on yet: "
            "open it once where there is signal."
        ),
        "present": _("Present"),
        "absent": _("Absent"),
        "fee": _("Member fee"),
        "loan": _("Loan #%(n)s"),
        "due": _("due %(amount)s"),
        "asDue": _("Paid as due"),
        "recorded": _("Recorded: %(amount)s"),
        "keepServer": _("Keep the other phone's: %(v)s"),
        "keepMine": _("Use mine: %(v)s"),
        "addMine": _("Add mine as a second payment: %(v)s"),
        "badPressure": _("Type the blood pressure as 130/85."),
        "badNumber": _("Not a number."),
        "nothing": _("(nothing)"),
        "goTo": _("Go to"),
    }
