"""Excel import of clubs and members: one importer for the upload page and for
`manage.py import_xlsx`.

The rule is "validate everything, then write everything or nothing":

1. check the file itself (an .xlsx at all, not password-protected, not over the row limit — the
   rows are counted by streaming the sheet's XML, so a huge file is refused before it is read
   whole; formulas are found in the same pass);
2. read the sheet with python-calamine (fast) and validate every row, collecting *every* error
   with its sheet, row, column and a plain message, plus warnings (likely duplicates, clubs
   whose 2025 commune a person must choose);
3. only when there is no error, write all rows in one transaction with bulk queries.

Re-importing the same file updates: a member is the same when the row carries the member's code,
or else when club, exact name and birth match (see validate_members for the near matches a person
decides); a club when its code matches, or, without a code, its name and commune. On an update an
empty cell keeps what is stored; CLEAR empties a value.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import io
import re
import secrets
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from ishc.accounts.permissions import require
from ishc.accounts.scope import editable
from ishc.audit.services import entry, record_many
from ishc.core import uploads
from ishc.core.text import clean_name, fold
from ishc.geo.models import EthnicGroup, Level, Scheme, Unit
from ishc.geo.resolver import Resolution, province_2025, resolve

from .models import (
    MAX_LOAN_AMOUNT,
    MAX_LOAN_MONTHS,
    MAX_MONTHLY_RATE,
    Allowance,
    Club,
    Cohort,
    Group,
    Household,
    LoanMethod,
    Member,
    Membership,
    PendingImport,
    Sex,
    new_member_codes,
)
from .services import confirm_commune, create_club, update_club

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def _fold_table() -> dict[int, str]:
    """fold() one character at a time, for the Latin letters and combining marks Vietnamese
    text uses (lower-casing is left to the whole string, as fold() does)."""
    table = {}
    for code in list(range(0x80, 0x250)) + list(range(0x300, 0x370)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        stripped = (
            "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
            .replace("đ", "d")
            .replace("Đ", "D")
        )
        if stripped != ch:
            table[code] = stripped
    return table


_FOLD_TABLE = _fold_table()
_OUTSIDE_TABLE = re.compile("[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff]")


def fast_fold(value: str) -> str:
    """The same result as ishc.core.text.fold, several times faster: an import folds every
    name and every dropdown value of 10,000 rows. Text with characters outside the table falls
    back to fold()."""
    if not value.isascii() and _OUTSIDE_TABLE.search(value):
        return fold(value)
    # split() and join() collapse and trim the same whitespace as \s+ does, faster.
    return " ".join(value.translate(_FOLD_TABLE).split()).lower()


class FileRefused(Exception):
    """The file as a whole cannot be imported (not an .xlsx, encrypted, too big, wrong sheet …).
    The message is for the user."""


class CellError(Exception):
    pass


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row:
            where.append(_("row %(n)s") % {"n": self.row})
        if self.column:
            where.append(_("column %(c)s") % {"c": self.column})
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Report:
    kind: str
    sheet: str = ""
    rows: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    committed: bool = False
    # Cells holding formulas, (row, column index): reported once, not parsed further.
    formulas: set[tuple[int, int]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def near(self) -> list[dict]:
        """Rows that may be a registered member, for the person importing to decide: the
        row's number, its name and birth, and the registered members it may be."""
        return [
            {
                "row_number": r["_row"],
                "full_name": r.get("full_name"),
                "birth_date": r.get("birth_date"),
                "birth_year": r.get("birth_year"),
                "near_members": r["_near"],
            }
            for r in self.rows
            if r.get("_near")
        ]

    @property
    def new_rows(self) -> int:
        return sum(1 for r in self.rows if r.get("_existing") is None and not r.get("_near"))

    @property
    def existing_rows(self) -> int:
        return sum(1 for r in self.rows if r.get("_existing") is not None and not r.get("_near"))


# Cell parsers: each takes the raw cell value and returns a Python value or raises CellError.


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> datetime.date | None:
    """Real Excel dates and dd/mm/yyyy text are accepted; anything else gets a message saying
    what to write instead."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell whose date format was lost shows as its serial number (days since
        # 30/12/1899). Guessing is how 03/04 becomes 4 March: ask for a real date instead.
        try:
            guess = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
            hint = _(" (Excel serial number %(n)s would be %(d)s)") % {
                "n": int(value),
                "d": guess.strftime("%d/%m/%Y"),
            }
        except OverflowError:
            hint = ""
        raise CellError(
            _("This is a number, not a date%(hint)s. Format the cell as a date or type dd/mm/yyyy.")
            % {"hint": hint}
        )
    text = _text(value)
    match = _DATE_TEXT.match(text)
    if not match:
        raise CellError(
            _("“%(text)s” is not a date. Write dates as dd/mm/yyyy, e.g. 15/03/2024.")
            % {"text": text}
        )
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("%(text)s is not a real date.") % {"text": text}) from None


def parse_int(value: Any, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise CellError(_("Write a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Write a whole number."))
        value = int(value)
    if isinstance(value, str):
        digits = value.strip().replace(".", "").replace(",", "").replace(" ", "")
        if not digits.isdigit():
            raise CellError(_("“%(text)s” is not a whole number.") % {"text": value.strip()})
        value = int(digits)
    if not isinstance(value, int):
        raise CellError(_("Write a whole number."))
    if not low <= value <= high:
        raise CellError(
            _("%(n)s is out of range (%(low)s–%(high)s).") % {"n": value, "low": low, "high": high}
        )
    return value


def parse_decimal(value: Any, low: Decimal, high: Decimal) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(_text(value).replace(",", "."))
        except InvalidOperation:
            raise CellError(_("“%(text)s” is not a number.") % {"text": _text(value)}) from None
    if not number.is_finite() or not low <= number <= high:
        raise CellError(
            _("%(n)s is out of range (%(low)s–%(high)s).") % {"n": value, "low": low, "high": high}
        )
    return number


# Written in a cell to empty a stored value on update (an empty cell keeps it); the template's
# instructions sheet says so. Matched without diacritics and case ("xoá", "XOA").
CLEAR = "XOÁ"
_CLEAR_FOLDED = "xoa"


class _Cleared:
    """The value of a cell holding the clear mark."""

    def __repr__(self) -> str:
        return "CLEARED"


CLEARED = _Cleared()


def clearable(parse):
    """A parser that also takes the clear mark, for the values that may be emptied."""

    def parse_or_clear(value: Any):
        if isinstance(value, str) and fast_fold(value) == _CLEAR_FOLDED:
            return CLEARED
        return parse(value)

    parse_or_clear.inner = parse
    return parse_or_clear


def is_date_column(column) -> bool:
    return getattr(column.parse, "inner", column.parse) is parse_date


def parse_phone(value: Any) -> str:
    """A phone number as text. A cell formatted as a number has lost the leading 0 of a
    Vietnamese number (0912 345 678 became 912345678): nine digits get it back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("Write the phone number as text, e.g. 0912345678."))
        text = str(int(value))
        return "0" + text if len(text) == 9 else text
    return _text(value)


