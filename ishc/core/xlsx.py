"""The one spreadsheet writer every export goes through, so that every file handed out looks the
same and is safe to open.

Each sheet starts with a title row (what it is), a row naming the unit, the period and when it was
exported, then the column headers (frozen, repeated on every printed page). Dates are real date
cells shown dd/mm/yyyy, money whole dong with a thousands separator, widths set per kind of column
so that dates never print as ###, and the page is A4 scaled to the width of the table: a sheet that
does not fit the width prints its last columns alone on extra pages, which nobody reads.

Text that comes from people (a member's name, a note, a task title) is always written as a text
cell. A value starting with = + - @ (or a tab or carriage return before them) is also marked with
Excel's "quote prefix", the stored form of the apostrophe OWASP recommends: Excel and LibreOffice
show it as typed and never evaluate it, and the cell keeps the exact text, so an export still
re-imports as the same name.

Sheets are written in openpyxl's write-only mode: rows stream to the file instead of building the
whole sheet in memory (a province's member list has tens of thousands of rows).
"""

import dataclasses
import datetime
import io
import re
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .text import fold

PAPER_A4 = "9"  # the OOXML code of A4
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E2EFDA")
WRAP = Alignment(wrap_text=True, vertical="top")

# Kind of column → (number format, default width in characters).
KINDS = {
    "text": ("@", 18),
    "name": ("@", 26),
    "long": ("@", 40),
    "code": ("@", 12),
    "date": ("dd/mm/yyyy", 12),
    "datetime": ("dd/mm/yyyy hh:mm", 17),
    "money": ("#,##0", 15),
    "int": ("#,##0", 10),
    "year": ("0", 8),
    "decimal": ("#,##0.00", 11),
    "percent": ("0.0", 10),
}


@dataclasses.dataclass(frozen=True)
class Col:
    """One column: its header (translated), what it holds and, when the default does not suit,
    its width in characters."""

    header: str
    kind: str = "text"
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_START)


def filename(*parts, ext: str = "xlsx") -> str:
    """A file name from Vietnamese words without diacritics: ("Sổ quỹ", "CLB-01", "2026-03") →
    so-quy-clb-01-2026-03.xlsx. Safe in a Content-Disposition header and on every phone."""
    words = "-".join(fold(str(p)) for p in parts if p not in (None, ""))
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
    return f"{slug or 'tep'}.{ext}"


def period_label(first: datetime.date, last: datetime.date | None = None) -> str:
    if last is None or last == first:
        return first.strftime("%d/%m/%Y")
    return _("from %(first)s to %(last)s") % {
        "first": first.strftime("%d/%m/%Y"),
        "last": last.strftime("%d/%m/%Y"),
    }


class Sheet:
    """heading=False leaves row 1 to the headers, for a sheet that must stay an import file (the
    member list goes back through the importer): the title, unit, period and export time then
    go to the printed page header instead of rows above the table."""

    def __init__(
        self, book: "Book", name: str, title: str, columns: list[Col], unit, period, heading=True
    ):
        self.ws = book.wb.create_sheet(_sheet_name(book, name))
        self.columns = columns
        self.formats = [KINDS[c.kind][0] for c in columns]
        ws = self.ws
        # Widths, panes and page set-up must be set before the first row in write-only mode.
        for i, col in enumerate(columns, start=1):
            width = col.width or max(KINDS[col.kind][1], min(len(str(col.header)) + 2, 30))
            ws.column_dimensions[get_column_letter(i)].width = width
        header_row = 3 if heading else 1
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.paperSize = PAPER_A4
        letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        total = sum(ws.column_dimensions[letter].width for letter in letters)
        # About 90 characters fit across a portrait A4 page at 10 pt; wider tables turn the page.
        ws.page_setup.orientation = "landscape" if total > 90 else "portrait"
        # fitToWidth is only honoured when the sheet says "fit to page"; 0 pages tall = as many
        # as the rows need.
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = _("Page &P of &N")
        where = [str(unit) if unit else "", str(period) if period else ""]
        stamp = _("Exported at %(time)s") % {
            "time": timezone.localtime().strftime("%d/%m/%Y %H:%M")
        }
        line = " · ".join([w for w in where if w] + [stamp])
        if heading:
            ws.append([self._cell(str(title), font=TITLE_FONT)])
            ws.append([self._cell(line)])
        else:
            # "&" starts a code in a page header; a unit named "A & B" must print as written.
            ws.oddHeader.center.text = f"{title} · {line}".replace("&", "&&")
        ws.append(
            [self._cell(str(c.header), font=BOLD, fill=HEADER_FILL, wrap=True) for c in columns]
        )

    def _cell(self, value, number_format=None, font=None, fill=None, wrap=False):
        if isinstance(value, Promise):
            value = str(value)
        elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
            # Spreadsheets have no time zones: the local time, as the screen shows it.
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            # Never a formula, whatever the text: a string cell, quote-prefixed when it looks
            # like one.
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True
        elif number_format and not isinstance(value, bool):
            cell.number_format = number_format
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if wrap:
            cell.alignment = WRAP
        return cell

    def row(self, values: Iterable, bold: bool = False, colours: dict | None = None) -> None:
        """colours: {column index: RGB hex} for cells that carry a state (late, done)."""
        values = list(values)
        if len(values) > len(self.columns):
            raise ValueError("more values than columns")
        colours = colours or {}
        self.ws.append(
            [
                self._cell(
                    v,
                    fmt,
                    font=BOLD if bold else None,
                    fill=PatternFill("solid", fgColor=colours[i]) if i in colours else None,
                )
                for i, (v, fmt) in enumerate(zip(values, self.formats, strict=False))
            ]
        )

    def rows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.row(values)


def _sheet_name(book: "Book", name: str) -> str:
    # Excel allows 31 characters and no []:*?/\ in a sheet name, and names must differ.
    base = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip()[:31] or "Sheet"
    taken = {ws.title for ws in book.wb.worksheets}
    candidate, n = base, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


class Book:
    """book = Book(); s = book.sheet(...); s.row([...]); return book.response(filename(...))"""

    def __init__(self):
        self.wb = Workbook(write_only=True)

    def sheet(
        self, name, columns: list[Col], title=None, unit=None, period=None, heading=True
    ) -> Sheet:
        return Sheet(self, str(name), str(title or name), columns, unit, period, heading)

    def content(self) -> bytes:
        if not self.wb.worksheets:
            self.wb.create_sheet("Sheet")
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()

    def response(self, name: str) -> HttpResponse:
        resp = HttpResponse(self.content(), content_type=XLSX)
        resp["Content-Disposition"] = f'attachment; filename="{name}"'
        return resp
