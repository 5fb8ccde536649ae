"""Provincial and commune targets from Excel, through the one importer of ishc.clubs.importer:
the same file checks (an .xlsx at all, no password, the row limit counting rows with values, no
hidden sheet holding data, no formulas), the same messages with sheet, row and column, every row
checked before anything is written, and the same stored upload confirmed once.

The template (`template()`) is written by the one spreadsheet writer, ishc.core.xlsx: the sheet
"Chỉ tiêu" with Vietnamese headers, the indicator codes with their Vietnamese names from the
catalogue, and the instructions.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ishc.accounts.permissions import require
from ishc.accounts.scope import editable
from ishc.audit.services import entry, record_many, snapshot
from ishc.clubs import importer
from ishc.clubs.importer import CellError, Column, Problem, Report, _Reporter, fast_fold
from ishc.core import xlsx
from ishc.geo.models import Level, Unit

from . import catalogue
from .models import Comparison, Phase, Programme, Target

SHEET = "Chỉ tiêu"
CODES_SHEET = "Danh mục chỉ tiêu"
HELP_SHEET = "Hướng dẫn"

# The template's labels, then the signs people also write.
COMPARISONS = {
    "tối thiểu": Comparison.AT_LEAST,
    "tối đa": Comparison.AT_MOST,
    "khoảng": Comparison.BAND,
}
_SIGNS = {">=": Comparison.AT_LEAST, "≥": Comparison.AT_LEAST}
_SIGNS |= {"<=": Comparison.AT_MOST, "≤": Comparison.AT_MOST}
_parse_label = importer.choice_parser(COMPARISONS)
# Target.value has 14 digits, 2 of them after the point.
MAX_VALUE = Decimal("999999999999.99")


def _parse_comparison(value) -> str | None:
    sign = importer._text(value)
    return _SIGNS[sign] if sign in _SIGNS else _parse_label(value)


def _parse_value(value) -> Decimal | None:
    return importer.parse_decimal(value, Decimal(0), MAX_VALUE)


def _parse_note(value) -> str:
    text = importer._text(value)
    if len(text) > 300:
        raise CellError(_("The note is too long (at most 300 characters)."))
    return text


COLUMNS = [
    Column(
        "programme",
        "Mã chương trình",
        True,
        width=16,
        note="1533, 1336, 1648 hoặc mã kế hoạch của tỉnh.",
    ),
    Column("phase", "Giai đoạn", width=14, note="Ví dụ 2025–2030; hoặc ghi Năm."),
    Column("year", "Năm", parse=lambda v: importer.parse_int(v, 1900, 2100), width=8),
    Column(
        "indicator",
        "Mã chỉ tiêu",
        True,
        width=26,
        note="Xem trang “Danh mục chỉ tiêu”.",
    ),
    Column(
        "province_code",
        "Mã tỉnh",
        parse=lambda v: importer.parse_int(v, 1, 99),
        width=10,
        note="Cho chỉ tiêu của tỉnh.",
    ),
    Column(
        "commune_code",
        "Mã xã",
        parse=lambda v: importer.parse_int(v, 1, 99999),
        width=10,
        note="Cho chỉ tiêu của xã.",
    ),
    Column(
        "comparison",
        "So sánh",
        True,
        _parse_comparison,
        width=12,
        note="tối thiểu, tối đa hoặc khoảng.",
    ),
    Column("value", "Giá trị", True, _parse_value, width=10),
    Column(
        "value_high",
        "Giá trị trên",
        parse=_parse_value,
        width=12,
        note="Chỉ khi So sánh là khoảng.",
    ),
    Column("note", "Ghi chú", parse=_parse_note, width=30),
]

INSTRUCTIONS = [
    "1. Mỗi chỉ tiêu một dòng trên trang “Chỉ tiêu”. Không đổi tên trang, không đổi hay xoá cột.",
    "2. Mã chương trình: 1533, 1336 hoặc 1648. Giai đoạn (ví dụ 2025–2030) hoặc Năm: ghi một "
    "trong hai; để trống cả hai là chỉ tiêu cho cả chương trình.",
    "3. Mã chỉ tiêu: chọn trong trang “Danh mục chỉ tiêu”.",
    "4. Mã tỉnh cho chỉ tiêu của tỉnh; Mã xã cho chỉ tiêu của xã (chỉ các đơn vị thuộc phạm vi "
    "của bạn).",
    "5. So sánh: “tối thiểu” (đạt ít nhất Giá trị), “tối đa” (không quá Giá trị) hoặc “khoảng” "
    "(từ Giá trị đến Giá trị trên).",
    "6. Giá trị ghi bằng số, phần thập phân dùng dấu phẩy hoặc dấu chấm. Không dùng công thức.",
    "7. Hệ thống kiểm tra toàn bộ tệp trước: nếu có lỗi, không dòng nào được ghi và mọi lỗi được "
    "liệt kê theo dòng và cột. Không để dữ liệu trong trang bị ẩn.",
    "8. Sau khi kiểm tra, bấm xác nhận để lưu; tệp chỉ được nhập một lần.",
]


def _phase_key(name: str) -> str:
    """A phase's name compared: "2025-2030" typed with a hyphen is the phase 2025–2030."""
    return fast_fold(name.replace("–", "-").replace("—", "-"))


