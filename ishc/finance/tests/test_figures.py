"""The figures API other apps build on: fixed query counts, sums by unit, PAR30, on-time rate."""

import datetime

import pytest
from django.db.models import Q

from ishc.clubs.models import Club
from ishc.finance import services
from ishc.finance.figures import fund_figures, loan_figures
from ishc.finance.models import Category, EntryKind, FundKind

from .conftest import active_loan, capital, make_member

D = datetime.date
ON = D(2025, 12, 31)


def _setup(fin):
    w = fin.w
    capital(w.central, w.A, 30_000_000)
    capital(w.central, w.A, 2_000_000, fund=FundKind.ACTIVITY)
    capital(w.central, w.B, 20_000_000)
    capital(w.central, w.C, 25_000_000, on=D(2026, 2, 1))  # after ON: no fund yet on ON
    # A: a 12-month 0 % flat loan of 1,200,000 from 1/1/2025 repaid on time for 3 months, then
    # nothing: by 31/12 the oldest unpaid instalment (1/5) is 244 days late.
    late = active_loan(w.central, w.A, fin.a1, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
    for month in (2, 3, 4):
        services.repay(w.central, late, amount=100_000, on=D(2025, month, 1))
    # A: a second loan, 6 months, 12 %/year flat, on time throughout: interest 20,000 a month.
    ok = active_loan(
        w.central, w.A, fin.a2, 2_000_000, D(2025, 6, 1), months=6, rate="12", method="flat"
    )
    for month in range(7, 13):
        services.repay(
            w.central, ok, amount=333_333 + 20_000 + (2 if month == 12 else 0), on=D(2025, month, 1)
        )
    # B: one loan, nothing repaid yet, first instalment not due by ON.
    active_loan(w.central, w.B, fin.b1, 5_000_000, D(2025, 12, 15))
    return late, ok


def test_it_sums_funds_by_club_commune_province_and_nation(fin):
    _setup(fin)
    w = fin.w
    by_club = {r["key"]: r for r in fund_figures(Club.objects.all(), ON, "club_id")}
    assert (
        by_club[w.A.pk]["igf_balance"] == 30_000_000 - 1_200_000 + 300_000 - 2_000_000 + 2_000_000
    )
    assert by_club[w.A.pk]["activity_balance"] == 2_000_000 + 6 * 20_000
    assert by_club[w.A.pk]["igf_capital_received"] == 30_000_000
    assert by_club[w.A.pk]["clubs_with_both_funds"] == 1
    assert by_club[w.B.pk]["clubs_with_both_funds"] == 0
    assert by_club[w.C.pk]["clubs_with_igf"] == 0 and by_club[w.C.pk]["igf_balance"] == 0
    by_province = {r["key"]: r for r in fund_figures(Club.objects.all(), ON, "club__province_id")}
    assert by_province[w.P.pk]["igf_capital_received"] == 50_000_000
    assert by_province[w.P.pk]["clubs"] == 2 and by_province[w.Q.pk]["clubs"] == 1
    nation = fund_figures(Q(), D(2026, 3, 1), None)
    assert len(nation) == 1 and nation[0]["key"] is None
    assert nation[0]["igf_capital_received"] == 75_000_000
    assert nation[0]["clubs_with_igf"] == 3
    by_commune = fund_figures(Q(province=w.P), ON, "club__commune_id")
    assert {r["key"] for r in by_commune} == {w.c1.pk, w.c2.pk}


def test_it_computes_loan_figures(fin):
    _setup(fin)
    w = fin.w
    rows = {r["key"]: r for r in loan_figures(Club.objects.all(), D(2025, 1, 1), ON, ON, "club_id")}
    a = rows[w.A.pk]
    assert a["loans_disbursed"] == 2 and a["amount_disbursed"] == 3_200_000
    assert a["principal_repaid"] == 300_000 + 2_000_000
    assert a["interest_received"] == 120_000
    assert a["outstanding_principal"] == 900_000
    assert a["par30_principal"] == 900_000
    assert a["borrowers"] == 2
    # The late loan had 12 instalments due in 2025 (3 on time); the other 6, all on time.
    assert a["instalments_due"] == 12 + 6 - 1  # the late loan's 12th falls on 1/1/2026
    assert a["instalments_paid_on_time"] == 3 + 6
    b = rows[w.B.pk]
    assert b["outstanding_principal"] == 5_000_000 and b["par30_principal"] == 0
    assert b["instalments_due"] == 0
    assert rows[w.C.pk]["loans_disbursed"] == 0
    nation = loan_figures(Q(), D(2025, 1, 1), ON, ON, None)[0]
    assert nation["outstanding_principal"] == 5_900_000 and nation["borrowers"] == 3


def test_it_keeps_a_repaid_loan_out_of_par(fin):
    late, _ok = _setup(fin)
    w = fin.w
    services.repay(w.central, late, amount=900_000, on=D(2026, 1, 2))
    row = loan_figures(Q(pk=w.A.pk), D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 31), None)[0]
    assert row["outstanding_principal"] == 0 and row["par30_principal"] == 0


