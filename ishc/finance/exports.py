"""Excel exports of the books (openpyxl): one sheet per table, a title row, bold headers, money
as whole numbers with thousands separators, dates as real dates."""

import datetime
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, sheets: list[tuple[str, str, list, list[list]]]) -> HttpResponse:
    """sheets: (sheet name, title line, headers, rows)."""
    book = Workbook()
    book.remove(book.active)
    for name, title, headers, rows in sheets:
        sheet = book.create_sheet(str(name)[:31])
        sheet.append([str(title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([str(h) for h in headers])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([str(v) if hasattr(v, "_proxy____cast") else v for v in row])
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
        for i, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, len(str(header)) + 2)
        sheet.freeze_panes = "A3"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
