"""Members keep their identity through every Excel round trip (issue 12, findings 1–3 and 6):
files are built from the template the user downloads, as a person fills it."""

import datetime
import io
import unicodedata

from django.urls import reverse
from openpyxl import load_workbook

from ishc.audit.models import AuditEntry
from ishc.clubs import importer
from ishc.clubs.models import Member
from ishc.clubs.services import add_member

from .xlsx import from_template, member

D = datetime.date


def _register(world, name, **fields):
    fields.setdefault("sex", "F")
    fields.setdefault("birth_year", 1957)
    return add_member(
        world.commune,
        world.A,
        full_name=name,
        ethnicity=world.kinh,
        joined_on=D(2020, 1, 1),
        **fields,
    )


def _errors(report):
    return [(p.row, p.message) for p in report.errors]


def test_it_never_renames_a_member_with_a_near_name(world):
    thao = _register(world, "Đặng Thị Thảo", birth_date=D(1957, 4, 5), phone="0912000111")
    data = from_template(
        world.commune, "members", [member(world.A, "Đặng Thị Thạo", **{"Năm sinh": 1957})]
    )

    preview = importer.validate("members", world.commune, data)
    assert preview.ok and preview.new_rows == 0 and preview.existing_rows == 0
    (near,) = preview.near
    assert near["row_number"] == 2 and [m["pk"] for m in near["near_members"]] == [thao.pk]

    # Confirmed without a choice: nothing is written, the row asks for one.
    report = importer.run("members", world.commune, data, commit=True)
    assert not report.committed
    assert _errors(report) == [
        (2, "Choose whether this row updates the member shown or adds a new member.")
    ]
    thao.refresh_from_db()
    assert (thao.full_name, thao.birth_date) == ("Đặng Thị Thảo", D(1957, 4, 5))

    # "A new member": Thảo stays as she was, Thạo is added.
    report = importer.run("members", world.commune, data, commit=True, decisions={2: "new"})
    assert report.committed and (report.created, report.updated) == (1, 0)
    thao.refresh_from_db()
    assert (thao.full_name, thao.birth_date, thao.phone) == (
        "Đặng Thị Thảo",
        D(1957, 4, 5),
        "0912000111",
    )
    assert Member.objects.filter(full_name="Đặng Thị Thạo").count() == 1


def test_it_updates_a_near_name_only_when_the_person_chooses_it(world):
    thao = _register(world, "Đặng Thị Thảo", birth_date=D(1957, 4, 5))
    data = from_template(
        world.commune, "members", [member(world.A, "Đặng Thị Thạo", **{"Năm sinh": 1957})]
    )
    report = importer.run("members", world.commune, data, commit=True, decisions={2: str(thao.pk)})
    assert (report.created, report.updated) == (0, 1)
    thao.refresh_from_db()
    # Renamed as chosen; the date of birth, blank in the row, is kept.
    assert (thao.full_name, thao.birth_date) == ("Đặng Thị Thạo", D(1957, 4, 5))


def test_it_takes_two_people_whose_names_differ_only_by_diacritics(world):
    rows = [
        member(world.A, "Bùi Đình Hùng", **{"Năm sinh": 1947, "Giới tính": "Nam"}),
        member(world.A, "Bùi Đình Hưng", **{"Năm sinh": 1947, "Giới tính": "Nam"}),
    ]
    report = importer.run(
        "members", world.commune, from_template(world.commune, "members", rows), commit=True
    )
    assert report.ok, report.errors
    assert report.created == 2
    assert sorted(Member.objects.values_list("full_name", flat=True)) == [
        "Bùi Đình Hùng",
        "Bùi Đình Hưng",
    ]
    # A warning leaves the two rows side by side for a second look, nothing more.
    assert {w.row for w in report.warnings} == {2, 3}


def test_it_offers_the_same_name_with_another_birth_year_as_a_possible_same_person(world):
    hung = _register(world, "Bùi Đình Hùng", birth_year=1947, sex="M")
    data = from_template(
        world.commune, "members", [member(world.A, "Bùi Đình Hùng", **{"Năm sinh": 1948})]
    )
    report = importer.validate("members", world.commune, data)
    assert [m["pk"] for m in report.near[0]["near_members"]] == [hung.pk]


