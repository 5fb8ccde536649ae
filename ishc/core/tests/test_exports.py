"""Every .xlsx export goes through ishc.core.xlsx: user text is never a formula, every sheet has
a title row naming the unit and period, real date cells shown dd/mm/yyyy, money as #,##0, a frozen
header and an A4 page fitted to the width (issue 12 finding 7, issue 15 finding 5)."""

import datetime
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ishc.board.models import Agency, Task
from ishc.clubs.models import Club, Member
from ishc.finance.models import FundKind
from ishc.finance.tests.conftest import active_loan, capital, make_member

from .tools import need, pdf_pages

D = datetime.date
HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "=1+1"


@pytest.fixture
def hostile(world):
    """Names and notes typed by people, each one a formula if a writer lets it through."""
    w = world
    Club.objects.filter(pk=w.A.pk).update(name=SUM, village="@SUM(1)")
    w.A.refresh_from_db()
    member = make_member(w.A, "Nguyễn Thị Hoa", w.kinh)
    Member.objects.filter(pk=member.pk).update(full_name=HYPERLINK, phone="+84912")
    member.refresh_from_db()
    capital(w.central, w.A, 5_000_000, on=D(2025, 1, 2))
    loan = active_loan(w.central, w.A, member, 1_000_000, D(2025, 1, 10))
    agency = Agency.objects.create(name="-Bộ Y tế", kind="ministry")
    Task.objects.create(
        year=timezone.localdate().year,
        title=SUM,
        group="training",
        responsible=agency,
        deadline=timezone.localdate(),
    )
    return {"w": w, "member": member, "loan": loan}


def _book(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def _formulas(book) -> list[str]:
    return [
        f"{ws.title}!{cell.coordinate}={cell.value}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _texts(book) -> set[str]:
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}


def _exports(w, member, loan):
    year = timezone.localdate().year
    return {
        "members": reverse("clubs:members") + "?format=xlsx",
        "clubs": reverse("clubs:list") + "?format=xlsx",
        "cash_book": reverse("finance:cash_book", args=[w.A.pk, FundKind.IGF, 2025, 1])
        + "?format=xlsx",
        "loan_card": reverse("finance:loan", args=[loan.pk]) + "?format=xlsx",
        "workplan": reverse("board:export") + f"?year={year}",
        "late_clubs": reverse("reports:late") + "?month=2025-01&format=xlsx",
    }


@pytest.mark.parametrize(
    "export", ["members", "clubs", "cash_book", "loan_card", "workplan", "late_clubs"]
)
def test_it_writes_user_text_as_text_never_as_a_formula(client, hostile, export):
    w = hostile["w"]
    client.force_login(w.central)
    book = _book(client.get(_exports(w, hostile["member"], hostile["loan"])[export]))
    assert _formulas(book) == []
    expected = {"workplan": SUM, "clubs": SUM, "late_clubs": SUM}.get(export, HYPERLINK)
    assert any(expected in str(text) for text in _texts(book))
    # The text is kept exactly (a re-import finds the same name), marked as typed text.
    looks_like_formula = [
        c
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]
    assert looks_like_formula
    assert all(c.data_type == "s" and c.quotePrefix for c in looks_like_formula)


def _all_exports(w, member, loan):
    """Every export of the application, as a person downloads it."""
    return {
        **_exports(w, member, loan),
        "loan_ledger": reverse("finance:loan_ledger", args=[w.A.pk]) + "?on=2025-03-01&format=xlsx",
        "member_loans": reverse("finance:member_loans", args=[member.pk]) + "?format=xlsx",
        "arrears": reverse("finance:arrears") + "?on=2025-09-01&format=xlsx",
        "period": reverse("reports:period") + f"?unit={w.P.pk}&year=2025&quarter=1&format=xlsx",
        "dashboard": reverse("indicators:nation_export"),
        "targets_template": reverse("indicators:target_template"),
    }


# Words of the English originals that once leaked into Vietnamese files.
ENGLISH = ["data on", "exported at", "(numerator)", "(denominator)", "Page ", "Filters"]


def test_it_gives_every_export_the_house_style(client, hostile):
    w = hostile["w"]
    client.force_login(w.central)
    for name, url in _all_exports(w, hostile["member"], hostile["loan"]).items():
        response = client.get(url)
        disposition = response["Content-Disposition"]
        # Vietnamese words without diacritics, safe on every phone.
        assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.xlsx"', disposition), disposition
        book = _book(response)
        for ws in book.worksheets:
            texts = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
            texts += ws.oddFooter.center.text or ""
            assert not [e for e in ENGLISH if e.lower() in texts.lower()], (name, ws.title)
            assert ws.page_setup.paperSize == 9, (name, ws.title)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
            assert "Trang &P / &N" == ws.oddFooter.center.text
            header_row = int(ws.freeze_panes[1:]) - 1
            assert ws.print_title_rows == f"${header_row}:${header_row}"
            if header_row == 3:
                # Title row, then the unit, the period and the time of export.
                assert ws["A1"].font.b and "Xuất lúc" in ws["A2"].value, (name, ws.title)
            else:
                assert "Xuất lúc" in ws.oddHeader.center.text
            for row in ws.iter_rows(min_row=header_row + 1):
                for cell in row:
                    if isinstance(cell.value, datetime.datetime):
                        assert cell.number_format == "dd/mm/yyyy", (name, cell.coordinate)
            widths = [ws.column_dimensions[c].width for c in "ABC"]
            assert all(width and width >= 6 for width in widths), (name, ws.title)


def test_it_writes_money_with_thousands_and_dates_as_dates(client, hostile):
    w = hostile["w"]
    client.force_login(w.central)
    url = reverse("finance:cash_book", args=[w.A.pk, FundKind.IGF, 2025, 1]) + "?format=xlsx"
    ws = _book(client.get(url)).active
    assert ws["A1"].value.startswith("Sổ quỹ")
    assert ws["A2"].value.startswith(f"{SUM} · từ 01/01/2025 đến 31/01/2025 · Xuất lúc ")
    assert [c.value for c in ws[3]][:3] == ["Ngày", "Chứng từ", "Loại"]
    capital = ws[5]
    assert capital[0].value == datetime.datetime(2025, 1, 2)
    assert capital[0].number_format == "dd/mm/yyyy"
    assert capital[5].value == 5_000_000 and capital[5].number_format == "#,##0"


# LibreOffice says this on every start when no Java is installed; it is not about the file.
HARMLESS = ("failed to launch javaldx",)


def test_it_opens_every_export_in_libreoffice(client, hostile, tmp_path):
    need("soffice", "pdftotext")
    w = hostile["w"]
    client.force_login(w.central)
    names = []
    for name, url in _all_exports(w, hostile["member"], hostile["loan"]).items():
        (tmp_path / f"{name}.xlsx").write_bytes(client.get(url).content)
        names.append(name)
    out = tmp_path / "pdf"
    # A profile of its own, so that parallel runs (and a LibreOffice a person has open) do not
    # share one.
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *[str(tmp_path / f"{n}.xlsx") for n in names],
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    said = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and not line.startswith("convert ") and not any(h in line for h in HARMLESS)
    ]
    assert said == []
    for name in names:
        pages = pdf_pages(out / f"{name}.pdf")
        assert pages and pages[0].strip(), name
    # The cash book fits the width of A4: its last column prints beside the others.
    cash = pdf_pages(out / "cash_book.pdf")
    assert len(cash) == 1 and "Ghi chú" in cash[0] and "Trang 1 / 1" in cash[0]
