"""The dashboard's tables and charts as .xlsx, from the very dict the page is drawn from, so that
the workbook and the screen always agree. Ratios are written as numerator, denominator and the
percentage, so that a reader can re-add them. Written by the one writer, ishc.core.xlsx."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from ishc.core import xlsx

from . import catalogue
from .services import COLUMNS

BOLD = Font(bold=True)


def _value(cell: dict, ind) -> float | None:
    v = cell["display"]
    return round(v, 2) if isinstance(v, float) else v


def _ratio_columns(ind) -> list[xlsx.Col]:
    if not ind.den:
        return [xlsx.Col(str(ind.name), "int", 14)]
    return [
        xlsx.Col(_("%(indicator)s: numerator") % {"indicator": ind.name}, "int", 14),
        xlsx.Col(_("%(indicator)s: denominator") % {"indicator": ind.name}, "int", 14),
        xlsx.Col(_("%(indicator)s: value") % {"indicator": ind.name}, "decimal", 14),
    ]


def _headline_columns() -> list[xlsx.Col]:
    return [
        xlsx.Col(_("Code"), "code"),
        xlsx.Col(_("Indicator"), "long", 46),
        xlsx.Col(_("Numerator"), "int", 13),
        xlsx.Col(_("Denominator"), "int", 13),
        xlsx.Col(_("Value"), "decimal"),
        xlsx.Col(_("Unit"), "text", 12),
    ]


def _headline_rows(items) -> list[list]:
    return [
        [
            h["ind"].code,
            str(h["ind"].name),
            h["num"],
            h["den"],
            _value(h, h["ind"]),
            str(h["ind"].unit),
        ]
        for h in items
    ]


def workbook(ctx: dict, only: str | None = None) -> bytes:
    book = xlsx.Book()
    where = ctx["where"]
    period = _("%(period)s, figures of %(day)s") % {
        "period": ctx["period"].label,
        "day": ctx["day"].strftime("%d/%m/%Y"),
    }

    def sheet(name, columns, rows, title=None):
        book.sheet(name, columns, title=title, unit=where.name, period=period).rows(rows)

    sheets = {
        "targets": lambda: sheet(
            _("Targets"),
            [
                xlsx.Col(_("Indicator"), "long", 40),
                xlsx.Col(_("Target"), "text", 16),
                xlsx.Col(_("Period"), "text", 14),
                xlsx.Col(_("Numerator"), "int", 13),
                xlsx.Col(_("Denominator"), "int", 13),
                xlsx.Col(_("Value"), "decimal"),
                xlsx.Col(_("% achieved"), "percent", 12),
                xlsx.Col(_("Status"), "text", 16),
            ],
            [
                [
                    str(c["a"].indicator.name) if c["a"].indicator else c["a"].target.indicator,
                    c["target_text"],
                    c["a"].period.label,
                    c["a"].figure.num if c["a"].figure else None,
                    c["a"].figure.den if c["a"].figure else None,
                    round(c["a"].figure.display_value, 2)
                    if c["a"].figure and c["a"].figure.display_value is not None
                    else None,
                    round(c["a"].achieved, 1) if c["a"].achieved is not None else None,
                    str(c["a"].status_label),
                ]
                for c in ctx["cards"]
            ],
        ),
        "indicators": lambda: sheet(
            _("Indicators"), _headline_columns(), _headline_rows(ctx["headline"])
        ),
        "units": lambda: sheet(
            _("Units"),
            [xlsx.Col(_("Code"), "code"), xlsx.Col(_("Name"), "name")]
            + [col for ind in ctx["columns"] for col in _ratio_columns(ind)],
            [
                [r["code"], r["name"]]
                + [
                    v
                    for ind in ctx["columns"]
                    for v in (
                        [
                            r["cells"][ind.code]["num"],
                            r["cells"][ind.code]["den"],
                            _value(r["cells"][ind.code], ind),
                        ]
                        if ind.den
                        else [r["cells"][ind.code]["num"]]
                    )
                ]
                for r in ctx["rows"]
            ],
        ),
        "trend": lambda: sheet(
            _("Trend"),
            [
                xlsx.Col(_("Date"), "date"),
                xlsx.Col(_("Numerator"), "int", 13),
                xlsx.Col(_("Denominator"), "int", 13),
                xlsx.Col(str(ctx["trend"]["label"]), "decimal", 30),
                xlsx.Col(_("Target"), "decimal"),
            ],
            [
                [p["day"], p["num"], p["den"], _value(p, None), ctx["trend"]["target"]]
                for p in ctx["trend"]["months"] + ctx["trend"]["years"]
            ],
        ),
        "breakdowns": lambda: sheet(
            _("Breakdowns"),
            [xlsx.Col(pgettext("breakdown", "Group"), "name", 30)]
            + [xlsx.Col(str(i.name), "decimal", 16) for i in ctx["breakdowns"]["indicators"]],
            [
                [str(r["label"])] + [_value(c, None) for c in r["cells"]]
                for r in ctx["breakdowns"]["cohort"] + ctx["breakdowns"]["flag"]
            ],
        ),
        "composition": lambda: sheet(
            _("Composition"),
            [xlsx.Col(pgettext("breakdown", "Group"), "long"), xlsx.Col(_("Clubs"), "int")],
            [[str(b["label"]), b["n"]] for b in ctx["composition"]["buckets"]]
            + [[str(b["ind"].name), b["n"]] for b in ctx["composition"]["bands"]],
        ),
        "map": lambda: (
            sheet(
                _("Map"),
                [
                    xlsx.Col(_("Code"), "code"),
                    xlsx.Col(_("Name"), "name"),
                    xlsx.Col(str(ctx["map"]["ind"].name), "decimal", 30),
                ],
                [
                    [p["code"], p["name"], round(p["value"], 2) if p["value"] is not None else None]
                    for p in ctx["map"]["provinces"]
                ],
            )
            if ctx["map"]
            else None
        ),
        "loans": lambda: _section(sheet, ctx, "loans"),
        "reports": lambda: _section(sheet, ctx, "reports"),
        "resources": lambda: sheet(
            _("Resources"),
            [xlsx.Col(_("Source"), "long"), xlsx.Col(_("VND"), "money")],
            [[str(r["label"]), r["amount"]] for r in ctx["resources"]],
        ),
    }
    for name, make in sheets.items():
        if only in (None, "", name):
            make()
    if not book.wb.worksheets:
        sheets["indicators"]()
    return book.content()


def _section(sheet, ctx, name):
    section = next(s for s in ctx["sections"] if s["sheet"] == name)
    sheet(str(section["title"]), _headline_columns(), _headline_rows(section["items"]))


TEMPLATE_SHEET = "Chỉ tiêu"
INSTRUCTIONS = [
    "Cách điền chỉ tiêu của tỉnh và xã",
    "",
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
    "liệt kê theo dòng và cột.",
]


def import_template() -> Workbook:
    """The targets template: Vietnamese headers, one example row, the indicator codes and how to
    fill it in. Codes are text cells, so that a code such as 01 keeps its leading zero."""
    from openpyxl.comments import Comment

    from .services import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    ws.append([HEADERS[c] for c in COLUMNS])
    for cell in ws[1]:
        cell.font = BOLD
    ws["A1"].comment = Comment("Bắt buộc. 1533, 1336 hoặc 1648.", "ISHC")
    ws["D1"].comment = Comment("Bắt buộc. Xem trang “Danh mục chỉ tiêu”.", "ISHC")
    ws["G1"].comment = Comment("Bắt buộc. tối thiểu, tối đa hoặc khoảng.", "ISHC")
    ws["H1"].comment = Comment("Bắt buộc.", "ISHC")
    ws.append(["1648", "2025–2030", None, "clubs_new", "8", None, "tối thiểu", 120, None, ""])
    for index, width in enumerate([16, 14, 8, 26, 10, 10, 12, 10, 12, 30], start=1):
        letter = ws.cell(1, index).column_letter
        ws.column_dimensions[letter].width = width
        if COLUMNS[index - 1] in ("programme", "province_code", "commune_code", "indicator"):
            for row in range(2, 202):
                ws.cell(row, index).number_format = "@"
    ws.freeze_panes = "A2"
    codes = wb.create_sheet("Danh mục chỉ tiêu")
    codes.append(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị"])
    for cell in codes[1]:
        cell.font = BOLD
    for ind in catalogue.INDICATORS:
        codes.append([ind.code, str(ind.name), str(ind.unit)])
    codes.column_dimensions["A"].width = 28
    codes.column_dimensions["B"].width = 70
    help_ws = wb.create_sheet("Hướng dẫn")
    help_ws.column_dimensions["A"].width = 110
    for line in INSTRUCTIONS:
        help_ws.append([line])
    help_ws["A1"].font = Font(bold=True, size=14)
    return wb