YES = {"co", "x", "yes", "1", "true", "c"}
NO = {"khong", "no", "0", "false", "k", ""}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = fast_fold(_text(value))
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError(_("Write Có or Không."))


def parse_flag(value: Any) -> bool | None:
    """Có/Không for a member: an empty cell is None (kept on update, "Không" when new)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_bool(value)


def choice_parser(options: dict[str, str], default: str | None = None):
    """A parser for a dropdown column: the Vietnamese labels of the template, matched ignoring
    diacritics and case, plus the stored codes."""
    folded = {fast_fold(label): value for label, value in options.items()}
    folded.update({fast_fold(value): value for value in options.values() if value})

    def parse(value: Any) -> str | None:
        text = _text(value)
        if not text:
            return default
        try:
            return folded[fast_fold(text)]
        except KeyError:
            raise CellError(
                _("“%(text)s” is not in the list (%(options)s).")
                % {"text": text, "options": ", ".join(options)}
            ) from None

    return parse


SEXES = {"Nữ": Sex.FEMALE, "Nam": Sex.MALE}
HOUSEHOLDS = {
    "Nghèo": Household.POOR,
    "Cận nghèo": Household.NEAR_POOR,
    "Khó khăn": Household.DIFFICULT,
    "Trung bình": Household.AVERAGE,
    "Khá giả": Household.BETTER_OFF,
}
ALLOWANCES = {
    "Lương hưu": Allowance.PENSION,
    "Trợ cấp xã hội": Allowance.SOCIAL,
    "Không": Allowance.NONE,
}
COHORTS = {
    "1533": Cohort.P1533,
    "1336": Cohort.P1336,
    "1648": Cohort.P1648,
    "Ngân sách địa phương": Cohort.LOCAL,
    "Dự án tài trợ": Cohort.DONOR,
}
LOAN_METHODS = {
    "Dư nợ giảm dần": LoanMethod.DECLINING,
    "Lãi phẳng": LoanMethod.FLAT,
    "Trả lãi hằng tháng, gốc cuối kỳ": LoanMethod.INTEREST_ONLY,
}
YES_NO = ["Có", "Không"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    parse: Any = _text
    # Name of the dropdown list on the "Danh mục" sheet, for the template's validation.
    choices: str = ""
    width: int = 16
    note: str = ""


MEMBER_COLUMNS = [
    Column(
        "club",
        "Mã CLB",
        True,
        choices="clubs",
        width=12,
        note="Mã câu lạc bộ, chọn trong danh sách.",
    ),
    Column("full_name", "Họ và tên", True, width=28),
    Column("sex", "Giới tính", True, choice_parser(SEXES), "sex", 10),
    Column(
        "birth_date",
        "Ngày sinh",
        parse=clearable(parse_date),
        width=13,
        note="dd/mm/yyyy; để trống nếu chỉ biết năm sinh.",
    ),
    Column(
        "birth_year",
        "Năm sinh",
        parse=lambda v: parse_int(v, 1900, datetime.date.today().year),
        width=10,
    ),
    Column("ethnicity", "Dân tộc", True, choices="ethnicity", width=14),
    Column(
        "household",
        "Hoàn cảnh gia đình",
        parse=choice_parser(HOUSEHOLDS),
        choices="household",
        width=18,
    ),
    Column("disabled", "Khuyết tật", parse=parse_flag, choices="yesno", width=10),
    Column("lives_alone", "Sống một mình", parse=parse_flag, choices="yesno", width=12),
    Column("health_insurance", "Thẻ BHYT", parse=parse_flag, choices="yesno", width=10),
    Column(
        "allowance",
        "Lương hưu/trợ cấp",
        parse=choice_parser(ALLOWANCES),
        choices="allowance",
        width=16,
    ),
    Column(
        "phone",
        "Điện thoại",
        parse=clearable(parse_phone),
        width=14,
        note="Ghi dạng chữ để giữ số 0 đầu, ví dụ 0912345678.",
    ),
    Column("group", "Tổ", parse=clearable(_text), width=12, note="Tên tổ; tổ chưa có sẽ được tạo."),
    Column(
        "joined_on",
        "Ngày vào CLB",
        True,
        parse_date,
        width=13,
        note="Chỉ dùng cho thành viên mới.",
    ),
    Column(
        "code",
        "Mã thành viên",
        width=13,
        note="Để trống cho thành viên mới. Giữ nguyên mã (có trong tệp xuất) để sửa thành viên "
        "đã có.",
    ),
]

CLUB_COLUMNS = [
    Column("code", "Mã CLB", width=12, note="Để trống khi đăng ký CLB mới; ghi mã để cập nhật."),
    Column("name", "Tên CLB", True, width=32),
    Column("village", "Thôn/tổ dân phố", width=20),
    Column(
        "commune",
        "Xã/phường (2025)",
        choices="communes",
        width=28,
        note="Chọn trong danh sách; hoặc ghi mã xã.",
    ),
    Column(
        "legacy_code",
        "Mã xã cũ (trước 1/7/2025)",
        parse=lambda v: parse_int(v, 1, 99999),
        width=14,
        note="Chỉ khi CLB đăng ký theo xã cũ.",
    ),
    Column("decision_number", "Số quyết định thành lập", width=16),
    Column("decision_date", "Ngày quyết định", parse=parse_date, width=13),
    Column("decision_issuer", "Cơ quan ra quyết định", width=18),
    Column("founded_on", "Ngày ra mắt", parse=parse_date, width=13),
    Column("cohort", "Chương trình", True, choice_parser(COHORTS), "cohort", 18),
    Column("donor_project_code", "Mã dự án tài trợ", width=12),
    Column("supporting_org", "Tổ chức hỗ trợ", width=18),
    Column(
        "meeting_day", "Ngày sinh hoạt hằng tháng", parse=lambda v: parse_int(v, 1, 31), width=12
    ),
    Column("mountainous", "Miền núi", parse=parse_bool, choices="yesno", width=10),
    Column("remote", "Vùng sâu, vùng xa", parse=parse_bool, choices="yesno", width=10),
    Column(
        "ethnic_minority_area", "Vùng dân tộc thiểu số", parse=parse_bool, choices="yesno", width=10
    ),
    Column(
        "especially_difficult", "Đặc biệt khó khăn", parse=parse_bool, choices="yesno", width=10
    ),
    Column("border", "Biên giới", parse=parse_bool, choices="yesno", width=10),
    Column("island", "Hải đảo", parse=parse_bool, choices="yesno", width=10),
    Column(
        "loan_max_amount",
        "Cho vay tối đa (đồng)",
        parse=lambda v: parse_int(v, 1, MAX_LOAN_AMOUNT),
        width=14,
    ),
    Column(
        "loan_max_months",
        "Thời hạn vay tối đa (tháng)",
        parse=lambda v: parse_int(v, 1, MAX_LOAN_MONTHS),
        width=12,
    ),
    Column(
        "loan_monthly_rate",
        "Lãi suất tháng (%)",
        parse=lambda v: parse_decimal(v, Decimal(0), MAX_MONTHLY_RATE),
        width=10,
    ),
    Column(
        "loan_method",
        "Phương thức trả",
        parse=choice_parser(LOAN_METHODS, ""),
        choices="loan_method",
        width=20,
    ),
]

SHEETS = {"members": "Thành viên", "clubs": "Câu lạc bộ"}
# Columns an export adds for reading only (the club's name, the age, …): a header ending with
# this mark is skipped by the importer, so an exported list goes back in as it is.
READ_ONLY = "(chỉ đọc)"
_READ_ONLY_FOLDED = fast_fold(READ_ONLY)
COLUMNS = {"members": MEMBER_COLUMNS, "clubs": CLUB_COLUMNS}


# The file itself


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def open_workbook(data: bytes) -> zipfile.ZipFile:
    if data[:8] == CFB_MAGIC:
        if ENCRYPTED_MARK in data[: 1 << 20] or ENCRYPTED_MARK in data:
            raise FileRefused(
                _(
                    "The file is protected by a password. Open it in Excel, remove the password "
                    "(File › Info › Protect Workbook), save and upload again."
                )
            )
        raise FileRefused(
            _(
                "This is an old Excel 97–2003 (.xls) file. Open it in Excel and save it as "
                "“Excel Workbook (.xlsx)”, then upload again."
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(
            _("This is not an Excel .xlsx file. Download the template, fill it in and upload it.")
        )
    try:
        # Every member measured in a stream before calamine or we read any (zip bombs).
        zf = uploads.open_archive(io.BytesIO(data))
    except ValidationError as e:
        raise FileRefused(e.messages[0]) from None
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise FileRefused(
            _(
                "This file is not an Excel workbook (.xlsx). Download the template, fill it in and "
                "upload it."
            )
        )
    return zf


def _damaged() -> FileRefused:
    return FileRefused(
        _(
            "The file is damaged: a part of the Excel workbook is missing or broken. Open it in "
            "Excel, save it again as .xlsx and upload the new copy."
        )
    )


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML inside the package (every part checked by open_workbook)."""
    try:
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        raise _damaged() from None
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    paths = {}
    for sheet in workbook.findall("m:sheets/m:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        target = target.lstrip("/")
        paths[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return paths


def _too_many(limit: int) -> FileRefused:
    return FileRefused(
        _(
            "The file has more than %(limit)s rows, the most one import takes. Split it into "
            "several files."
        )
        % {"limit": limit}
    )


def scan_sheet(zf: zipfile.ZipFile, path: str, limit: int) -> list[tuple[int, int]]:
    """Stream the sheet's XML once: refuse it as soon as it has more than `limit` data rows,
    and return the (row, column) of every cell holding a formula.

    Plain substring counts (bytes.count) keep this pass a small fraction of the import; some
    writers put a namespace prefix on every element ("<x:row>"), which the first chunk tells.
    That count includes rows with formatting only (a column formatted down to row 25,000
    writes 25,000 empty rows), so a sheet that seems over the limit is counted again, only
    the rows holding a value this time.
    """
    try:
        return _scan_sheet(zf, path, limit, precise=False)
    except FileRefused:
        return _scan_sheet(zf, path, limit, precise=True)


def _scan_sheet(zf, path: str, limit: int, *, precise: bool) -> list[tuple[int, int]]:
    rows = 0
    formulas: list[tuple[int, int]] = []
    tail = b""
    prefix = None
    counted = False  # precise: the current row has been counted (it holds a value)
    with zf.open(path) as stream:
        while True:
            chunk = stream.read(1 << 20)
            buffer = tail + chunk
            if prefix is None:
                match = _SHEET_DATA.search(buffer)
                prefix = match.group(1) if match and match.group(1) else b""
                row_open = (b"<" + prefix + b"row ", b"<" + prefix + b"row>")
                cell_close = b"</" + prefix + b"c>"
                formula_open = (b"<" + prefix + b"f>", b"<" + prefix + b"f ")
                # A cell (not self-closing: an empty styled cell has no content) whose content
                # holds an <f> element before the cell ends.
                formula_cell = re.compile(
                    rb"<"
                    + prefix
                    + rb'c r="([A-Z]+)(\d+)"[^>]*(?<!/)>(?:(?!'
                    + re.escape(cell_close)
                    + rb").)*?<"
                    + prefix
                    + rb"f[\s>/]",
                    re.S,
                )
                # A row's start, or a value (<v>, or <is> for an inline string) in a cell.
                row_or_value = re.compile(rb"<" + prefix + rb"(row|v|is)[\s>]")
            if chunk:
                # Cut after the last complete cell so no tag is split between two rounds.
                cut = buffer.rfind(cell_close)
                cut = cut + len(cell_close) if cut >= 0 else max(0, len(buffer) - 4096)
            else:
                cut = len(buffer)
            head, tail = buffer[:cut], buffer[cut:]
            if precise:
                for match in row_or_value.finditer(head):
                    if match.group(1) == b"row":
                        counted = False
                    elif not counted:
                        counted = True
                        rows += 1
            else:
                rows += head.count(row_open[0]) + head.count(row_open[1])
            if rows > limit + 1:  # + the header row
                raise _too_many(limit)
            if formula_open[0] in head or formula_open[1] in head:
                formulas += [
                    (int(r), _col_index(c.decode())) for c, r in formula_cell.findall(head)
                ]
            if not chunk:
                return formulas


_VALUE = re.compile(rb"<(\w+:)?(v|is)[\s>]")


def _holds_a_value(zf: zipfile.ZipFile, path: str) -> bool:
    """Whether a sheet has at least one cell with a value, read in chunks until the first."""
    tail = b""
    with zf.open(path) as stream:
        while chunk := stream.read(1 << 20):
            if _VALUE.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _refuse_hidden_sheets(zf: zipfile.ZipFile) -> None:
    """Rows on a hidden sheet are rows nobody sees: refuse the file rather than import or
    ignore them silently (the template's own sheets are never hidden)."""
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    paths = _sheet_paths(zf)
    for sheet in workbook.findall("m:sheets/m:sheet", NS):
        if sheet.get("state") not in ("hidden", "veryHidden"):
            continue
        name = sheet.get("name")
        if _holds_a_value(zf, paths[name]):
            raise FileRefused(
                _(
                    "The sheet “%(name)s” is hidden and holds data. Show it (right-click a sheet "
                    "tab › Unhide), move its rows to the right sheet or delete it, then upload "
                    "again."
                )
                % {"name": name}
            )


def read_sheet(data: bytes, kind: str, report: Report) -> list[list[Any]] | None:
    """Checks on the whole file, then the sheet's cells as a list of rows (row 1 = headers)."""
    zf = open_workbook(data)
    sheet = SHEETS[kind]
    report.sheet = sheet
    paths = _sheet_paths(zf)
    if sheet not in paths:
        other = next((s for k, s in SHEETS.items() if k != kind and s in paths), None)
        if other is not None:
            raise FileRefused(
                _(
                    "This is the %(other)s template, not the %(sheet)s one. Upload it on the "
                    "right page."
                )
                % {"other": other, "sheet": sheet}
            )
        raise FileRefused(
            _(
                "The file has no sheet named “%(sheet)s” (it has: %(names)s). Put the data on "
                "that sheet of the template."
            )
            % {"sheet": sheet, "names": ", ".join(paths)}
        )
    if paths[sheet] not in zf.NameToInfo:
        raise _damaged()
    _refuse_hidden_sheets(zf)
    formulas = scan_sheet(zf, paths[sheet], settings.ISHC["IMPORT_MAX_ROWS"])
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own types for every kind of broken file
        raise _damaged() from None
    headers = rows[0] if rows else []
    report.formulas = set(formulas)
    for r, c in formulas:
        report.errors.append(
            Problem(
                sheet,
                r,
                _header_name(headers, c),
                _("The cell holds a formula. Copy the column and paste values only."),
            )
        )
    return rows


def _header_name(headers, index) -> str:
    letter = _letters(index)
    if index < len(headers) and _text(headers[index]):
        return f"{letter} ({_text(headers[index])})"
    return letter


def _letters(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def _map_headers(rows, columns: list[Column], report: Report) -> dict[str, int] | None:
    if not rows:
        report.errors.append(Problem(report.sheet, 1, "", _("The sheet is empty.")))
        return None
    wanted = {fast_fold(c.header): c for c in columns}
    found: dict[str, int] = {}
    for index, value in enumerate(rows[0]):
        text = _text(value)
        if not text or fast_fold(text).endswith(_READ_ONLY_FOLDED):
            continue
        column = wanted.get(fast_fold(text))
        if column is None:
            report.errors.append(
                Problem(
                    report.sheet,
                    1,
                    _letters(index),
                    _("Unknown column “%(h)s”. Keep the template's headers as they are.")
                    % {"h": text},
                )
            )
        elif column.key in found:
            report.errors.append(
                Problem(
                    report.sheet,
                    1,
                    _letters(index),
                    _("The column “%(h)s” appears twice.") % {"h": text},
                )
            )
        else:
            found[column.key] = index
    for column in columns:
        if column.key not in found and column.required:
            report.errors.append(
                Problem(
                    report.sheet,
                    1,
                    "",
                    _("The column “%(h)s” is missing. Use the template.") % {"h": column.header},
                )
            )
    return None if report.errors and not found else found


_MISSING = object()


def _parse_rows(
    rows, columns: list[Column], found: dict[str, int], report: Report, optional_with: str = ""
):
    """Yield (row number, values, ok) for every non-blank row; errors of single cells are
    recorded. This loop runs once per cell (140,000 times for 10,000 members), hence the
    shortcuts: plain text is stripped in place, a date cell is already a date, and every other
    column parses each distinct text or number once — imports repeat the same joining date,
    dropdown values and birth years over and over.

    The caches are kept per type because 1.0 == True == 1 in Python but not in a cell; a
    parser's errors are never cached, so every bad cell is still reported.

    A row with a value in the `optional_with` column (a member's code) names a stored record:
    its other empty cells mean "unchanged", so only the first required column (the club, which
    decides whether the user may write the row) stays required."""
    order = [
        (
            c.key,
            index,
            c.parse,
            None if c.parse is _text else {},
            None if c.parse is _text else {},
            c.required,
            is_date_column(c),
        )
        for c in columns
        if (index := found.get(c.key)) is not None
    ]
    key_index = found.get(optional_with)
    first_required = next((c.key for c in columns if c.required), None)
    formula_rows = {r for r, _c in report.formulas}
    headers = rows[0]
    date = datetime.date
    for number, raw in enumerate(rows[1:], start=2):
        first = raw[0] if raw else None
        if not (type(first) is str and first and not first.isspace()) and all(
            v is None or (v.isspace() or not v if isinstance(v, str) else False) for v in raw
        ):
            # Blank rows are common between blocks of a register: skip them (a filled first
            # cell, the usual case, spares the scan of the whole row).
            continue
        values: dict[str, Any] = {"_row": number}
        if number in formula_rows:
            # Already reported; checking the row further would only add confusing errors
            # about the cached value behind the formula.
            yield number, values, False
            continue
        ok = True
        width = len(raw)
        named = key_index is not None and key_index < width and _text(raw[key_index]) != ""
        for key, index, parse, texts, numbers, required, dates in order:
            value = raw[index] if index < width else ""
            kind = type(value)
            if kind is str:
                if texts is None:
                    parsed = value.strip()
                    cache = None
                else:
                    cache = texts
                    parsed = texts.get(value, _MISSING)
            elif kind is date and dates:
                parsed = value
                cache = None
            elif kind is float and numbers is not None:
                cache = numbers
                parsed = numbers.get(value, _MISSING)
            else:
                cache = None
                parsed = _MISSING
            if parsed is _MISSING:
                try:
                    parsed = parse(value)
                except CellError as e:
                    report.errors.append(
                        Problem(report.sheet, number, _header_name(headers, index), str(e))
                    )
                    ok = False
                    continue
                if cache is not None:
                    cache[value] = parsed
            if (
                required
                and (parsed is None or parsed == "")
                and not (named and key != first_required)
            ):
                report.errors.append(
                    Problem(report.sheet, number, _header_name(headers, index), _("Required."))
                )
                ok = False
            values[key] = parsed
        yield number, values, ok


class _Reporter:
    def __init__(self, report: Report, rows, found):
        self.report, self.rows, self.found = report, rows, found

    def col(self, key: str) -> str:
        index = self.found.get(key)
        return _header_name(self.rows[0], index) if index is not None else ""

    def error(self, number: int, key: str, message: str) -> None:
        self.report.errors.append(Problem(self.report.sheet, number, self.col(key), message))

    def warn(self, number: int, key: str, message: str) -> None:
        self.report.warnings.append(Problem(self.report.sheet, number, self.col(key), message))


# Members


def _birth_matches(stored: dict, v: dict) -> bool:
    """The same birth: equal dates when both sides have one, else equal years."""
    if isinstance(v.get("birth_date"), datetime.date) and stored["birth_date"]:
        return v["birth_date"] == stored["birth_date"]
    return v.get("birth_year") == stored["birth_year"]


def _name_key(name: str) -> str:
    """The exact name, compared: NFC, single spaces, diacritics kept, case ignored."""
    return clean_name(name).lower()


def validate_members(user, data: bytes, decisions: dict[int, str] | None = None) -> Report:
    """Check every row and find who each row is.

    A row is an existing member when it carries that member's code, or else when club, exact
    name (diacritics kept) and birth (date, or year when a side has no date) all match. A row
    that matches a member's name only without diacritics, or the exact name with another
    birth, is a *possible same person*: "Đặng Thị Thạo 1957" may be the registered "Đặng Thị
    Thảo 1957" mistyped, or her neighbour. Nothing is updated on a guess: the preview shows
    both versions and the person importing decides per row (`decisions`: row number → "new"
    or the id of the member to update); without a decision the file cannot be committed.
    """
    report = Report("members")
    rows = read_sheet(data, "members", report)
    found = _map_headers(rows, MEMBER_COLUMNS, report)
    if found is None or any(p.row == 1 for p in report.errors):
        return report
    say = _Reporter(report, rows, found)
    parsed = list(_parse_rows(rows, MEMBER_COLUMNS, found, report, optional_with="code"))
    if not parsed:
        report.errors.append(Problem(report.sheet, None, "", _("The sheet has no data rows.")))
        return report

    clubs_qs = Club.objects.all() if user is None else editable(user, Club.objects.all())
    codes = {str(v.get("club") or "").upper() for _n, v, _ok in parsed}
    clubs = {
        c.code.upper(): c
        for c in clubs_qs.filter(code__in=codes).only("pk", "code", "commune_id", "name")
    }
    ethnic = {}
    for g in EthnicGroup.objects.all():
        ethnic[fast_fold(g.name)] = g.pk
        ethnic[g.code] = g.pk
    club_ids = [c.pk for c in clubs.values()]
    stored_fields = (
        "pk",
        "code",
        "club_id",
        "full_name",
        "search_name",
        "birth_year",
        "birth_date",
    )
    by_name: dict[tuple, list[dict]] = {}
    by_folded: dict[tuple, list[dict]] = {}
    for m in Member.objects.filter(club_id__in=club_ids).values(*stored_fields):
        by_name.setdefault((m["club_id"], _name_key(m["full_name"])), []).append(m)
        by_folded.setdefault((m["club_id"], m["search_name"]), []).append(m)
    member_codes = {str(v["code"]).upper() for _n, v, _ok in parsed if v.get("code")}
    members_qs = Member.objects.all() if user is None else editable(user, Member.objects.all())
    by_code = {
        m["code"]: m
        for m in members_qs.filter(code__in=member_codes).values(*stored_fields, "club__code")
    }
    seen: dict[tuple, int] = {}
    today = datetime.date.today()
    formula_rows = {r for r, _c in report.formulas}
    # Translated once, not once per row (gettext looks the language up on every call).
    same_member = _("Same member as row %(n)s.")
    same_person = _("Same person as row %(n)s (same club, name and birth year).")
    for number, v, ok in parsed:
        if number in formula_rows:
            continue
        club = clubs.get(str(v.get("club") or "").upper())
        if v.get("club") and club is None:
            say.error(
                number, "club", _("No club with code %(code)s in your area.") % {"code": v["club"]}
            )
            ok = False
        eth = v.get("ethnicity")
        if eth:
            if eth not in ethnic:  # the typed value, folded once per distinct value
                ethnic[eth] = ethnic.get(eth.zfill(2) if eth.isdigit() else fast_fold(eth))
            v["ethnicity_id"] = ethnic[eth]
            if v["ethnicity_id"] is None:
                say.error(number, "ethnicity", _("Unknown ethnicity “%(e)s”.") % {"e": eth})
                ok = False
        stored = None
        if v.get("code"):
            stored = by_code.get(str(v["code"]).upper())
            if stored is None:
                say.error(
                    number,
                    "code",
                    _(
                        "No member with code %(code)s in your area. Leave the code empty for a "
                        "new member."
                    )
                    % {"code": v["code"]},
                )
                ok = False
            elif club is not None and stored["club_id"] != club.pk:
                say.error(
                    number,
                    "club",
                    _(
                        "Member %(code)s belongs to club %(club)s. A move to another club is "
                        "recorded on the member's page."
                    )
                    % {"code": stored["code"], "club": stored["club__code"]},
                )
                ok = False
        name_key = ""
        if v.get("full_name"):
            v["full_name"] = clean_name(v["full_name"])
            # _name_key of a name already cleaned.
            name_key = v["full_name"].lower()
            if len(v["full_name"]) > 120:
                say.error(number, "full_name", _("The name is too long (at most 120 characters)."))
                ok = False
        ok = _check_birth(v, stored, number, say, today) and ok
        joined = v.get("joined_on")
        if joined and joined > today:
            say.error(number, "joined_on", _("The joining date is in the future."))
            ok = False
        elif joined and v.get("birth_year") and joined.year < v["birth_year"]:
            say.error(number, "joined_on", _("The joining date is before the birth."))
            ok = False
        elif joined and isinstance(v.get("birth_date"), datetime.date) and joined < v["birth_date"]:
            say.error(number, "joined_on", _("The joining date is before the birth."))
            ok = False
        if isinstance(v.get("phone"), str) and len(v["phone"]) > 20:
            say.error(number, "phone", _("The phone number is too long."))
            ok = False
        if not ok or club is None:
            continue
        # The club's id and commune as plain values: Model.pk is a property, and later steps
        # read them a dozen times a row.
        club_id = v["club_id"] = club.pk
        v["_commune_id"] = club.commune_id
        near = []
        if stored is None:
            key = (club_id, name_key)
            exact = [m for m in by_name.get(key, ()) if _birth_matches(m, v)]
            if len(exact) > 1:
                say.error(
                    number,
                    "code",
                    _("Several registered members match (%(codes)s): write the member code.")
                    % {"codes": ", ".join(m["code"] for m in exact)},
                )
                continue
            stored = exact[0] if exact else None
        if stored is None:
            v["search_name"] = fast_fold(v["full_name"])
            # One differing field: the same name without diacritics with the same birth, or the
            # exact same name with another birth.
            near = [
                m
                for m in by_folded.get((club_id, v["search_name"]), ())
                if _birth_matches(m, v) or _name_key(m["full_name"]) == name_key
            ]
        if near:
            choice = (decisions or {}).get(number)
            chosen = next((m for m in near if str(m["pk"]) == str(choice)), None)
            if decisions is not None and choice != "new" and chosen is None:
                say.error(
                    number,
                    "full_name",
                    _("Choose whether this row updates the member shown or adds a new member."),
                )
                continue
            v["_near"] = near
            stored = chosen
        v["_existing"] = stored["pk"] if stored else None
        v["_code"] = stored["code"] if stored else None
        if stored is not None:
            dup = ("member", stored["pk"])
            what = same_member
        else:
            dup = (club_id, name_key, v["birth_year"])
            what = same_person
        if dup in seen:
            say.error(number, "full_name", what % {"n": seen[dup]})
            continue
        seen[dup] = number
        report.rows.append(v)
    if report.rows:
        _warn_member_duplicates(report, say)
    return report


def _check_birth(v: dict, stored: dict | None, number: int, say: _Reporter, today) -> bool:
    """Date of birth and birth year of a row, with blank meaning "as stored" for a member
    named by code. Sets v["birth_year"] to the year the row stands for."""
    birth_date, year = v.get("birth_date"), v.get("birth_year")
    if birth_date is CLEARED:
        year = year or (stored and stored["birth_year"])
        if not year:
            say.error(number, "birth_year", _("Give the birth year when the date is cleared."))
            return False
        v["birth_year"] = year
        return True
    if birth_date:
        if birth_date > today or birth_date.year < 1900:
            say.error(number, "birth_date", _("The date of birth is not possible."))
            return False
        if year and year != birth_date.year:
            say.error(number, "birth_year", _("The birth year does not match the date of birth."))
            return False
        v["birth_year"] = birth_date.year
        return True
    if year:
        if stored and stored["birth_date"] and stored["birth_date"].year != year:
            say.error(
                number,
                "birth_year",
                _(
                    "The stored date of birth is %(d)s: give the new date of birth, or write "
                    "%(clear)s in “Ngày sinh” to keep only the year."
                )
                % {"d": stored["birth_date"].strftime("%d/%m/%Y"), "clear": CLEAR},
            )
            return False
        return True
    if stored is None:
        say.error(number, "birth_year", _("Give the date of birth or at least the birth year."))
        return False
    v["birth_year"] = stored["birth_year"]
    return True


def _warn_member_duplicates(report: Report, say: _Reporter) -> None:
    """Likely duplicates of new rows: same folded name, birth year ±1, a club of the same 2025
    commune — already registered, or elsewhere in the file."""
    new = [v for v in report.rows if v["_existing"] is None and v["_commune_id"]]
    if not new:
        return
    names = {v["search_name"] for v in new}
    communes = {v["_commune_id"] for v in new}
    known: dict[tuple, list] = {}
    # All members of the communes concerned, filtered here: a list of 10,000 names in an IN
    # clause costs more than reading a few communes' members.
    for m in Member.objects.filter(club__commune_id__in=communes).values(
        "search_name", "birth_year", "club__commune_id", "club__name", "full_name"
    ):
        if m["search_name"] not in names:
            continue
        known.setdefault((m["search_name"], m["club__commune_id"]), []).append(
            (
                m["birth_year"],
                _("%(name)s (%(year)s) in %(club)s")
                % {"name": m["full_name"], "year": m["birth_year"], "club": m["club__name"]},
            )
        )
    in_file: dict[tuple, list] = {}
    keys = [(v["search_name"], v["_commune_id"]) for v in new]
    for key, v in zip(keys, new, strict=True):
        in_file.setdefault(key, []).append(v)
    for key, v in zip(keys, new, strict=True):
        registered = known.get(key)
        if registered is None and len(in_file[key]) == 1:
            continue  # the name is alone in its commune: most rows stop here
        hits = [label for year, label in registered or () if abs(year - v["birth_year"]) <= 1]
        hits += [
            _("row %(n)s") % {"n": o["_row"]}
            for o in in_file[key]
            if o is not v and abs(o["birth_year"] - v["birth_year"]) <= 1
        ]
        if hits:
            say.warn(
                v["_row"],
                "full_name",
                _("May be the same person as: %(who)s.") % {"who": "; ".join(hits)},
            )


MEMBER_FIELDS = [
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "ethnicity_id",
    "household",
    "disabled",
    "lives_alone",
    "health_insurance",
    "allowance",
    "phone",
]
# What an empty cell (for a new member) or the clear mark (for any) stands for.
_DEFAULTS = {
    "household": Household.AVERAGE,
    "allowance": "",
    "phone": "",
    "disabled": False,
    "lives_alone": False,
    "health_insurance": False,
    "birth_date": None,
}


def _insert(model, fields: list[str], rows: list[tuple]) -> list[int]:
    """INSERT rows of ready values and return their ids in order.

    bulk_create spends most of an import preparing each value through its field (about 80 %
    of the time for 10,000 members); here dates are adapted once per value by the backend and
    everything else is already a plain int, str or bool.

    PostgreSQL: the ids are taken from the table's sequence first (one query), then the rows
    go in with COPY, which sends them as one stream. A multi-row INSERT of 20,000 members cost
    more in building and parsing its SQL (psycopg splits the query text at every placeholder,
    some 400,000 of them) than in writing the rows. SQLite: multi-row VALUES … RETURNING id,
    a few dozen statements; the ids come back in the order of the rows (bulk_create relies on
    the same).
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # nextval() is never rolled back nor handed out twice: concurrent imports draw
            # disjoint ids, and a later ordinary INSERT continues after them.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            with cursor.copy(f"COPY {table} ({pk}, {columns}) FROM STDIN") as copy:
                for row_id, row in zip(ids, rows, strict=True):
                    copy.write_row((row_id, *row))
            return ids
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        # Under SQLite's limit on parameters per statement (32,766).
        per = max(1, 30_000 // len(fields))
        head = f"INSERT INTO {table} ({columns}) VALUES "
        ids = []
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            params = [value for row in batch for value in row]
            cursor.execute(head + ", ".join([one] * len(batch)) + f" RETURNING {pk}", params)
            ids += [r[0] for r in cursor.fetchall()]
    return ids


def _groups_for(rows: list[dict]) -> dict[tuple[int, str], int]:
    """(club id, folded name) → group id for every group the file names, creating the missing
    ones."""
    needed = {
        (v["club_id"], v["group"].strip())
        for v in rows
        if v.get("group") and v["group"] is not CLEARED
    }
    groups = {
        (g.club_id, fast_fold(g.name)): g.pk
        for g in Group.objects.filter(club_id__in={c for c, _n in needed})
    }
    missing = {}
    for club_id, name in needed:
        if (club_id, fast_fold(name)) not in groups:
            missing.setdefault((club_id, fast_fold(name)), Group(club_id=club_id, name=name))
    for g in Group.objects.bulk_create(missing.values()):
        groups[(g.club_id, fast_fold(g.name))] = g.pk
    return groups


# Free-text fields: an empty cell reads as "", which on update means "unchanged" too.
_TEXT_FIELDS = {"full_name", "phone"}
_BIRTH_DATE = MEMBER_FIELDS.index("birth_date")
NEW_MEMBER_FIELDS = ["code", "club_id", "search_name", "created_at", *MEMBER_FIELDS, "group_id"]
_UPDATED_FIELDS = [*MEMBER_FIELDS, "group_id"]


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def commit_members(user, report: Report, filename: str = "") -> Report:
    """Write every validated row in one transaction: new members with their code and first
    period, updates of existing ones, groups named in the file, and one audit entry per club.

    On an update an empty cell keeps the stored value and the clear mark empties it; the audit
    entry keeps every changed value before and after, so an import can be undone by hand.
    """
    require(user, "clubs.import")
    assert report.ok, "commit only a report without errors"
    connection = connections[router.db_for_write(Member)]
    adapt_date = connection.ops.adapt_datefield_value
    with transaction.atomic():
        groups = _groups_for(report.rows)

        def group_of(v, default):
            group = v.get("group")
            if not group:
                return default
            if group is CLEARED:
                return None
            return groups[(v["club_id"], fast_fold(group.strip()))]

        # Read by club rather than by a list of 10,000 ids: one short IN clause.
        stored = {
            m["pk"]: m
            for m in Member.objects.filter(
                club_id__in={v["club_id"] for v in report.rows if v["_existing"]}
            ).values("pk", "code", *_UPDATED_FIELDS)
        }
        now = timezone.now()
        stamp = Member._meta.get_field("created_at").get_db_prep_value(now, connection)
        new_rows, joined, updates, by_club = [], [], [], {}
        codes = iter(new_member_codes(sum(1 for v in report.rows if not v["_existing"])))
        for v in report.rows:
            club_id = v["club_id"]
            changed = by_club.get(club_id)
            if changed is None:
                changed = by_club[club_id] = {"created": [], "updated": [], "before_after": {}}
            if v["_existing"]:
                old = stored[v["_existing"]]
                new = dict(old)
                for f in MEMBER_FIELDS:
                    value = v.get(f)
                    # None and "" (an empty text cell) keep the stored value.
                    if value is not None and (value != "" or f not in _TEXT_FIELDS):
                        new[f] = _DEFAULTS[f] if value is CLEARED else value
                new["group_id"] = group_of(v, old["group_id"])
                diff = {
                    f: [_jsonable(old[f]), _jsonable(new[f])]
                    for f in _UPDATED_FIELDS
                    if old[f] != new[f]
                }
                if diff:
                    fields = {f: new[f] for f in _UPDATED_FIELDS}
                    search_name = fast_fold(new["full_name"])
                    updates.append(Member(pk=old["pk"], search_name=search_name, **fields))
                    changed["updated"].append(old["pk"])
                    changed["before_after"][old["code"]] = diff
            else:
                values = []
                for f in MEMBER_FIELDS:
                    value = v.get(f)
                    values.append(_DEFAULTS.get(f) if value is None or value is CLEARED else value)
                values[_BIRTH_DATE] = adapt_date(values[_BIRTH_DATE])
                code = next(codes)
                new_rows.append(
                    (code, club_id, v["search_name"], stamp, *values, group_of(v, None))
                )
                joined.append((club_id, adapt_date(v["joined_on"])))
        ids = _insert(Member, NEW_MEMBER_FIELDS, new_rows)
        periods = []
        for pk, (club_id, joined_on) in zip(ids, joined, strict=True):
            periods.append((pk, club_id, joined_on, ""))
            by_club[club_id]["created"].append(pk)
        _insert(Membership, ["member_id", "club_id", "joined_on", "leave_reason"], periods)
        if updates:
            Member.objects.bulk_update(updates, [*_UPDATED_FIELDS, "search_name"], batch_size=1000)
        # One entry per club (who, which club, which members were created, and for each
        # updated member its code with every changed value before and after), written together.
        record_many(
            [
                entry(
                    user,
                    "clubs.member.imported",
                    None,
                    club=club_id,
                    data={"file": filename, **changed},
                )
                for club_id, changed in by_club.items()
                if changed["created"] or changed["updated"]
            ]
        )
        report.created, report.updated, report.committed = len(new_rows), len(updates), True
    return report


# Clubs


def validate_clubs(user, data: bytes) -> Report:
    report = Report("clubs")
    rows = read_sheet(data, "clubs", report)
    found = _map_headers(rows, CLUB_COLUMNS, report)
    if found is None or any(p.row == 1 for p in report.errors):
        return report
    say = _Reporter(report, rows, found)
    parsed = list(_parse_rows(rows, CLUB_COLUMNS, found, report))
    if not parsed:
        report.errors.append(Problem(report.sheet, None, "", _("The sheet has no data rows.")))
        return report
    communes_qs = (
        Unit.objects.communes() if user is None else editable(user, Unit.objects.communes())
    )
    by_code = {u.code: u for u in communes_qs.select_related("province")}
    by_name: dict[str, list[Unit]] = {}
    for u in by_code.values():
        by_name.setdefault(u.search_name, []).append(u)
    provinces = set(
        (
            Unit.objects.provinces() if user is None else editable(user, Unit.objects.provinces())
        ).values_list("pk", flat=True)
    )
    clubs_qs = Club.objects.all() if user is None else editable(user, Club.objects.all())
    codes = {str(v.get("code") or "").upper() for _n, v, _ok in parsed if v.get("code")}
    known = {c.code.upper(): c for c in clubs_qs.filter(code__in=codes)}
    seen: dict[tuple, int] = {}
    formula_rows = {r for r, _c in report.formulas}
    for number, v, ok in parsed:
        if number in formula_rows:
            continue
        commune = None
        text = v.get("commune") or ""
        if text:
            match = re.search(r"\((\d+)\)\s*$", text)
            if match or text.isdigit():
                commune = by_code.get(int(match.group(1) if match else text))
            else:
                hits = by_name.get(fast_fold(text), [])
                if len(hits) > 1:
                    say.error(
                        number,
                        "commune",
                        _(
                            "Several communes are called “%(t)s”; choose "
                            "from the list or write the code."
                        )
                        % {"t": text},
                    )
                    ok = False
                    hits = []
                commune = hits[0] if hits else None
            if commune is None and ok:
                say.error(
                    number,
                    "commune",
                    _("Unknown commune “%(t)s” (or not in your area). Choose it from the list.")
                    % {"t": text},
                )
                ok = False
        registered = commune
        if v.get("legacy_code"):
            legacy = (
                Unit.objects.filter(
                    scheme=Scheme.LEGACY, level=Level.COMMUNE, code=v["legacy_code"]
                )
                .select_related("province__successor")
                .first()
            )
            if legacy is None:
                say.error(
                    number,
                    "legacy_code",
                    _("No commune had the code %(c)s before 1 July 2025.")
                    % {"c": v["legacy_code"]},
                )
                ok = False
            else:
                resolution = resolve(legacy)
                province = province_2025(legacy)
                # In the user's area: the province is theirs, or the 2025 commune (resolved or
                # chosen in the row) is one of theirs.
                target = resolution.unit or commune
                mine = (province is not None and province.pk in provinces) or (
                    target is not None and by_code.get(target.code) == target
                )
                if not mine:
                    say.error(
                        number,
                        "legacy_code",
                        _("The commune with old code %(c)s is not in your area.")
                        % {"c": v["legacy_code"]},
                    )
                    ok = False
                registered = legacy
                v["_resolution"] = resolution
                if resolution.status == Resolution.RESOLVED:
                    if commune is not None and commune != resolution.unit:
                        say.error(
                            number,
                            "commune",
                            _("The old commune became %(new)s, not %(given)s.")
                            % {"new": resolution.unit.name, "given": commune.name},
                        )
                        ok = False
                elif (
                    commune is not None
                    and resolution.candidates
                    and commune not in resolution.candidates
                ):
                    say.error(
                        number,
                        "commune",
                        _("The old commune became one of: %(c)s.")
                        % {"c": ", ".join(u.name for u in resolution.candidates)},
                    )
                    ok = False
                elif commune is None and ok:
                    say.warn(
                        number,
                        "legacy_code",
                        _(
                            "%(old)s was split or has no official successor: the club will "
                            "wait in the “to confirm” list until a province officer chooses "
                            "its commune%(c)s."
                        )
                        % {
                            "old": legacy.name,
                            "c": (": " + ", ".join(u.name for u in resolution.candidates))
                            if resolution.candidates
                            else "",
                        },
                    )
        if registered is None and ok:
            say.error(number, "commune", _("Give the commune (2025) or the old commune code."))
            ok = False
        if v.get("cohort") == Cohort.DONOR and not v.get("donor_project_code"):
            say.error(number, "donor_project_code", _("Give the donor project's code."))
            ok = False
        club = None
        if v.get("code"):
            club = known.get(v["code"].upper())
            if club is None:
                say.error(
                    number,
                    "code",
                    _("No club with code %(c)s in your area. Leave the code empty for a new club.")
                    % {"c": v["code"]},
                )
                ok = False
        if not ok:
            continue
        v["_registered"] = registered
        v["_commune"] = commune
        key = (v["code"].upper(),) if v.get("code") else (fast_fold(v["name"]), registered.pk)
        if key in seen:
            say.error(number, "name", _("Same club as row %(n)s.") % {"n": seen[key]})
            continue
        seen[key] = number
        if club is None:
            club = _match_club(clubs_qs, v["name"], registered)
        v["_existing"] = club.pk if club else None
        v["_club"] = club
        report.rows.append(v)
    return report


def _match_club(clubs_qs, name: str, registered: Unit) -> Club | None:
    folded = fast_fold(name)
    for club in clubs_qs.filter(registered_unit=registered):
        if fast_fold(club.name) == folded:
            return club
    return None


CLUB_FIELDS = [c.key for c in CLUB_COLUMNS if c.key not in ("code", "commune", "legacy_code")]


def commit_clubs(user, report: Report, filename: str = "") -> Report:
    """Clubs are few per file (a province has hundreds), so each goes through the same service
    as the form, which allocates its code and writes its audit entry."""
    require(user, "clubs.create")
    assert report.ok, "commit only a report without errors"
    with transaction.atomic():
        for v in report.rows:
            fields = {k: v[k] for k in CLUB_FIELDS if k in v}
            for k in (
                "village",
                "decision_number",
                "decision_issuer",
                "donor_project_code",
                "supporting_org",
                "loan_method",
            ):
                if fields.get(k) is None:
                    fields[k] = ""
            registered = v["_registered"]
            if v["_club"] is not None:
                club = v["_club"]
                update_club(
                    user,
                    club,
                    registered=registered if registered.pk != club.registered_unit_id else None,
                    **fields,
                )
                report.updated += 1
            else:
                club = create_club(user, registered=registered, **fields)
                report.created += 1
            if club.commune_id is None and v.get("_commune") is not None:
                # The row named one of the successors: that is the person's choice.
                confirm_commune(user, club, v["_commune"])
        report.committed = True
    return report


VALIDATE = {"members": validate_members, "clubs": validate_clubs}
COMMIT = {"members": commit_members, "clubs": commit_clubs}


def register(kind: str, sheet: str, columns: list[Column], validate_rows, commit_rows) -> None:
    """Another kind of import file through the same machinery (file checks, header and cell
    parsing, messages, the stored upload and its once-only confirmation): the targets of
    ishc.indicators register theirs when the app is ready. `validate_rows(user, data)` returns
    a Report built with read_sheet, _map_headers and _parse_rows; `commit_rows(user, report,
    filename)` writes it in one transaction."""
    SHEETS[kind] = sheet
    COLUMNS[kind] = columns
    VALIDATE[kind] = validate_rows
    COMMIT[kind] = commit_rows


@contextlib.contextmanager
def _without_cycle_collector():
    """Pause Python's cycle collector for the import. Reading 10,000 rows allocates some
    300,000 lists, dicts and tuples that all stay alive until the end; every few thousand
    allocations the collector walks them all again, which cost about a third of an import
    while freeing nothing. Plain reference counting still frees everything as usual; the
    previous setting comes back afterwards, even on an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate(kind: str, user, data: bytes, decisions: dict[int, str] | None = None) -> Report:
    """Read and check the file; FileRefused becomes the report's only error. Errors and
    warnings come sorted by row, as a person corrects the file from top to bottom.
    `decisions` are the person's choices for the members' possible same persons."""
    try:
        with _without_cycle_collector():
            if kind == "members":
                report = validate_members(user, data, decisions)
            else:
                report = VALIDATE[kind](user, data)
    except FileRefused as e:
        report = Report(kind, SHEETS[kind])
        report.errors.append(Problem(_("File"), None, "", str(e)))
        return report
    report.errors.sort(key=lambda p: p.row or 0)
    report.warnings.sort(key=lambda p: p.row or 0)
    return report


def run(
    kind: str,
    user,
    data: bytes,
    *,
    commit: bool,
    filename: str = "",
    decisions: dict[int, str] | None = None,
) -> Report:
    report = validate(kind, user, data, decisions if decisions is not None or not commit else {})
    if commit and report.ok:
        with _without_cycle_collector():
            COMMIT[kind](user, report, filename)
    return report


# Uploads waiting for confirmation


def store_upload(user, kind: str, filename: str, data: bytes) -> str:
    """Keep a checked file until its uploader confirms it; returns the token that names it.
    Files never confirmed are removed after a day."""
    PendingImport.objects.filter(
        created_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    token = secrets.token_urlsafe(16)
    PendingImport.objects.create(token=token, kind=kind, user=user, filename=filename, data=data)
    return token


def pending_upload(user, kind: str, token: str) -> PendingImport | None:
    """The user's own unconfirmed upload of that kind, or None."""
    return PendingImport.objects.filter(
        token=token, kind=kind, user=user, confirmed_at__isnull=True
    ).first()


def confirm_upload(
    user, kind: str, token: str, decisions: dict[int, str] | None = None
) -> Report | None:
    """Import an upload once. The claim (an UPDATE that only matches an unconfirmed upload)
    and the import share one transaction: a second confirmation waits on the claim's row lock
    and then finds nothing to claim (None); an import that fails its checks again, or lacks a
    choice for a possible same person, rolls the claim back so the person can try again."""
    with transaction.atomic():
        claimed = PendingImport.objects.filter(
            token=token, kind=kind, user=user, confirmed_at__isnull=True
        ).update(confirmed_at=timezone.now())
        if not claimed:
            return None
        upload = PendingImport.objects.get(pk=token)
        report = run(
            kind,
            user,
            bytes(upload.data),
            commit=True,
            filename=upload.filename,
            decisions=decisions,
        )
        if report.committed:
            # The file is no longer needed; the row stays (until the daily clean-up) so that a
            # late second confirmation finds it confirmed.
            PendingImport.objects.filter(pk=token).update(data=b"")
        else:
            transaction.set_rollback(True)
        return report


def cancel_upload(user, kind: str, token: str) -> bool:
    return bool(
        PendingImport.objects.filter(
            token=token, kind=kind, user=user, confirmed_at__isnull=True
        ).delete()[0]
    )
