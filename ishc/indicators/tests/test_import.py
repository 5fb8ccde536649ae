"""The targets import goes through the one importer of ishc.clubs: the template written by
ishc.core.xlsx, the same file checks and messages (sheet, row, column, in Vietnamese), every row
checked before anything is written, and a checked upload confirmed once."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ishc.audit.models import AuditEntry
from ishc.clubs.models import PendingImport
from ishc.clubs.tests.xlsx import fill_template
from ishc.indicators import imports
from ishc.indicators.models import Target


@pytest.fixture(autouse=True)
def _vietnamese():
    """Messages are read as the people importing read them."""
    with translation.override("vi"):
        yield


def filled(rows: list[dict], *, extra=None) -> io.BytesIO:
    """The template as handed out, filled in under its own headers; `extra(wb)` may alter it."""
    content = fill_template(imports.template(), imports.SHEET, rows, extra=extra, example_row=True)
    buffer = io.BytesIO(content)
    buffer.name = "chi-tieu.xlsx"
    return buffer


def target(**cells) -> dict:
    row = {
        "Mã chương trình": "1648",
        "Giai đoạn": "2025–2030",
        "Mã chỉ tiêu": "clubs_new",
        "Mã tỉnh": "8",
        "So sánh": "tối thiểu",
        "Giá trị": 100,
    }
    row.update(cells)
    return row


def upload(client, buffer):
    return client.post(reverse("indicators:target_import"), {"file": buffer})


def confirm(client, token, **data):
    url = reverse("indicators:target_import_confirm", args=[token])
    return client.post(url, data or {"confirm": "1"})


def problems(response) -> list[str]:
    return [str(p) for p in response.context["report"].errors]


def saved() -> int:
    return Target.objects.filter(unit__isnull=False).count()


def test_it_imports_a_file_built_from_the_template_after_confirmation(client, world):
    client.force_login(world.province)
    rows = [
        target(),
        target(
            **{
                "Giai đoạn": None,
                "Năm": 2027,
                "Mã chỉ tiêu": "members_women",
                "Mã tỉnh": None,
                "Mã xã": "700",
                "So sánh": "khoảng",
                "Giá trị": "60,5",
                "Giá trị trên": 70,
                "Ghi chú": "xã",
            }
        ),
    ]
    response = upload(client, filled(rows))
    report = response.context["report"]
    assert report.ok and len(report.rows) == 2
    assert saved() == 0  # checked, not written: the person confirms first
    assert confirm(client, response.context["token"]).status_code == 302
    assert Target.objects.get(unit=world.P).comparison == "at_least"
    band = Target.objects.get(unit=world.c1)
    assert (band.year, band.comparison, str(band.value), band.value_high) == (
        2027,
        "band",
        "60.50",
        70,
    )
    assert band.note == "xã"
    entries = AuditEntry.objects.filter(action="indicators.target.imported")
    assert entries.count() == 2
    assert entries.filter(unit=world.c1).get().data["file"] == "chi-tieu.xlsx"


def test_it_imports_a_confirmed_upload_once(client, world):
    client.force_login(world.province)
    token = upload(client, filled([target()])).context["token"]
    assert confirm(client, token).status_code == 302
    again = confirm(client, token)
    assert again.status_code in (302, 404)
    assert saved() == 1


def test_it_saves_nothing_when_cancelled(client, world):
    client.force_login(world.province)
    token = upload(client, filled([target()])).context["token"]
    assert confirm(client, token, cancel="1").status_code == 302
    assert saved() == 0 and not PendingImport.objects.exists()


def test_it_refuses_a_wrong_header_with_its_column(client, world):
    client.force_login(world.province)

    def misspell(wb):
        wb[imports.SHEET]["H1"] = "Gia tri muc tieu"

    response = upload(client, filled([target()], extra=misspell))
    assert problems(response) == [
        "Chỉ tiêu, dòng 1, cột H: Cột “Gia tri muc tieu” không có trong mẫu. Giữ nguyên tiêu đề "
        "cột của tệp mẫu.",
        "Chỉ tiêu, dòng 1: Thiếu cột “Giá trị”. Hãy dùng tệp mẫu.",
    ]
    assert response.context["token"] == "" and saved() == 0


def test_it_names_row_and_column_of_a_bad_number_and_an_unknown_unit(client, world):
    client.force_login(world.province)
    rows = [
        target(),
        target(**{"Giá trị": "nhiều"}),
        target(**{"Mã tỉnh": str(world.Q.code)}),  # not her province
        target(**{"Mã tỉnh": None, "Mã xã": "99999"}),
    ]
    response = upload(client, filled(rows))
    assert problems(response) == [
        "Chỉ tiêu, dòng 3, cột H (Giá trị): “nhiều” không phải là số.",
        f"Chỉ tiêu, dòng 4, cột E (Mã tỉnh): Không có tỉnh (2025) mã {world.Q.code} trong "
        "phạm vi của bạn.",
        "Chỉ tiêu, dòng 5, cột F (Mã xã): Không có xã (2025) mã 99999 trong phạm vi của bạn.",
    ]
    assert response.context["token"] == "" and saved() == 0


def test_it_refuses_a_file_with_a_hidden_sheet_holding_data(client, world):
    client.force_login(world.province)

    def hide(wb):
        ws = wb.create_sheet("Cũ")
        ws["A1"] = "1648"
        ws.sheet_state = "hidden"

    response = upload(client, filled([target()], extra=hide))
    [message] = problems(response)
    assert message.startswith("Tệp: Trang “Cũ” đang bị ẩn và có dữ liệu.")
    assert saved() == 0


def test_it_counts_only_rows_holding_a_value_against_the_limit(client, world, settings):
    settings.ISHC = {**settings.ISHC, "IMPORT_MAX_ROWS": 3}
    client.force_login(world.province)

    def format_down(wb):
        # A column formatted down to row 40 writes 40 rows, empty but styled.
        for row in range(2, 41):
            wb[imports.SHEET].cell(row, 10).number_format = "@"

    response = upload(client, filled([target()] * 3, extra=format_down))
    assert response.context["report"].ok
    response = upload(client, filled([target()] * 4))
    [message] = problems(response)
    assert "hơn 3 dòng" in message


def test_it_hands_out_the_template_through_the_one_writer_in_vietnamese(client, world):
    with translation.override("en"):
        wb = load_workbook(io.BytesIO(imports.template()))
    assert wb.sheetnames == ["Chỉ tiêu", "Danh mục chỉ tiêu", "Hướng dẫn"]
    names = {r[0]: r[1] for r in wb["Danh mục chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    with translation.override("vi"):
        from ishc.indicators import catalogue

        assert names["clubs_new"] == str(catalogue.get("clubs_new").name)
    assert names["clubs_new"] != "New clubs"
    # The writer's house style: the header row frozen and printed on every page.
    ws = wb["Chỉ tiêu"]
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    help_text = " ".join(str(r[0]) for r in wb["Hướng dẫn"].iter_rows(values_only=True) if r[0])
    assert "Giá trị trên" in help_text and "trang bị ẩn" in help_text


def test_it_imports_targets_from_the_command_line_with_the_same_checks(world, tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(filled([target(**{"Giá trị": "nhiều"})]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_xlsx", "targets", str(bad), "--user", world.province.username)
    assert saved() == 0
    good = tmp_path / "chi-tieu.xlsx"
    good.write_bytes(filled([target()]).getvalue())
    call_command("import_xlsx", "targets", str(good), "--user", world.province.username)
    assert Target.objects.get(unit=world.P).value == 100