def test_it_keeps_what_a_blank_cell_does_not_say_and_clears_with_the_mark(world):
    hoa = _register(world, "Nguyễn Thị Hoa", birth_date=D(1950, 1, 2), phone="0912345678")
    row = member(world.A, "Nguyễn Thị Hoa", **{"Năm sinh": 1950, "Hoàn cảnh gia đình": "Nghèo"})
    report = importer.run(
        "members", world.commune, from_template(world.commune, "members", [row]), commit=True
    )
    assert (report.created, report.updated) == (0, 1), report.errors
    hoa.refresh_from_db()
    assert (hoa.birth_date, hoa.phone, hoa.household) == (D(1950, 1, 2), "0912345678", "poor")

    row = member(
        world.A, "Nguyễn Thị Hoa", **{"Năm sinh": 1950, "Điện thoại": "XOÁ", "Ngày sinh": "xoa"}
    )
    report = importer.run(
        "members", world.commune, from_template(world.commune, "members", [row]), commit=True
    )
    assert report.updated == 1, report.errors
    hoa.refresh_from_db()
    assert (hoa.birth_date, hoa.birth_year, hoa.phone) == (None, 1950, "")

    help_lines = load_workbook(io.BytesIO(from_template(world.commune, "members", [])))["Hướng dẫn"]
    assert any("XOÁ" in (c.value or "") for c in help_lines["A"])


def test_it_refuses_a_year_that_contradicts_the_stored_date_of_birth(world):
    _register(world, "Nguyễn Thị Hoa", birth_date=D(1950, 1, 2))
    row = member(world.A, "Nguyễn Thị Hoa", **{"Năm sinh": 1951})
    report = importer.validate(
        "members", world.commune, from_template(world.commune, "members", [row])
    )
    # Not the same birth: a possible same person, never a silent change of the date.
    assert report.ok and report.near


