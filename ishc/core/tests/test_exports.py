"""Every .xlsx export goes through ishc.core.xlsx: user text is never a formula, every sheet has
a title row naming the unit and period, real date cells shown dd/mm/yyyy, money as #,##0, a frozen
header and an A4 page fitted to the width (issue 12 finding 7, issue 15 finding 5)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ishc.board.models import Agency, Task
from ishc.clubs.models import Club, Member
from ishc.finance.models import FundKind
from ishc.finance.tests.conftest import active_loan, capital, make_member

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
