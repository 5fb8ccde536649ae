"""The workplan as an Excel file, as the Board's secretariat sends it around."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FILL = {
    "late": PatternFill("solid", fgColor="F8D7DA"),
    "at_risk": PatternFill("solid", fgColor="FFF3CD"),
    "done": PatternFill("solid", fgColor="D1E7DD"),
}


def workplan_xlsx(tasks, year: int, today: datetime.date) -> bytes:
    """`tasks` comes annotated with last_note and last_note_on and with supporting prefetched,
    so writing the sheet runs no query per row."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    ws.append([_("Workplan of the Steering Board, %(year)s") % {"year": year}])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("As of %(date)s") % {"date": today.strftime("%d/%m/%Y")}])
    header = [
        _("No."),
        _("Task"),
        _("Activity group"),
        _("Responsible agency"),
        _("Supporting agencies"),
        _("Deadline"),
        _("Status"),
        _("Latest progress"),
        _("Progress date"),
    ]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for number, task in enumerate(tasks, start=1):
        late = task.is_late(today)
        ws.append(
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
            ]
        )
        row = ws.max_row
        ws.cell(row, 6).number_format = "DD/MM/YYYY"
        ws.cell(row, 9).number_format = "DD/MM/YYYY"
        fill = _FILL.get("late" if late else task.status)
        if fill:
            ws.cell(row, 7).fill = fill
        for col in (2, 8):
            ws.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in enumerate([6, 50, 24, 28, 30, 12, 14, 50, 12], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
