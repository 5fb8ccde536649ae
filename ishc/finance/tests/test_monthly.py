"""The months' sums (finance.ClubMonth): each entry adds itself to its month, the fund and loan
figures read them, and verify_figures finds and repairs a row that disagrees with the entries.

Every test that touches the database also ends with the check that the sums equal the entries
(the root conftest), and the hypothesis run in test_properties checks it after each operation.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command

from ishc.clubs.models import Club
from ishc.finance import figures, monthly, services
from ishc.finance.models import Category, ClubMonth, EntryKind, FundKind

from .conftest import active_loan, capital

D = datetime.date


def _rows(club):
    return {
        r.pop("month"): r
        for r in ClubMonth.objects.filter(club=club).values("month", *monthly.COLUMNS)
    }


def test_it_adds_each_entry_to_its_month(fin):
    w = fin.w
    capital(w.central, w.A, 10_000_000, on=D(2025, 1, 10))
    capital(w.central, w.A, 500_000, on=D(2025, 1, 20), fund=FundKind.ACTIVITY)
    loan = active_loan(w.central, w.A, fin.a1, 1_200_000, D(2025, 1, 25), rate="0", method="flat")
    services.repay(w.central, loan, amount=100_000, on=D(2025, 2, 25))
    fee = services.record_entry(
        w.central,
        w.A,
        fund_kind=FundKind.ACTIVITY,
        kind=EntryKind.INCOME,
        amount=40_000,
        date=D(2025, 2, 3),
        category=Category.MEMBER_FEES,
    )
    services.reverse_entry(w.central, fee, date=D(2025, 3, 1), reason="Ghi nhầm")

    rows = _rows(w.A)
    assert set(rows) == {D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)}
    january, february, march = rows[D(2025, 1, 1)], rows[D(2025, 2, 1)], rows[D(2025, 3, 1)]
    assert january["igf_entries"] == 2 and january["activity_entries"] == 1
    assert january["igf_amount"] == 10_000_000 - 1_200_000
    assert january["igf_capital"] == 10_000_000 and january["activity_capital"] == 500_000
    assert january["loans_disbursed"] == 1 and january["amount_disbursed"] == 1_200_000
    assert january["loan_principal"] == 1_200_000
    assert february["principal_repaid"] == 100_000 and february["loan_principal"] == -100_000
    assert february["activity_amount"] == 40_000
    # The reversal is an entry of its own month, with the opposite amount.
    assert march["activity_entries"] == 1 and march["activity_amount"] == -40_000
    assert not ClubMonth.objects.filter(club=w.B).exists()


def test_it_reads_the_same_figures_from_the_months_as_from_the_entries(fin, monkeypatch):
    """Both ways over the same records: the months' sums on whole months, and the entries
    (what the figures read on a day inside a past month)."""
    w = fin.w
    for club, amount in ((w.A, 30_000_000), (w.B, 20_000_000)):
        capital(w.central, club, amount)
    capital(w.central, w.A, 2_000_000, fund=FundKind.ACTIVITY)
    loan = active_loan(w.central, w.A, fin.a1, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
    for month in (2, 3, 4):
        services.repay(w.central, loan, amount=100_000, on=D(2025, month, 1))
    reversed_loan = active_loan(w.central, w.B, fin.b1, 3_000_000, D(2025, 5, 10))
    services.reverse_entry(
        w.central, reversed_loan.entries.get(), date=D(2025, 5, 11), reason="Ghi nhầm"
    )
    active_loan(w.central, w.B, fin.b1, 2_000_000, D(2025, 6, 1))

    clubs = Club.objects.all()
    asked = [
        (D(2025, 1, 1), D(2025, 12, 31), "club_id"),
        (D(2025, 4, 1), D(2025, 6, 30), "club__province_id"),
        (D(2024, 12, 1), D(2025, 12, 31), None),
    ]
    by_month = [
        (figures.fund_figures(clubs, end, by), loan_flows(clubs, start, end, by))
        for start, end, by in asked
    ]
    monkeypatch.setattr(monthly, "covers", lambda day, today: False)
    by_entry = [
        (figures.fund_figures(clubs, end, by), loan_flows(clubs, start, end, by))
        for start, end, by in asked
    ]
    assert by_month == by_entry
    # Not all zero: the comparison compares something.
    flows = by_month[0][1]
    assert sum(r["loans_disbursed"] for r in flows) == 2
    assert sum(r["borrowers"] for r in flows) == 2
    assert sum(r["outstanding_principal"] for r in flows) == 900_000 + 2_000_000


def loan_flows(clubs, start, end, by):
    return figures.loan_figures(clubs, start, end, end, by, parts=("flows",))


def test_it_knows_when_whole_months_answer():
    today = D(2026, 12, 3)
    assert monthly.covers(D(2025, 2, 28), today)
    assert monthly.covers(D(2024, 2, 29), today)
    assert monthly.covers(today, today) and monthly.covers(D(2026, 12, 31), today)
    assert not monthly.covers(D(2025, 2, 27), today)
    assert not monthly.covers(D(2026, 12, 2), today)


def test_it_finds_and_repairs_a_month_that_disagrees_with_the_entries(fin, capsys):
    w = fin.w
    capital(w.central, w.A, 10_000_000, on=D(2025, 1, 10))
    capital(w.central, w.B, 7_000_000, on=D(2025, 1, 10))
    call_command("verify_figures")
    assert "agree" in capsys.readouterr().out

    # A change written outside the services (a shell edit, a restore of an older table).
    ClubMonth.objects.filter(club=w.A).update(igf_amount=1)
    with pytest.raises(CommandError, match="1 differences"):
        call_command("verify_figures")
    out = capsys.readouterr().out
    assert f"club {w.A.pk} 01/2025 igf_amount: stored 1, entries 10000000" in out

    call_command("verify_figures", "--rebuild", "--club", str(w.A.pk))
    assert monthly.differences() == []
    assert _rows(w.A)[D(2025, 1, 1)]["igf_amount"] == 10_000_000
    assert _rows(w.B)[D(2025, 1, 1)]["igf_amount"] == 7_000_000
