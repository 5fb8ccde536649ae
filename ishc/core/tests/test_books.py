"""The printable books (issue 12 finding 8): each an A4 page from core/print.html with the club's
or unit's header, the period, page numbers, a signature block and no web control; scoped like the
screen pages. Chromium prints each to PDF in the last test."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from ishc.activities import services as activities
from ishc.activities.services import ReadingInput
from ishc.activities.tests.factories import member
from ishc.finance.models import Category, EntryKind, FundKind
from ishc.finance.services import record_entry
from ishc.finance.tests.conftest import active_loan, capital
from ishc.reports import services as reports

from .tools import need, pdf_pages

D = datetime.date
LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng"


@pytest.fixture
def books(world, monkeypatch):
    w = world
    people = [member(w.A, f"Thành viên số {i:02d}", joined=D(2021, 1, 1)) for i in range(44)]
    long = member(w.A, LONG_NAME, joined=D(2021, 1, 1))
    absent = people[1]
    meeting = activities.save_meeting(
        w.central,
        w.A,
        held_on=D(2025, 3, 10),
        topic="Phòng chống tăng huyết áp",
        decisions="Đo huyết áp hằng tháng",
        plan="Thăm hỏi hội viên ốm",
        attendee_ids=[people[0].pk, long.pk],
        readings=[ReadingInput(people[0].pk, 150, 95, None), ReadingInput(long.pk, 120, 80, None)],
    )
    capital(w.central, w.A, 50_000_000, on=D(2025, 1, 2))
    loan = active_loan(w.central, w.A, long, 3_000_000, D(2025, 2, 1))
    for day in range(1, 29):
        record_entry(
            w.central,
            w.A,
            fund_kind=FundKind.IGF,
            kind=EntryKind.INCOME,
            amount=100_000,
            date=D(2025, 3, day),
            category=Category.GOLDEN_HEART,
            counterpart=f"Nhà hảo tâm {day}",
            note="Ủng hộ quỹ Tấm lòng vàng",
        )
    volunteer = activities.add_home_care_volunteer(
        w.central, w.A, member=people[2], since=D(2025, 1, 1)
    )
    person = activities.add_cared_person(
        w.central, w.A, reason="bedridden", since=D(2025, 1, 1), member=people[3]
    )
    activities.record_visit(
        w.central, person, volunteer=volunteer, on=D(2025, 3, 12), services="Tắm gội, nấu cơm"
    )
    report = reports.create_report(w.central, w.A, D(2025, 3, 1))
    return {
        "w": w,
        "meeting": meeting,
        "loan": loan,
        "absent": absent,
        "long": long,
        "report": report,
    }


def _books(b):
    w = b["w"]
    return {
        "register": reverse("clubs:print_register", args=[w.A.pk]),
        "minutes": reverse("activities:print_minutes", args=[b["meeting"].pk]),
        "health": reverse("activities:print_health", args=[w.A.pk]) + "?year=2025",
        "golden_heart": reverse("finance:print_golden_heart", args=[w.A.pk]) + "?year=2025",
        "homecare": reverse("activities:print_homecare", args=[w.A.pk]) + "?month=2025-03",
        "loan_ledger": reverse("finance:print_loan_ledger", args=[w.A.pk]) + "?on=2025-06-30",
        "cash_book": reverse("finance:print_cash_book", args=[w.A.pk, FundKind.IGF, 2025, 3]),
        "monthly": reverse("reports:print_monthly", args=[b["report"].pk]),
        "quarterly": reverse("reports:print_period") + f"?unit={w.P.pk}&year=2025&quarter=1",
        "yearly": reverse("reports:print_period") + f"?unit={w.P.pk}&year=2025",
    }


BOOKS = [
    "register",
    "minutes",
    "health",
    "golden_heart",
    "homecare",
    "loan_ledger",
    "cash_book",
    "monthly",
    "quarterly",
    "yearly",
]
CONTROLS = re.compile(r"<(form|button|input|select|textarea|nav|script)\b", re.I)


@pytest.mark.parametrize("book", BOOKS)
def test_it_prints_each_book_on_a_page_without_web_controls(client, books, book):
    w = books["w"]
    client.force_login(w.province)
    response = client.get(_books(books)[book])
    assert response.status_code == 200
    page = response.content.decode()
    assert CONTROLS.findall(page) == []
    assert "core/print.css" in page
    assert "(Ký, ghi rõ họ tên)" in page
    assert w.A.name in page or w.P.name in page
    assert 'class="period"' in page


@pytest.mark.parametrize("book", BOOKS)
def test_it_scopes_each_book_like_the_screen_pages(client, books, book):
    url = _books(books)[book]
    w = books["w"]
    client.force_login(w.nobody)
    assert client.get(url).status_code == 403
    client.force_login(w.outsider)  # a commune officer of the other province
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_it_prints_the_whole_register_and_the_absentees(client, books):
    w = books["w"]
    client.force_login(w.commune)
    page = client.get(_books(books)["register"]).content.decode()
    assert page.count('<td class="name">') == 45  # every member, no pager
    minutes = client.get(_books(books)["minutes"]).content.decode()
    absent_part = minutes.split("Vắng mặt (43)")[1].split("Kết quả đo sức khỏe")[0]
    assert books["absent"].full_name in absent_part and LONG_NAME not in absent_part


def _html_for_chromium(html: str, folder: Path) -> Path:
    """The page as a file Chromium can open without a server: static links point at the files
    the static finders serve."""

    def local(match):
        found = finders.find(match.group(2))
        assert found, match.group(2)
        return f'{match.group(1)}="file://{found}"'

    path = folder / "book.html"
    path.write_text(re.sub(r'(href|src)="/static/([^"?]+)"', local, html), encoding="utf-8")
    return path


def _chromium_pdf(html: Path, pdf: Path) -> None:
    subprocess.run(
        [
            shutil.which("chromium"),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={pdf.parent / 'profile'}",
            # Chromium's own header and footer would add a page number of its own.
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )


def _page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout).groups()
    return float(w), float(h)


@pytest.mark.parametrize("book", BOOKS)
def test_chromium_prints_each_book_with_page_numbers(client, books, book, tmp_path):
    need("chromium", "pdftotext", "pdfinfo")
    client.force_login(books["w"].province)
    html = _html_for_chromium(client.get(_books(books)[book]).content.decode(), tmp_path)
    pdf = tmp_path / "book.pdf"
    _chromium_pdf(html, pdf)
    pages = pdf_pages(pdf)
    assert pages
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\b", text), (book, number)
    whole = "\n".join(pages)
    assert "(Ký, ghi rõ họ tên)" in whole
    for control in ("Bản in", "Excel", "Lọc", "Đăng xuất"):
        assert control not in whole, control
    width, height = _page_size(pdf)
    if book in ("register", "loan_ledger", "quarterly", "yearly"):
        assert width > height  # A4 landscape
    else:
        assert height > width
    if book == "register":
        assert len(pages) >= 2
    if book == "loan_ledger":
        # The borrower's name on one line.
        assert any(LONG_NAME in line for line in whole.splitlines())
    if book == "cash_book":
        assert len(pages) >= 2
        assert whole.count("Tồn cuối kỳ") == 1
