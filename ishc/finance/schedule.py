"""Loan schedules: pure arithmetic, no database.

The app, the `loan_schedule` command and the tests all call `build_schedule`, so that what the
treasurer prints is exactly what the ledger expects. Arithmetic is exact (fractions), and every
figure is rounded half-up to the whole dong, as the issue prescribes:

- declining balance: the instalment is the annuity payment rounded; each month's interest is the
  outstanding principal × monthly rate rounded; principal = instalment − interest; the last
  instalment takes whatever principal remains;
- flat: interest each month is the loan amount × monthly rate rounded; principal is the loan
  amount ÷ months rounded down, the remainder going to the last instalment;
- interest only: the same monthly interest as flat, all principal in the last instalment.

The monthly rate is the annual rate ÷ 12.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

FLAT = "flat"
DECLINING = "declining"
INTEREST_ONLY = "interest_only"
METHODS = (FLAT, DECLINING, INTEREST_ONLY)


@dataclass(frozen=True)
class Instalment:
    no: int
    due_date: datetime.date
    principal: int
    interest: int
    balance: int  # principal still outstanding after this instalment

    @property
    def total(self) -> int:
        return self.principal + self.interest


def round_half_up(value: Fraction) -> int:
    """Whole dong, halves away from zero (all our amounts are non-negative)."""
    return int((value * 2 + 1) // 2)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st falls back to the month's last day (each date is
    computed from the start, so a 31 January loan is due 28/29 Feb, then 31 March)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def monthly_rate(annual_rate_percent: Decimal | int | str | Fraction) -> Fraction:
    """The monthly rate as a fraction (6 % a year → 0.005)."""
    return Fraction(Decimal(str(annual_rate_percent))) / 1200


def build_schedule(
    principal: int,
    annual_rate_percent: Decimal | int | str,
    months: int,
    method: str,
    start: datetime.date,
) -> list[Instalment]:
    """Monthly instalments of a loan disbursed on `start`; instalment i is due i months later."""
    if isinstance(principal, bool) or not isinstance(principal, int) or principal <= 0:
        raise ValueError("principal must be a positive whole number of dong")
    if not isinstance(months, int) or months < 1:
        raise ValueError("months must be at least 1")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    r = monthly_rate(annual_rate_percent)
    if r < 0:
        raise ValueError("the rate cannot be negative")

    rows: list[Instalment] = []
    balance = principal
    if method == DECLINING:
        if r == 0:
            payment = round_half_up(Fraction(principal, months))
        else:
            growth = (1 + r) ** months
            payment = round_half_up(principal * r * growth / (growth - 1))
        for no in range(1, months + 1):
            interest = round_half_up(balance * r)
            if no == months:
                part = balance
            else:
                # Capped at the balance: with tiny loans and a 0 % rate the rounded-up instalment
                # could otherwise repay more than is owed before the last month.
                part = min(payment - interest, balance)
            balance -= part
            rows.append(Instalment(no, add_months(start, no), part, interest, balance))
        return rows

    interest = round_half_up(principal * r)
    regular = principal // months if method == FLAT else 0
    for no in range(1, months + 1):
        part = regular if no < months else balance
        balance -= part
        rows.append(Instalment(no, add_months(start, no), part, interest, balance))
    return rows
