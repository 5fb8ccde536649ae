"""Build .xlsx files in memory for the import tests, as a person would fill the template."""

import io

from openpyxl import Workbook

from ishc.clubs.importer import CLUB_COLUMNS, MEMBER_COLUMNS, SHEETS

HEADERS = {
    "members": [c.header for c in MEMBER_COLUMNS],
    "clubs": [c.header for c in CLUB_COLUMNS],
}


def book(kind: str, rows: list[dict], *, headers=None, sheet=None, extra=None) -> bytes:
    """rows: dicts keyed by header; missing cells stay empty. `extra(ws)` may alter the sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet or SHEETS[kind]
    headers = headers or HEADERS[kind]
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    if extra:
        extra(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def member(club, name="Nguyễn Thị Hoa", **cells) -> dict:
    row = {
        "Mã CLB": club.code,
        "Họ và tên": name,
        "Giới tính": "Nữ",
        "Năm sinh": 1955,
        "Dân tộc": "Kinh",
        "Ngày vào CLB": "15/03/2024",
    }
    row.update(cells)
    return row


def from_template(user, kind: str, rows: list[dict], *, extra=None) -> bytes:
    """The template the user downloads, filled in (fill_template)."""
    from ishc.clubs import spreadsheets

    content = spreadsheets.template(kind, user).content
    return fill_template(content, SHEETS[kind], rows, extra=extra)


def fill_template(
    content: bytes, sheet: str, rows: list[dict], *, extra=None, example_row=False
) -> bytes:
    """A template as handed out, filled in: rows keyed by header written under the template's
    own headers (whatever their order), as a person fills it; `example_row` says the template
    has one under its headers, which the person writes over. `extra(wb)` may alter the workbook
    before it is saved."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    if example_row:
        ws.delete_rows(2)
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(number, headers.index(header) + 1, value)
    if extra:
        extra(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
