"""Schedules checked by hand, to the dong (see docs/finance.md for the rules)."""

import datetime

import pytest
from django.core.management import call_command

from ishc.finance.schedule import add_months, build_schedule, round_half_up

D = datetime.date


def rows(schedule):
    return [(r.no, r.due_date, r.principal, r.interest, r.balance) for r in schedule]


def test_it_rounds_half_up():
    from fractions import Fraction

    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(49, 10)) == 5
    assert round_half_up(Fraction(44, 10)) == 4
    assert round_half_up(Fraction(0)) == 0


def test_it_builds_a_flat_schedule():
    # 10,000,000 at 6 %/year: monthly interest 10,000,000 × 0.5 % = 50,000; principal
    # 10,000,000 // 12 = 833,333, the last month takes 10,000,000 − 11 × 833,333 = 833,337.
    s = build_schedule(10_000_000, "6", 12, "flat", D(2026, 1, 15))
    assert [r.interest for r in s] == [50_000] * 12
    assert [r.principal for r in s] == [833_333] * 11 + [833_337]
    assert s[0].due_date == D(2026, 2, 15) and s[-1].due_date == D(2027, 1, 15)
    assert s[-1].balance == 0 and s[0].balance == 9_166_667


def test_it_rounds_flat_interest_half_up():
    # 1,000,100 × 0.5 % = 5,000.5 → 5,001; principal 1,000,100 // 4 = 250,025 exactly.
    s = build_schedule(1_000_100, "6", 4, "flat", D(2026, 1, 1))
    assert rows(s)[0] == (1, D(2026, 2, 1), 250_025, 5_001, 750_075)
    assert sum(r.principal for r in s) == 1_000_100


def test_it_builds_a_declining_schedule():
    # 10,000,000 at 6 %/year over 12 months: annuity 10,000,000 × 0.005 / (1 − 1.005^−12)
    # = 860,664.21 → 860,664. Month 1: interest 50,000, principal 810,664, balance 9,189,336.
    # Month 2: interest 9,189,336 × 0.005 = 45,946.68 → 45,947, principal 814,717.
    s = build_schedule(10_000_000, "6", 12, "declining", D(2026, 1, 15))
    assert rows(s)[:2] == [
        (1, D(2026, 2, 15), 810_664, 50_000, 9_189_336),
        (2, D(2026, 3, 15), 814_717, 45_947, 8_374_619),
    ]
    assert all(r.total == 860_664 for r in s[:-1])
    # The last instalment takes whatever principal remains.
    assert sum(r.principal for r in s) == 10_000_000
    last = s[-1]
    assert last.balance == 0 and last.principal == s[-2].balance
    assert last.interest == round(s[-2].balance * 0.005)


def test_it_handles_a_zero_rate():
    # 1,000,000 over 3 months at 0 %: instalment 333,333.33 → 333,333; the last takes 333,334.
    s = build_schedule(1_000_000, "0", 3, "declining", D(2026, 1, 10))
    assert [(r.principal, r.interest) for r in s] == [(333_333, 0), (333_333, 0), (333_334, 0)]
    flat = build_schedule(1_000_000, "0", 3, "flat", D(2026, 1, 10))
    assert [(r.principal, r.interest) for r in flat] == [(333_333, 0), (333_333, 0), (333_334, 0)]
    io = build_schedule(1_000_000, 0, 3, "interest_only", D(2026, 1, 10))
    assert [(r.principal, r.interest) for r in io] == [(0, 0), (0, 0), (1_000_000, 0)]


def test_it_handles_a_one_month_term():
    # 3,000,000 at 12 %/year for one month: the annuity is P × (1 + r) = 3,030,000.
    for method in ("declining", "flat", "interest_only"):
        s = build_schedule(3_000_000, "12", 1, method, D(2026, 3, 31))
        assert rows(s) == [(1, D(2026, 4, 30), 3_000_000, 30_000, 0)]


def test_it_builds_an_interest_only_schedule():
    # 5,000,000 at 9 %/year: 0.75 % a month = 37,500; all principal in month 6.
    s = build_schedule(5_000_000, "9", 6, "interest_only", D(2026, 1, 5))
    assert [r.interest for r in s] == [37_500] * 6
    assert [r.principal for r in s] == [0] * 5 + [5_000_000]


def test_it_keeps_month_ends():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 31), 2) == D(2026, 3, 31)
    assert add_months(D(2027, 12, 31), 2) == D(2028, 2, 29)


def test_it_refuses_bad_terms():
    for args in [
        (0, "6", 12, "flat"),
        (-5, "6", 12, "flat"),
        (100, "6", 0, "flat"),
        (100, "6", 12, "balloon"),
        (100, "-1", 12, "flat"),
    ]:
        with pytest.raises(ValueError):
            build_schedule(*args, D(2026, 1, 1))


def test_it_prints_the_schedule_as_csv(capsys):
    call_command(
        "loan_schedule",
        "--principal",
        "1000000",
        "--annual-rate",
        "0",
        "--months",
        "3",
        "--method",
        "declining",
        "--start",
        "2026-01-10",
    )
    assert capsys.readouterr().out.splitlines() == [
        "no,due_date,principal,interest,total,balance",
        "1,2026-02-10,333333,0,333333,666667",
        "2,2026-03-10,333333,0,333333,333334",
        "3,2026-04-10,333334,0,333334,0",
    ]


def test_it_refuses_a_bad_schedule_request():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "loan_schedule",
            "--principal",
            "0",
            "--annual-rate",
            "6",
            "--months",
            "3",
            "--method",
            "flat",
            "--start",
            "2026-01-10",
        )
