"""The workplan as an Excel file, as the Board's secretariat sends it around."""

import datetime

from django.utils.translation import gettext as _

from ishc.core import xlsx

# The status cell's colour, as on the screen.
COLOURS = {"late": "F8D7DA", "at_risk": "FFF3CD", "done": "D1E7DD"}


def workplan_xlsx(tasks, year: int, today: datetime.date) -> bytes:
    """`tasks` comes annotated with last_note and last_note_on and with supporting prefetched,
    so writing the sheet runs no query per row."""
    book = xlsx.Book()
    sheet = book.sheet(
        str(year),
        [
            xlsx.Col(_("No."), "int", 6),
            xlsx.Col(_("Task"), "long", 44),
            xlsx.Col(_("Activity group"), "text", 20),
            xlsx.Col(_("Responsible agency"), "text", 24),
            xlsx.Col(_("Supporting agencies"), "text", 26),
            xlsx.Col(_("Deadline"), "date"),
            xlsx.Col(_("Status"), "text", 14),
            xlsx.Col(_("Latest progress"), "long", 40),
            xlsx.Col(_("Progress date"), "date"),
        ],
        title=_("Workplan of the Steering Board, %(year)s") % {"year": year},
        unit=_("Steering Board"),
        period=_("As of %(date)s") % {"date": today.strftime("%d/%m/%Y")},
    )
    for number, task in enumerate(tasks, start=1):
        late = task.is_late(today)
        colour = COLOURS.get("late" if late else task.status)
        sheet.row(
            [
                number,
                task.title,
                task.get_group_display(),
                str(task.responsible),
                ", ".join(str(a) for a in task.supporting.all()),
                task.deadline,
                str(_("Late")) if late else task.get_status_display(),
                task.last_note or "",
                task.last_note_on,
            ],
            colours={6: colour} if colour else None,
        )
    return book.content()
