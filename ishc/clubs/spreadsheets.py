"""The .xlsx files the registry hands out: list exports (with the filters that produced them)
and the import templates. Written with openpyxl's write-only mode, which streams rows instead of
building the whole sheet in memory."""

import datetime
import io

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ishc.accounts.scope import editable
from ishc.core import xlsx
from ishc.geo.models import EthnicGroup, Unit

from . import importer
from .composition import card
from .models import Club, Membership

BOLD = Font(bold=True)


def response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    resp = HttpResponse(buffer.getvalue(), content_type=xlsx.XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _filters_sheet(book: xlsx.Book, form, on: datetime.date, title, unit) -> None:
    """A second sheet saying which filters produced the list, so a printed export explains
    itself."""
    sheet = book.sheet(
        _("Filters"),
        [xlsx.Col(_("Filter"), "text", 28), xlsx.Col(_("Value"), "long", 50)],
        title=title,
        unit=unit,
        period=xlsx.period_label(on),
    )
    sheet.row([_("Date"), on.strftime("%d/%m/%Y")])
    if not form.is_valid():
        return
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        sheet.row([str(field.label), str(value)])


def _yes(value: bool) -> str:
    return _("yes") if value else ""


def export_clubs(form, qs, on: datetime.date, unit: str) -> HttpResponse:
    book = xlsx.Book()
    title = _("Clubs")
    sheet = book.sheet(
        title,
        [
            xlsx.Col(_("Club code"), "code"),
            xlsx.Col(_("Name"), "name"),
            xlsx.Col(_("Village / neighbourhood"), "text"),
            xlsx.Col(_("Commune (2025)"), "text"),
            xlsx.Col(_("Province (2025)"), "text"),
            xlsx.Col(_("Commune as registered"), "text"),
            xlsx.Col(_("Programme"), "text", 14),
            xlsx.Col(_("Status"), "text", 14),
            xlsx.Col(_("Launch date"), "date"),
            xlsx.Col(_("Members"), "int"),
            xlsx.Col(_("Women"), "int"),
            xlsx.Col(_("Older persons"), "int"),
            xlsx.Col(_("Aged 55+"), "int"),
            xlsx.Col(_("Younger members"), "int"),
            xlsx.Col(_("In difficult circumstances"), "int", 12),
            xlsx.Col(_("Ethnic minorities"), "int", 12),
            xlsx.Col(_("Outside a band"), "long", 30),
        ],
        unit=unit,
        period=xlsx.period_label(on),
    )
    for club in qs.iterator(chunk_size=2000):
        lines = card(club.__dict__)
        sheet.row(
            [
                club.code,
                club.name,
                club.village,
                club.commune.name if club.commune else _("to confirm"),
                club.province.name,
                club.registered_name,
                club.get_cohort_display(),
                club.get_status_display(),
                club.founded_on,
                club.size,
                club.women,
                club.older,
                club.older_local,
                club.younger,
                club.difficult,
                club.minority,
                ", ".join(line.label for line in lines if line.status not in ("", "ok")),
            ]
        )
    _filters_sheet(book, form, on, title, unit)
    return book.response(xlsx.filename("Danh sach CLB", on.strftime("%Y%m%d")))


def _labels(options: dict[str, str]) -> dict[str, str]:
    """Stored value → the template's Vietnamese label, which the importer reads back."""
    return {value: label for label, value in options.items()}


SEX_LABELS = _labels(importer.SEXES)
HOUSEHOLD_LABELS = _labels(importer.HOUSEHOLDS)
ALLOWANCE_LABELS = _labels(importer.ALLOWANCES)


def _yes_no(value: bool) -> str:
    return importer.YES_NO[0] if value else importer.YES_NO[1]


def _member_kind(column) -> str:
    if column.parse is importer.parse_date:
        return "date"
    return "year" if column.key == "birth_year" else "text"


def export_members(form, qs, on: datetime.date, unit: str) -> HttpResponse:
    """The member list as an import file: the template's sheet name, headers and values (its
    Vietnamese dropdown labels, whatever the reader's language), the member code that lets an
    edited copy update the same people, then columns to read only, marked so, which the
    importer skips. Export → edit → import updates in place."""
    book = xlsx.Book()
    title = _("Member list")
    sheet = book.sheet(
        importer.SHEETS["members"],
        [
            xlsx.Col(
                c.header,
                "date"
                if c.parse is importer.parse_date
                else "year"
                if c.key == "birth_year"
                else "text",
                c.width,
            )
            for c in importer.MEMBER_COLUMNS
        ]
        + [
            xlsx.Col(f"{_('Club')} {importer.READ_ONLY}", "name"),
            xlsx.Col(f"{_('Age')} {importer.READ_ONLY}", "int"),
            xlsx.Col(f"{_('Current member')} {importer.READ_ONLY}", "text", 14),
        ],
        title=title,
        unit=unit,
        period=xlsx.period_label(on),
        # The sheet is an import file: headers on row 1, as the template has them.
        heading=False,
    )
    # The joining date of the member's latest period in their club (the current one, or the
    # last one for someone who left), from the member's own index.
    joined = (
        Membership.objects.filter(member=OuterRef("pk"), club=OuterRef("club"))
        .order_by("-joined_on")
        .values("joined_on")[:1]
    )
    for m in qs.annotate(joined_on=Subquery(joined)).iterator(chunk_size=2000):
        values = {
            "code": m.code,
            "club": m.club.code,
            "full_name": m.full_name,
            "sex": SEX_LABELS[m.sex],
            "birth_date": m.birth_date,
            "birth_year": m.birth_year,
            "ethnicity": m.ethnicity.name,
            "household": HOUSEHOLD_LABELS[m.household],
            "disabled": _yes_no(m.disabled),
            "lives_alone": _yes_no(m.lives_alone),
            "health_insurance": _yes_no(m.health_insurance),
            "allowance": ALLOWANCE_LABELS.get(m.allowance, ""),
            # Text, never a number: a phone number keeps its leading 0.
            "phone": m.phone,
            "group": m.group.name if m.group else "",
            "joined_on": m.joined_on,
        }
        sheet.row(
            [values[c.key] for c in importer.MEMBER_COLUMNS]
            + [m.club.name, m.age_on(on), _yes(m.current)]
        )
    _filters_sheet(book, form, on, title, unit)
    return book.response(xlsx.filename("Danh sach thanh vien", on.strftime("%Y%m%d")))


# Import templates

LISTS_SHEET = "Danh mục"
HELP_SHEET = "Hướng dẫn"

INSTRUCTIONS = {
    "members": [
        "Cách điền danh sách thành viên",
        "",
        "1. Điền mỗi thành viên trên một dòng của trang “Thành viên”. Không đổi tên trang, không "
        "đổi, xoá hay thêm cột.",
        "2. Các cột có dấu * là bắt buộc: Mã CLB, Họ và tên, Giới tính, Dân tộc, Ngày vào CLB, và "
        "Ngày sinh hoặc Năm sinh.",
        "3. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2024. Nếu chỉ biết năm sinh, để trống "
        "Ngày sinh và ghi Năm sinh (tuổi sẽ được tính gần đúng).",
        "4. Giới tính, Dân tộc, Hoàn cảnh gia đình, Có/Không, Lương hưu/trợ cấp, Mã CLB: chọn "
        "trong danh sách thả xuống (xem trang “Danh mục”).",
        "5. Không dùng công thức: chỉ dán giá trị (Dán đặc biệt › Giá trị).",
        "6. Mã thành viên: để trống cho thành viên mới (hệ thống cấp mã). Tệp xuất danh sách "
        "thành viên có sẵn mã: sửa tệp đó rồi tải lên lại để cập nhật đúng người, kể cả khi sửa "
        "họ tên. Các cột có chữ “(chỉ đọc)” chỉ để xem, hệ thống bỏ qua.",
        "7. Khi cập nhật thành viên đã có, ô để trống nghĩa là giữ nguyên giá trị đã lưu. Muốn "
        f"xoá một giá trị (Ngày sinh, Điện thoại, Tổ, Lương hưu/trợ cấp), ghi {importer.CLEAR} "
        "vào ô đó.",
        "8. Không có mã, một dòng được coi là thành viên đã có khi trùng CLB, họ tên đúng từng "
        "dấu và ngày sinh (hoặc năm sinh). Tên chỉ khác dấu (ví dụ Thảo và Thạo) hoặc cùng tên "
        "khác năm sinh: hệ thống hiện cả hai để bạn chọn cập nhật hay thêm người mới.",
        "9. Điện thoại ghi dạng chữ (giữ số 0 đầu), ví dụ 0912345678.",
        "10. Hệ thống kiểm tra toàn bộ tệp trước: nếu có lỗi, không dòng nào được ghi và mọi lỗi "
        "được liệt kê theo dòng và cột. Không để dữ liệu trong trang bị ẩn.",
        "11. Người có thể trùng (cùng tên, năm sinh lệch không quá 1, cùng xã) sẽ được cảnh báo để "
        "bạn xác nhận.",
    ],
    "clubs": [
        "Cách điền danh sách câu lạc bộ",
        "",
        "1. Mỗi câu lạc bộ một dòng trên trang “Câu lạc bộ”. Không đổi tên trang, không đổi, xoá "
        "hay thêm cột.",
        "2. Mã CLB: để trống khi đăng ký CLB mới (hệ thống cấp mã); ghi mã để cập nhật CLB đã có.",
        "3. Xã/phường (2025): chọn trong danh sách. CLB đăng ký theo xã cũ (trước 1/7/2025): ghi "
        "Mã xã cũ; nếu xã cũ được chia cho nhiều xã mới, hãy chọn thêm Xã/phường (2025), hoặc CLB "
        "sẽ nằm trong danh sách “cần xác nhận” để cán bộ tỉnh chọn.",
        "4. Chương trình: 1533, 1336, 1648, Ngân sách địa phương hoặc Dự án tài trợ (ghi Mã dự "
        "án tài trợ).",
        "5. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2024. Không dùng công thức.",
        "6. Tải lên lại cùng tệp sẽ cập nhật, không tạo bản trùng.",
    ],
}


def template_lists(kind: str, user) -> dict[str, list[str]]:
    """The dropdown lists of a template, limited to what the user may enter."""
    every = {
        "sex": lambda: list(importer.SEXES),
        "ethnicity": lambda: list(EthnicGroup.objects.values_list("name", flat=True)),
        "household": lambda: list(importer.HOUSEHOLDS),
        "yesno": lambda: importer.YES_NO,
        "allowance": lambda: list(importer.ALLOWANCES),
        "cohort": lambda: list(importer.COHORTS),
        "loan_method": lambda: list(importer.LOAN_METHODS),
        "clubs": lambda: list(
            editable(user, Club.objects.all()).order_by("code").values_list("code", flat=True)
        ),
        "communes": lambda: [
            f"{u.name} ({u.code})"
            for u in editable(user, Unit.objects.communes()).order_by("search_name")
        ],
    }
    lists = {}
    for column in importer.COLUMNS[kind]:
        if column.choices and column.choices not in lists:
            lists[column.choices] = every[column.choices]()
    return lists


def template(kind: str, user) -> HttpResponse:
    columns = importer.COLUMNS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = importer.SHEETS[kind]
    lists = template_lists(kind, user)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    names = list(lists)
    refs = {}
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        lists_ws.cell(1, index, LIST_TITLES.get(name, name)).font = BOLD
        for row, value in enumerate(lists[name], start=2):
            lists_ws.cell(row, index, value)
        refs[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(2, len(lists[name]) + 1)}"
        lists_ws.column_dimensions[letter].width = 24
    if kind == "members":
        # The club names beside the codes, so a person can see which code is which club.
        col = len(names) + 1
        lists_ws.cell(1, col, "Tên CLB").font = BOLD
        names_by_code = dict(editable(user, Club.objects.all()).values_list("code", "name"))
        for row, code in enumerate(lists["clubs"], start=2):
            lists_ws.cell(row, col, names_by_code[code])
        lists_ws.column_dimensions[get_column_letter(col)].width = 36
    last = settings.ISHC["IMPORT_MAX_ROWS"] + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(1, index, column.header)
        cell.font = BOLD
        if column.required:
            cell.comment = Comment("Bắt buộc. " + column.note, "ISHC")
        elif column.note:
            cell.comment = Comment(column.note, "ISHC")
        ws.column_dimensions[letter].width = column.width
        if column.choices:
            dv = DataValidation(
                type="list",
                formula1=refs[column.choices],
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="Giá trị không hợp lệ",
                error="Chọn một giá trị trong danh sách.",
            )
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
        if importer.is_date_column(column):
            for row in range(2, 202):
                ws.cell(row, index).number_format = "dd/mm/yyyy"
        elif column.key == "phone":
            # Text, so that Excel keeps the leading 0 of 0912345678 as it is typed.
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, 202):
                ws.cell(row, index).number_format = "@"
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 110
    for row, line in enumerate(INSTRUCTIONS[kind], start=1):
        cell = help_ws.cell(row, 1, line)
        if row == 1:
            cell.font = Font(bold=True, size=14)
    help_ws.cell(len(INSTRUCTIONS[kind]) + 2, 1, "Các cột:").font = BOLD
    for offset, column in enumerate(columns, start=len(INSTRUCTIONS[kind]) + 3):
        mark = " *" if column.required else ""
        help_ws.cell(
            offset, 1, f"• {column.header}{mark}{': ' + column.note if column.note else ''}"
        )
    wb.active = 0
    stamp = timezone.localdate().strftime("%Y%m%d")
    return response(wb, f"mau-{'thanh-vien' if kind == 'members' else 'cau-lac-bo'}-{stamp}.xlsx")


LIST_TITLES = {
    "sex": "Giới tính",
    "ethnicity": "Dân tộc",
    "household": "Hoàn cảnh gia đình",
    "yesno": "Có/Không",
    "allowance": "Lương hưu/trợ cấp",
    "cohort": "Chương trình",
    "loan_method": "Phương thức trả",
    "clubs": "Mã CLB",
    "communes": "Xã/phường (2025)",
}