def test_it_reimports_its_own_export_in_place(client, world):
    rows = [
        member(
            world.A,
            "Nguyễn Thị Hoa",
            **{"Ngày sinh": D(1950, 1, 2), "Năm sinh": None, "Điện thoại": "0912345678"},
        ),
        member(world.A, "Trần Văn Sơn", **{"Giới tính": "Nam", "Năm sinh": 1990, "Tổ": "Tổ 1"}),
    ]
    report = importer.run(
        "members", world.commune, from_template(world.commune, "members", rows), commit=True
    )
    assert report.created == 2
    codes = dict(Member.objects.values_list("full_name", "code"))
    client.force_login(world.commune)
    response = client.get(reverse("clubs:members"), {"club": world.A.pk, "format": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Thành viên"]
    headers = [c.value for c in ws[1]]
    assert "Ngày vào CLB" in headers and "Mã thành viên" in headers
    extra = [h for h in headers if h not in {c.header for c in importer.MEMBER_COLUMNS}]
    assert len(extra) == 3 and all(h.endswith("(chỉ đọc)") for h in extra)
    by_name = {r[headers.index("Họ và tên")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert by_name["Nguyễn Thị Hoa"][headers.index("Mã thành viên")] == codes["Nguyễn Thị Hoa"]
    assert by_name["Nguyễn Thị Hoa"][headers.index("Điện thoại")] == "0912345678"

    def save(book):
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    # Unchanged: nothing to write, nothing duplicated.
    again = importer.run("members", world.commune, save(wb), commit=True)
    assert again.ok, again.errors
    assert (again.created, again.updated) == (0, 0)

    # A corrected name with the code updates the same person.
    for cells in ws.iter_rows(min_row=2):
        if cells[headers.index("Họ và tên")].value == "Trần Văn Sơn":
            cells[headers.index("Họ và tên")].value = "Trần Văn Sớn"
    fixed = importer.run("members", world.commune, save(wb), commit=True)
    assert (fixed.created, fixed.updated) == (0, 1), fixed.errors
    assert Member.objects.count() == 2
    assert Member.objects.get(code=codes["Trần Văn Sơn"]).full_name == "Trần Văn Sớn"
    twice = importer.run("members", world.commune, save(wb), commit=True)
    assert (twice.created, twice.updated) == (0, 0)


def test_it_refuses_a_code_of_another_club_or_unknown(world):
    other = add_member(
        world.province,
        world.B,
        full_name="Lò Văn Ba",
        sex="M",
        birth_year=1950,
        ethnicity=world.kinh,
        joined_on=D(2020, 1, 1),
    )
    rows = [
        member(world.A, "Lò Văn Ba", **{"Mã thành viên": other.code}),
        member(world.A, "Ai Đó", **{"Mã thành viên": "TV22222222"}),
    ]
    report = importer.validate(
        "members", world.province, from_template(world.province, "members", rows)
    )
    assert [(r, m.split(".")[0]) for r, m in _errors(report)] == [
        (2, f"Member {other.code} belongs to club {world.B.code}"),
        (3, "No member with code TV22222222 in your area"),
    ]


def test_it_stores_names_in_nfc_with_single_spaces(world):
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị   Hoa ")
    report = importer.run(
        "members",
        world.commune,
        from_template(world.commune, "members", [member(world.A, nfd)]),
        commit=True,
    )
    assert report.created == 1
    assert Member.objects.get().full_name == "Nguyễn Thị Hoa"
    assert unicodedata.is_normalized("NFC", Member.objects.get().full_name)


def test_it_keeps_the_leading_zero_of_a_phone_typed_as_a_number(world):
    data = from_template(
        world.commune, "members", [member(world.A, "Bà Hai", **{"Điện thoại": 912345678})]
    )
    importer.run("members", world.commune, data, commit=True)
    assert Member.objects.get().phone == "0912345678"
    wb = load_workbook(io.BytesIO(from_template(world.commune, "members", [])))
    ws = wb["Thành viên"]
    phone = [c.value for c in ws[1]].index("Điện thoại") + 1
    assert ws.cell(2, phone).number_format == "@"


def test_it_refuses_a_hidden_sheet_with_data(world):
    def hide(wb):
        ws = wb.create_sheet("Cũ")
        ws.append(["Mã CLB", "Họ và tên"])
        ws.append([world.A.code, "Người bị ẩn"])
        ws.sheet_state = "hidden"

    data = from_template(world.commune, "members", [member(world.A)], extra=hide)
    report = importer.validate("members", world.commune, data)
    assert not report.ok
    assert "“Cũ” is hidden" in report.errors[0].message


def test_it_counts_only_rows_with_values_against_the_limit(world, settings):
    settings.ISHC = {**settings.ISHC, "IMPORT_MAX_ROWS": 100}

    def format_down(wb):
        ws = wb["Thành viên"]
        for row in range(2, 25_001):
            ws.cell(row, 1).number_format = "@"

    data = from_template(
        world.commune, "members", [member(world.A), member(world.A, "Bà Hai")], extra=format_down
    )
    report = importer.validate("members", world.commune, data)
    assert report.ok, report.errors
    assert report.new_rows == 2


def test_it_keeps_before_and_after_in_the_audit_entry_of_an_update(world):
    hoa = _register(world, "Nguyễn Thị Hoa", birth_year=1950, phone="0912345678")
    row = member(world.A, "Nguyễn Thị Hoa", **{"Năm sinh": 1950, "Điện thoại": "0987654321"})
    importer.run(
        "members",
        world.commune,
        from_template(world.commune, "members", [row]),
        commit=True,
        filename="x.xlsx",
    )
    audit = AuditEntry.objects.get(action="clubs.member.imported")
    assert audit.data["updated"] == [hoa.pk]
    assert audit.data["before_after"] == {hoa.code: {"phone": ["0912345678", "0987654321"]}}


def _upload(client, data, kind="members"):
    buffer = io.BytesIO(data)
    buffer.name = "danh-sach.xlsx"
    return client.post(reverse("clubs:import", args=[kind]), {"file": buffer})


def test_it_shows_both_versions_and_imports_only_what_the_person_chose(client, world):
    thao = _register(world, "Đặng Thị Thảo", birth_date=D(1957, 4, 5))
    client.force_login(world.commune)
    data = from_template(
        world.commune,
        "members",
        [member(world.A, "Đặng Thị Thạo", **{"Năm sinh": 1957}), member(world.A, "Lò Thị Én")],
    )
    response = _upload(client, data)
    page = response.content.decode()
    assert "Đặng Thị Thạo" in page and "Đặng Thị Thảo" in page and thao.code in page
    assert f'name="near-2" id="near-2-{thao.pk}" value="{thao.pk}"' in page
    assert 'value="new"' in page
    url = reverse("clubs:import_confirm", args=["members", response.context["token"]])

    refused = client.post(url, {"confirm": "1"})
    assert refused.status_code == 200 and refused.context["report"].errors
    assert Member.objects.count() == 1  # nothing half-saved

    done = client.post(url, {"confirm": "1", "near-2": "new"})
    assert done.status_code == 302
    assert sorted(Member.objects.values_list("full_name", flat=True)) == [
        "Lò Thị Én",
        "Đặng Thị Thạo",
        "Đặng Thị Thảo",
    ]
    # Sent twice (a double tap): imported once.
    again = client.post(url, {"confirm": "1", "near-2": "new"})
    assert again.status_code == 404
    assert Member.objects.count() == 3