def validate_targets(user, data: bytes) -> Report:
    """Check every row: programme, phase and indicator known, the unit a 2025 province or
    commune of the user's area, the comparison and values consistent (the model's own rules)."""
    report = Report("targets")
    rows = importer.read_sheet(data, "targets", report)
    found = importer._map_headers(rows, COLUMNS, report)
    if found is None or any(p.row == 1 for p in report.errors):
        return report
    say = _Reporter(report, rows, found)
    parsed = list(importer._parse_rows(rows, COLUMNS, found, report))
    if not parsed:
        report.errors.append(Problem(report.sheet, None, "", _("The sheet has no data rows.")))
        return report
    programmes = {fast_fold(p.code): p for p in Programme.objects.all()}
    phases = {(ph.programme_id, _phase_key(ph.name)): ph for ph in Phase.objects.all()}
    units = Unit.objects.current() if user is None else editable(user, Unit.objects.current())
    provinces, communes = {}, {}
    for unit in units.filter(level__in=(Level.PROVINCE, Level.COMMUNE)):
        (provinces if unit.level == Level.PROVINCE else communes)[unit.code] = unit
    formula_rows = {r for r, _c in report.formulas}
    for number, v, ok in parsed:
        if number in formula_rows:
            continue
        programme = None
        if v.get("programme"):
            programme = programmes.get(fast_fold(v["programme"]))
            if programme is None:
                say.error(
                    number,
                    "programme",
                    _("Unknown programme code “%(c)s”.") % {"c": v["programme"]},
                )
                ok = False
        phase = None
        if v.get("phase") and programme is not None:
            phase = phases.get((programme.pk, _phase_key(v["phase"])))
            if phase is None:
                say.error(
                    number,
                    "phase",
                    _("The programme %(p)s has no phase “%(n)s”.")
                    % {"p": programme.code, "n": v["phase"]},
                )
                ok = False
        if v.get("indicator") and catalogue.get(v["indicator"]) is None:
            say.error(
                number,
                "indicator",
                _("Unknown indicator code “%(c)s”; see the sheet “%(s)s”.")
                % {"c": v["indicator"], "s": CODES_SHEET},
            )
            ok = False
        unit = None
        if v.get("commune_code"):
            unit = communes.get(v["commune_code"])
            if unit is None:
                say.error(
                    number,
                    "commune_code",
                    _("No 2025 commune with code %(c)s in your area.") % {"c": v["commune_code"]},
                )
                ok = False
        elif v.get("province_code"):
            unit = provinces.get(v["province_code"])
            if unit is None:
                say.error(
                    number,
                    "province_code",
                    _("No 2025 province with code %(c)s in your area.") % {"c": v["province_code"]},
                )
                ok = False
        else:
            say.error(number, "province_code", _("Give a province code or a commune code."))
            ok = False
        if not ok:
            continue
        target = Target(
            programme=programme,
            phase=phase,
            year=v.get("year"),
            indicator=v["indicator"],
            unit=unit,
            comparison=v["comparison"],
            value=v["value"],
            value_high=v.get("value_high"),
            note=v.get("note") or "",
        )
        try:
            # The model's rules (a band's upper bound, the phase's programme, the year inside
            # the programme), on objects already read: no query per row.
            target.clean()
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                for message in messages:
                    say.error(number, key if key in found else "", message)
            continue
        v["_target"] = target
        report.rows.append(v)
    return report


def commit_targets(user, report: Report, filename: str = "") -> Report:
    """Every checked row in one transaction, with one audit entry per target (written
    together)."""
    require(user, "indicators.edit_targets")
    assert report.ok, "commit only a report without errors"
    with transaction.atomic():
        targets = Target.objects.bulk_create([v["_target"] for v in report.rows])
        record_many(
            [
                entry(
                    user,
                    "indicators.target.imported",
                    t,
                    after=snapshot(t),
                    unit=t.unit,
                    data={"file": filename},
                )
                for t in targets
            ]
        )
        report.created, report.committed = len(targets), True
    return report


def register() -> None:
    importer.register("targets", SHEET, COLUMNS, validate_targets, commit_targets)


def template() -> bytes:
    """The template: the sheet to fill in (headers on row 1, as the importer reads them; codes
    as text so that 01 keeps its zero) with one example row, the indicator codes with their
    Vietnamese names, and the instructions. Vietnamese whatever the reader's language."""
    with translation.override("vi"):
        book = xlsx.Book()
        kinds = {"year": "year", "value": "decimal", "value_high": "decimal", "note": "long"}
        sheet = book.sheet(
            SHEET,
            [xlsx.Col(c.header, kinds.get(c.key, "code"), c.width) for c in COLUMNS],
            title="Chỉ tiêu của tỉnh và xã",
            heading=False,
        )
        example = {
            "programme": "1648",
            "phase": "2025–2030",
            "indicator": "clubs_new",
            "province_code": "8",
            "comparison": "tối thiểu",
            "value": 120,
        }
        sheet.row([example.get(c.key) for c in COLUMNS])
        codes = book.sheet(
            CODES_SHEET,
            [
                xlsx.Col("Mã chỉ tiêu", "code", 28),
                xlsx.Col("Chỉ tiêu", "long", 70),
                xlsx.Col("Đơn vị", "text", 14),
            ],
            heading=False,
        )
        codes.rows([i.code, str(i.name), str(i.unit)] for i in catalogue.INDICATORS)
        help_sheet = book.sheet(
            HELP_SHEET,
            [xlsx.Col("Cách điền chỉ tiêu của tỉnh và xã", "long", 110)],
            heading=False,
        )
        help_sheet.rows([line] for line in INSTRUCTIONS)
        help_sheet.row([""])
        help_sheet.row(["Các cột (dấu * là bắt buộc):"])
        help_sheet.rows(
            [f"• {c.header}{' *' if c.required else ''}{': ' + c.note if c.note else ''}"]
            for c in COLUMNS
        )
        return book.content()