def test_it_does_not_grow_queries_with_clubs(fin, django_assert_num_queries):
    _setup(fin)
    w = fin.w
    with django_assert_num_queries(2):
        fund_figures(Club.objects.all(), ON, "club__province_id")
    with django_assert_num_queries(5):
        loan_figures(Club.objects.all(), D(2025, 1, 1), ON, ON, "club_id")
    for i in range(5):
        club = Club.objects.create(
            name=f"X{i}",
            code=f"X{i}",
            commune=w.c1,
            province=w.P,
            cohort="1336",
            founded_on=D(2021, 1, 1),
        )
        member = make_member(club, f"Thành viên {i}", w.kinh)
        capital(w.central, club, 10_000_000)
        active_loan(w.central, club, member, 1_000_000, D(2025, 3, 1))
        services.record_entry(
            w.central,
            club,
            fund_kind=FundKind.ACTIVITY,
            kind=EntryKind.INCOME,
            amount=50_000,
            date=D(2025, 3, 5),
            category=Category.MEMBER_FEES,
        )
    with django_assert_num_queries(2):
        rows = fund_figures(Club.objects.all(), ON, "club_id")
    assert len(rows) == 8
    with django_assert_num_queries(5):
        rows = loan_figures(Club.objects.all(), D(2025, 1, 1), ON, ON, "club_id")
    assert sum(r["loans_disbursed"] for r in rows) == 8


def test_it_computes_only_the_loan_parts_asked_for(fin, django_assert_num_queries):
    """Borrowers and amounts need one aggregate over the months' sums and one over the
    disbursements, not the slow PAR30 and on-time parts; every part gives the same numbers alone
    as together."""
    w = fin.w
    capital(w.club, w.A, 20_000_000)
    capital(w.central, w.B, 20_000_000)
    active_loan(w.club, w.A, fin.a1, 5_000_000, datetime.date(2025, 1, 10))
    active_loan(w.central, w.B, fin.b1, 3_000_000, datetime.date(2025, 2, 10), method="flat")
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    clubs = Club.objects.all()
    whole = loan_figures(clubs, start, end, end, "club_id")
    assert sum(r["borrowers"] for r in whole) == 2
    assert sum(r["instalments_due"] for r in whole) > 0
    with django_assert_num_queries(3):
        flows = loan_figures(clubs, start, end, end, "club_id", parts=("flows",))
    assert "par30_principal" not in flows[0] and "instalments_due" not in flows[0]
    for part, fields in [
        ("flows", ["borrowers", "amount_disbursed", "outstanding_principal"]),
        ("par30", ["par30_principal"]),
        ("on_time", ["instalments_due", "instalments_paid_on_time"]),
    ]:
        alone = loan_figures(clubs, start, end, end, "club_id", parts=(part,))
        assert [{f: r[f] for f in fields} for r in alone] == [
            {f: r[f] for f in fields} for r in whole
        ]
    with pytest.raises(ValueError):
        loan_figures(clubs, start, end, end, None, parts=("everything",))
