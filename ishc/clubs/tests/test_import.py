import datetime
import gc
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from ishc.audit.models import AuditEntry
from ishc.clubs import importer
from ishc.clubs.models import Club, Group, Member, Membership
from ishc.core.text import fold

from .xlsx import book, member


def _messages(report):
    return [(p.row, p.column.split(" ")[0] if p.column else "", p.message) for p in report.errors]


def _list(wb, title):
    """A dropdown list of the template's "Danh mục" sheet, by its title."""
    ws = wb["Danh mục"]
    for column in ws.iter_cols(values_only=True):
        if column[0] == title:
            return [v for v in column[1:] if v]
    raise AssertionError(title)


def _validate(user, data, kind="members"):
    return importer.validate(kind, user, data)


def test_it_imports_and_reimports_without_duplicating(world):
    rows = [
        member(world.A, "Nguyễn Thị Hoa", **{"Ngày sinh": "02/01/1950", "Năm sinh": None}),
        member(world.A, "Trần Văn Sơn", **{"Giới tính": "Nam", "Năm sinh": 1990, "Tổ": "Tổ 1"}),
    ]
    data = book("members", rows)
    report = importer.run("members", world.commune, data, commit=True, filename="a.xlsx")
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    hoa = Member.objects.get(full_name="Nguyễn Thị Hoa")
    assert hoa.birth_date == datetime.date(1950, 1, 2) and hoa.birth_year == 1950
    assert hoa.periods.get().joined_on == datetime.date(2024, 3, 15)
    son = Member.objects.get(full_name="Trần Văn Sơn")
    assert son.group.name == "Tổ 1" and son.group.club == world.A
    assert AuditEntry.objects.filter(action="clubs.member.imported", club=world.A).count() == 1

    rows[1]["Hoàn cảnh gia đình"] = "Cận nghèo"
    report = importer.run("members", world.commune, book("members", rows), commit=True)
    assert report.ok
    assert (report.created, report.updated) == (0, 1)
    assert Member.objects.count() == 2 and Membership.objects.count() == 2
    assert Group.objects.count() == 1
    assert Member.objects.get(pk=son.pk).household == "near_poor"


def test_it_registers_a_club_and_60_members_in_one_upload(client, world):
    """The commune officer's day: template, 60 rows, upload, confirm, composition, export."""
    client.force_login(world.commune)
    response = client.get(reverse("clubs:template", args=["members"]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Thành viên", "Danh mục", "Hướng dẫn"]
    ws = wb["Thành viên"]
    assert ws["A1"].value == "Mã CLB"
    assert ws.data_validations.dataValidation  # dropdown lists
    assert _list(wb, "Mã CLB") == [world.A.code]  # only the officer's own clubs
    assert _list(wb, "Giới tính") == ["Nữ", "Nam"]
    for i in range(60):
        ws.append(
            [
                world.A.code,
                f"Thành viên số {i}",
                "Nữ" if i < 39 else "Nam",
                None,
                1950 if i < 39 else 1990,
                "Kinh",
                "Trung bình",
                "Không",
                "Không",
                "Có",
                None,
                None,
                None,
                datetime.date(2024, 1, 10),
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.name = "danh-sach.xlsx"
    buffer.seek(0)
    response = client.post(reverse("clubs:import", args=["members"]), {"file": buffer})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok, report.errors
    assert len(report.rows) == 60
    assert Member.objects.count() == 0  # nothing before confirming
    token = response.context["token"]
    response = client.post(
        reverse("clubs:import_confirm", args=["members", token]), {"confirm": "1"}
    )
    assert response.status_code == 302
    assert Member.objects.filter(club=world.A).count() == 60
    response = client.get(reverse("clubs:detail", args=[world.A.pk]), {"on": "2025-01-01"})
    lines = {line.name: line for line in response.context["lines"]}
    assert (lines["size"].value, lines["size"].status) == (60, "ok")
    assert (lines["women"].value, lines["women"].status) == (39, "ok")
    response = client.get(reverse("clubs:members"), {"club": world.A.pk, "format": "xlsx"})
    exported = load_workbook(io.BytesIO(response.content))
    assert exported.worksheets[0].max_row == 61


def test_it_lists_every_error_with_row_and_column_and_writes_nothing(world):
    rows = [
        member(world.A, "Bà Một", **{"Ngày sinh": "31/02/1950"}),  # impossible date
        member(world.A, "Bà Hai", **{"Ngày vào CLB": 45000}),  # Excel serial number
        member(world.A, "Bà Ba", **{"Ngày vào CLB": "2024-03-15"}),  # not dd/mm/yyyy
        member(world.A, "Bà Bốn", **{"Giới tính": "X"}),
        member(world.A, "Bà Năm", **{"Dân tộc": "Không rõ"}),
        member(world.C, "Ông Sáu"),  # a club of another province
        member(world.A, "Bà Bảy", **{"Năm sinh": None}),
        member(world.A, "Bà Tám", **{"Họ và tên": None}),
    ]
    before = Member.objects.count()
    report = importer.run("members", world.commune, book("members", rows), commit=True)
    found = _messages(report)
    assert [(r, c) for r, c, _m in found] == [
        (2, "D"),
        (3, "N"),
        (4, "N"),
        (5, "C"),
        (6, "F"),
        (7, "A"),
        (8, "E"),
        (9, "B"),
    ]
    assert "not a real date" in found[0][2]
    assert "serial number 45000 would be 15/03/2023" in found[1][2]
    assert "dd/mm/yyyy" in found[2][2]
    assert Member.objects.count() == before
    assert report.committed is False


def test_it_accepts_real_dates_and_dd_mm_yyyy_text(world):
    rows = [
        member(world.A, "Một", **{"Ngày vào CLB": datetime.date(2024, 5, 1)}),
        member(world.A, "Hai", **{"Ngày vào CLB": "1/5/2024"}),
        member(world.A, "Ba", **{"Ngày vào CLB": datetime.datetime(2024, 5, 1, 0, 0)}),
    ]
    report = importer.run("members", world.commune, book("members", rows), commit=True)
    assert report.ok, report.errors
    assert set(Membership.objects.values_list("joined_on", flat=True)) == {
        datetime.date(2024, 5, 1)
    }


def test_it_refuses_wrong_or_missing_headers(world):
    headers = ["Mã CLB", "Tên", "Giới tính", "Năm sinh", "Dân tộc", "Ngày vào CLB"]
    report = _validate(world.commune, book("members", [], headers=headers))
    messages = [p.message for p in report.errors]
    assert any("Unknown column “Tên”" in m for m in messages)
    assert any("“Họ và tên” is missing" in m for m in messages)


def test_it_matches_headers_without_diacritics(world):
    row = member(world.A)
    headers = ["ma clb", "HO VA TEN", "Gioi tinh", "Nam sinh", "Dan toc", "Ngay vao CLB"]
    keys = ["Mã CLB", "Họ và tên", "Giới tính", "Năm sinh", "Dân tộc", "Ngày vào CLB"]
    data = book(
        "members", [dict(zip(headers, (row[k] for k in keys), strict=True))], headers=headers
    )
    assert _validate(world.commune, data).ok


def test_it_refuses_another_sheet(world):
    report = _validate(world.commune, book("members", [member(world.A)], sheet="Sheet1"))
    assert "no sheet named “Thành viên”" in report.errors[0].message
    report = _validate(world.commune, book("clubs", []))
    assert "This is the Câu lạc bộ template" in report.errors[0].message


def test_it_refuses_duplicate_rows_inside_the_file(world):
    # The exact name with other spaces or case is the same person; without its diacritics it
    # may be someone else, which a warning leaves to the person importing.
    rows = [
        member(world.A, "Lê Thị Mai"),
        member(world.A, " lê  thị MAI"),
        member(world.A, "LE THI MAI"),
    ]
    report = _validate(world.commune, book("members", rows))
    assert _messages(report) == [(3, "B", "Same person as row 2 (same club, name and birth year).")]
    assert [w.row for w in report.warnings] == [2, 4]


def test_it_refuses_formulas(world):
    def formula(ws):
        ws["E2"] = "=1950+5"

    report = _validate(world.commune, book("members", [member(world.A)], extra=formula))
    assert _messages(report) == [
        (2, "E", "The cell holds a formula. Copy the column and paste values only.")
    ]


def test_it_skips_blank_rows(world):
    rows = [member(world.A, "Một"), {}, {}, member(world.A, "Hai")]
    report = _validate(world.commune, book("members", rows))
    assert report.ok and [r["_row"] for r in report.rows] == [2, 5]


def test_it_refuses_a_file_over_the_row_limit_before_reading_it(world, settings, monkeypatch):
    settings.ISHC = {**settings.ISHC, "IMPORT_MAX_ROWS": 3}

    def fail(*args, **kwargs):
        raise AssertionError("the sheet was read")

    monkeypatch.setattr(importer.CalamineWorkbook, "from_filelike", fail)
    rows = [member(world.A, f"Người {i}") for i in range(4)]
    report = _validate(world.commune, book("members", rows))
    assert "more than 3 rows" in report.errors[0].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ho va ten;Nam sinh\nHoa;1950\n", "not an Excel .xlsx file"),
        (b"", "not an Excel .xlsx file"),
        # An old .xls: an OLE compound file without an encrypted package.
        (importer.CFB_MAGIC + b"\0" * 600, "old Excel 97–2003"),
        # What Excel writes for a password-protected workbook: an OLE compound file holding
        # the "EncryptionInfo" and "EncryptedPackage" streams.
        (
            importer.CFB_MAGIC
            + b"\0" * 1000
            + "EncryptionInfo".encode("utf-16-le")
            + b"\0" * 50
            + "EncryptedPackage".encode("utf-16-le"),
            "protected by a password",
        ),
    ],
)
def test_it_refuses_what_is_not_a_readable_xlsx(world, data, message):
    report = _validate(world.commune, data)
    assert message in report.errors[0].message
    assert report.errors[0].row is None


def test_it_refuses_a_zip_that_is_not_a_workbook(world):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    report = _validate(world.commune, buffer.getvalue())
    assert "not an Excel workbook" in report.errors[0].message


def test_it_warns_about_likely_duplicates_across_clubs_of_a_commune(world):
    other = Club.objects.create(
        name="CLB A2", code="T-A2", commune=world.c1, province=world.P, cohort="1336"
    )
    importer.run("members", None, book("members", [member(other, "Nguyễn Thị Hoa")]), commit=True)
    rows = [
        member(
            world.A, "nguyen thi hoa", **{"Năm sinh": 1956}
        ),  # ±1 year, other club, same commune
        member(world.A, "Nguyễn Thị Hoa", **{"Năm sinh": 1960}),  # 5 years apart: not the same
        member(world.A, "Trần Thị Lan", **{"Năm sinh": 1970}),
        member(other, "Trần Thị Lan", **{"Năm sinh": 1971}),  # within the file
    ]
    report = _validate(world.central, book("members", rows))
    assert report.ok
    assert [(w.row, w.message) for w in report.warnings] == [
        (2, "May be the same person as: Nguyễn Thị Hoa (1955) in CLB A2."),
        (4, "May be the same person as: row 5."),
        (5, "May be the same person as: row 4."),
    ]


def test_it_runs_from_the_command_line(world, tmp_path, capsys):
    path = tmp_path / "members.xlsx"
    path.write_bytes(
        book("members", [member(world.A), member(world.A, "Bà X", **{"Giới tính": "?"})])
    )
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_xlsx", "members", str(path))
    assert (
        "Thành viên, row 3, column C (Giới tính): “?” is not in the list" in capsys.readouterr().err
    )
    assert Member.objects.count() == 0
    path.write_bytes(book("members", [member(world.A)]))
    call_command("import_xlsx", "members", str(path), "--dry-run")
    assert Member.objects.count() == 0
    call_command("import_xlsx", "members", str(path))
    assert Member.objects.count() == 1
    # A possible same person: an error with nobody to ask, unless told to add such rows.
    path.write_bytes(book("members", [member(world.A, "Nguyen Thi Hoa")]))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_xlsx", "members", str(path))
    call_command("import_xlsx", "members", str(path), "--new-when-unsure")
    assert Member.objects.count() == 2


# Clubs


def club_row(**cells):
    row = {
        "Tên CLB": "CLB thôn Mới",
        "Xã/phường (2025)": "Xã Ngọc Đường (700)",
        "Chương trình": "1648",
    }
    row.update(cells)
    return row


def test_it_imports_clubs_and_updates_them_again(world):
    rows = [club_row(**{"Miền núi": "Có", "Ngày ra mắt": "01/08/2025"})]
    report = importer.run("clubs", world.province, book("clubs", rows), commit=True)
    assert report.ok, report.errors
    club = Club.objects.get(name="CLB thôn Mới")
    assert (club.commune, club.mountainous, club.cohort) == (world.c1, True, "1648")
    assert club.code.startswith("08-")
    rows[0]["Thôn/tổ dân phố"] = "Thôn Mới"
    report = importer.run("clubs", world.province, book("clubs", rows), commit=True)
    assert (report.created, report.updated) == (0, 1)
    assert Club.objects.get(pk=club.pk).village == "Thôn Mới"


def test_it_refuses_unknown_communes(world):
    rows = [
        club_row(**{"Xã/phường (2025)": "Xã Không Có"}),
        club_row(**{"Tên CLB": "B", "Xã/phường (2025)": "99999"}),
        club_row(**{"Tên CLB": "C", "Xã/phường (2025)": "Phường Ba Đình (4)"}),  # other province
        club_row(**{"Tên CLB": "D", "Xã/phường (2025)": None}),
        club_row(**{"Tên CLB": "E", "Mã xã cũ (trước 1/7/2025)": 424242}),
    ]
    report = _validate(world.province, book("clubs", rows), "clubs")
    assert [(r, c) for r, c, _m in _messages(report)] == [
        (2, "D"),
        (3, "D"),
        (4, "D"),
        (5, "D"),
        (6, "E"),
    ]
    assert Club.objects.count() == 3


def test_it_resolves_or_asks_about_legacy_communes(world):
    from ishc.geo.models import Level, Scheme, Succession, Unit

    old_p = Unit.objects.create(
        scheme=Scheme.LEGACY,
        level=Level.PROVINCE,
        code=8,
        name="Tỉnh Tuyên Quang",
        division_type="",
        successor=world.P,
    )
    whole = Unit.objects.create(
        scheme=Scheme.LEGACY,
        level=Level.COMMUNE,
        code=2300,
        name="Xã Cũ Một",
        division_type="",
        province=old_p,
    )
    split = Unit.objects.create(
        scheme=Scheme.LEGACY,
        level=Level.COMMUNE,
        code=2301,
        name="Xã Cũ Hai",
        division_type="",
        province=old_p,
    )
    Succession.objects.create(
        old_level=Level.COMMUNE, old_code=2300, old_unit=whole, new_unit=world.c1
    )
    for c in (world.c1, world.c2):
        Succession.objects.create(
            old_level=Level.COMMUNE, old_code=2301, old_unit=split, new_unit=c, partly_merged=True
        )
    rows = [
        club_row(
            **{"Tên CLB": "Cũ một", "Xã/phường (2025)": None, "Mã xã cũ (trước 1/7/2025)": 2300}
        ),
        club_row(
            **{"Tên CLB": "Cũ hai", "Xã/phường (2025)": None, "Mã xã cũ (trước 1/7/2025)": 2301}
        ),
        club_row(
            **{
                "Tên CLB": "Cũ ba",
                "Xã/phường (2025)": "Xã Phú Linh (706)",
                "Mã xã cũ (trước 1/7/2025)": 2301,
            }
        ),
    ]
    report = importer.run("clubs", world.province, book("clubs", rows), commit=True)
    assert report.ok, report.errors
    assert [w.row for w in report.warnings] == [3]
    assert "to confirm" in report.warnings[0].message
    one, two, three = (Club.objects.get(name=n) for n in ("Cũ một", "Cũ hai", "Cũ ba"))
    assert (one.commune, one.registered_unit) == (world.c1, whole)
    assert (two.commune, two.province) == (None, world.P)
    assert three.commune == world.c2


def test_it_scopes_templates_and_imports(client, world):
    client.force_login(world.viewer)
    assert client.get(reverse("clubs:template", args=["members"])).status_code == 404
    assert client.get(reverse("clubs:import", args=["members"])).status_code == 404
    client.force_login(world.club)
    assert client.get(reverse("clubs:template", args=["clubs"])).status_code == 404
    assert client.get(reverse("clubs:template", args=["members"])).status_code == 200
    client.force_login(world.outsider)
    wb = load_workbook(io.BytesIO(client.get(reverse("clubs:template", args=["members"])).content))
    assert _list(wb, "Mã CLB") == [world.C.code]


def test_it_will_not_confirm_someone_elses_upload(client, world):
    client.force_login(world.commune)
    buffer = io.BytesIO(book("members", [member(world.A)]))
    buffer.name = "a.xlsx"
    token = client.post(reverse("clubs:import", args=["members"]), {"file": buffer}).context[
        "token"
    ]
    client.force_login(world.province)
    url = reverse("clubs:import_confirm", args=["members", token])
    assert client.post(url, {"confirm": "1"}).status_code == 404
    assert Member.objects.count() == 0


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_it_folds_exactly_like_the_core_fold(text):
    assert importer.fast_fold(text) == fold(text)


def test_it_folds_vietnamese_like_the_core_fold():
    for text in [
        "Nguyễn Thị Ánh  Tuyết",
        "ĐẶNG VĂN ĐỨC",
        "Nông Thị Hoà",
        "Hoà" + "\u0300",
        " Y Bh'Ơ  ",
    ]:
        assert importer.fast_fold(text) == fold(text)
    assert importer.fast_fold(unicodedata.normalize("NFD", "Bùi Thị Lụa")) == "bui thi lua"


def test_it_speaks_vietnamese_to_vietnamese_users(world):
    from django.utils import translation

    with translation.override("vi"):
        report = _validate(world.commune, book("members", [member(world.A, **{"Giới tính": "X"})]))
        assert str(report.errors[0]) == (
            "Thành viên, dòng 2, cột C (Giới tính): “X” không có trong danh sách (Nữ, Nam)."
        )
        report = _validate(world.commune, b"not a workbook")
        assert "không phải tệp Excel .xlsx" in report.errors[0].message


def test_it_points_at_the_formula_cell_after_an_empty_styled_cell(world):
    from openpyxl.styles import Font

    def formula(ws):
        ws["K2"].font = Font(bold=True)  # written as an empty, self-closing cell
        ws["L2"] = '="09" & "12"'

    report = _validate(world.commune, book("members", [member(world.A)], extra=formula))
    assert [(r, c) for r, c, _m in _messages(report)] == [(2, "L")]


def test_it_writes_one_audit_entry_per_club_in_queries_that_do_not_grow_with_clubs(world):
    """Each club's entry says who imported, from which file, and which members were created;
    the entries are written together, so a file spanning three clubs costs the same number of
    queries as a file for one."""
    one = importer.validate("members", world.central, book("members", [member(world.A, "An")]))
    rows = [member(club, f"Người {i}") for i, club in enumerate([world.A, world.B, world.C] * 3)]
    three = importer.validate("members", world.central, book("members", rows))
    assert one.ok and three.ok
    with CaptureQueriesContext(connection) as one_club:
        importer.commit_members(world.central, one, "mot.xlsx")
    with CaptureQueriesContext(connection) as three_clubs:
        importer.commit_members(world.central, three, "ba.xlsx")
    assert len(three_clubs.captured_queries) == len(one_club.captured_queries)
    for club in (world.A, world.B, world.C):
        entry = AuditEntry.objects.get(
            action="clubs.member.imported", club=club, data__file="ba.xlsx"
        )
        assert entry.user == world.central and entry.user_name == world.central.username
        assert sorted(entry.data["created"]) == sorted(
            Member.objects.filter(club=club, full_name__startswith="Người").values_list(
                "pk", flat=True
            )
        )
        assert entry.data["updated"] == []


@pytest.mark.parametrize("enabled", [True, False])
def test_it_leaves_the_cycle_collector_as_it_found_it(world, enabled):
    data = book("members", [member(world.A, "An"), member(world.A, "Bình", **{"Giới tính": "?"})])
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        importer.run("members", world.central, data, commit=True)
        assert gc.isenabled() is enabled
        importer.run("members", world.central, b"not a workbook", commit=True)
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


def test_it_parses_a_repeated_value_once_but_reports_every_bad_cell(world):
    """The per-column caches: the same text gives the same value on every row, and a bad value
    is reported on each row it appears in, whatever the type of the cell."""
    rows = [
        member(world.A, "An", **{"Ngày vào CLB": "15/03/2024", "Khuyết tật": 1.0}),
        member(world.A, "Bình", **{"Ngày vào CLB": "15/03/2024", "Khuyết tật": True}),
        member(world.A, "Cúc", **{"Ngày vào CLB": "31/02/2024"}),
        member(world.A, "Dũng", **{"Ngày vào CLB": "31/02/2024"}),
        member(world.A, "Đào", **{"Năm sinh": 1.0}),
        member(world.A, "Hằng", **{"Năm sinh": True}),
    ]
    report = _validate(world.central, book("members", rows))
    assert _messages(report) == [
        (4, "N", "31/02/2024 is not a real date."),
        (5, "N", "31/02/2024 is not a real date."),
        (6, "E", f"1 is out of range (1900–{datetime.date.today().year})."),
        (6, "E", "Give the date of birth or at least the birth year."),
        (7, "E", "Write a whole number."),
        (7, "E", "Give the date of birth or at least the birth year."),
    ]


def test_it_gives_imported_members_ids_that_later_members_follow(world):
    """The ids of a committed import (drawn from the sequence before COPY on PostgreSQL) name
    the right rows: each member has its own first period in its club, and a member added
    afterwards gets a larger id."""
    rows = [member(world.A, f"Nguyễn Thị Số {i}") for i in range(3)]
    rows.append(member(world.B, "Trần Văn Một"))
    report = importer.run("members", None, book("members", rows), commit=True)
    assert report.created == 4
    imported = list(Member.objects.order_by("pk"))
    assert [m.full_name for m in imported] == [r["Họ và tên"] for r in rows]
    for m in imported:
        [period] = Membership.objects.filter(member=m)
        assert period.club_id == m.club_id and period.joined_on == datetime.date(2024, 3, 15)
    later = Member.objects.create(
        club=world.A, full_name="Lê Thị Sau", sex="F", birth_year=1950, ethnicity=world.kinh
    )
    assert later.pk > imported[-1].pk
