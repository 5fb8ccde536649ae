"""Two treasurers pressing "save" at the same moment, with real threads and real connections.

SQLite serialises every writer (IMMEDIATE transactions), so the race cannot even be attempted
there; PostgreSQL runs the transactions side by side and only the row locks keep the books right.
"""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ishc.finance import ledger, monthly, services
from ishc.finance.models import Entry, EntryKind, Fund, Loan, LoanStatus

from .conftest import active_loan, capital

D = datetime.date

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test",
    ),
]


def _race(*calls):
    """Run each call in its own thread and connection, released together; return the results
    (the value, or the exception raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # a deadlock or an integrity error is a result too
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _approved(fin, member, amount):
    w = fin.w
    loan = services.apply_loan(
        w.club,
        w.A,
        member=member,
        amount=amount,
        purpose="Nuôi gà",
        applied_on=D(2025, 1, 2),
        months=6,
        annual_rate=6,
        method="flat",
    )
    services.approve_loan(w.club, loan, on=D(2025, 1, 2), meeting="Họp")
    return loan


def test_it_never_overdraws_with_simultaneous_disbursements(fin):
    w = fin.w
    capital(w.club, w.A, 10_000_000)
    first, second = _approved(fin, fin.a1, 6_000_000), _approved(fin, fin.a2, 6_000_000)
    for _round in range(3):
        results = _race(
            lambda: services.disburse(w.club, first, on=D(2025, 1, 3)),
            lambda: services.disburse(w.club, second, on=D(2025, 1, 3)),
        )
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 1, results
        assert ledger.balance(Fund.objects.get(club=w.A, kind="igf")) == 4_000_000
        assert Loan.objects.filter(status=LoanStatus.ACTIVE).count() == 1
        # Undo the winner (its disbursement reversed) and race again.
        winner = Loan.objects.get(status=LoanStatus.ACTIVE)
        entry = Entry.objects.get(
            loan=winner, kind=EntryKind.DISBURSEMENT, reverses=None, reversed_by=None
        )
        services.reverse_entry(w.club, entry, date=D(2025, 1, 3), reason="Thử lại")


def test_it_never_double_posts_a_repayment(fin):
    w = fin.w
    capital(w.club, w.A, 10_000_000)
    loan = active_loan(w.club, w.A, fin.a1, 1_000_000, D(2025, 1, 2), months=1, rate="0")
    results = _race(
        lambda: services.repay(w.club, loan, amount=1_000_000, on=D(2025, 2, 2)),
        lambda: services.repay(w.club, loan, amount=1_000_000, on=D(2025, 2, 2)),
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Entry.objects.filter(loan=loan, kind=EntryKind.PRINCIPAL).count() == 1
    assert ledger.loan_state(loan, D(2025, 2, 2)).outstanding == 0


def test_it_never_deadlocks_transfers_against_repayments(fin):
    """Issue 15: 10 transfers and 10 repayments at once used to end in "deadlock detected"
    (a transfer locked the loan fund then the activity fund, a repayment the other way round)."""
    w = fin.w
    capital(w.club, w.A, 50_000_000)
    capital(w.club, w.A, 50_000_000, fund="activity")
    loans = [
        active_loan(w.club, w.A, m, 1_200_000, D(2025, 1, 2), rate="12", method="flat")
        for m in (fin.a1, fin.a2)
    ]
    calls = []
    for i in range(10):
        calls.append(
            lambda i=i: services.transfer(
                w.club,
                w.A,
                from_fund="igf" if i % 2 else "activity",
                amount=1_000,
                date=D(2025, 2, 2),
            )
        )
        calls.append(
            lambda i=i: services.repay(w.club, loans[i % 2], amount=10_000, on=D(2025, 2, 2))
        )
    results = _race(*calls)
    assert all(r is not None and not isinstance(r, Exception) for r in results), results
    assert Entry.objects.filter(kind=EntryKind.TRANSFER_OUT).count() == 10


def test_it_answers_two_simultaneous_reversals_with_one_refusal(fin):
    w = fin.w
    capital(w.club, w.A, 5_000_000, fund="activity")
    expense = services.record_entry(
        w.club,
        w.A,
        fund_kind="activity",
        kind="expense",
        amount=200_000,
        date=D(2025, 3, 2),
        category="health",
    )
    results = _race(
        *[
            lambda: services.reverse_entry(w.club, expense, date=D(2025, 3, 3), reason="Nhầm")
            for _ in range(2)
        ]
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert [type(r) for r in results if r not in refused] == [Entry]
    assert Entry.objects.filter(reverses=expense).count() == 1


def test_it_never_deadlocks_a_correction_against_an_entry_of_the_same_month(fin, monkeypatch):
    """A correction of a repayment reverses its interest (Activity Fund) and principal (Loan
    Fund) lines one after the other. Each entry also adds itself to the club's month's sums
    (finance.monthly), a row lock held to the end of the transaction. Had the correction taken
    its second fund only after writing its first line, an entry of that fund written meanwhile
    would wait for the month's row while holding the fund: "deadlock detected". The correction
    is held just after its first line, and the other entry written then."""
    w = fin.w
    capital(w.club, w.A, 50_000_000)
    capital(w.club, w.A, 50_000_000, fund="activity")
    day = D(2025, 2, 2)
    loan = active_loan(w.club, w.A, fin.a1, 1_200_000, D(2025, 1, 2), rate="12", method="flat")
    paid = services.repay(w.club, loan, amount=110_000, on=day)
    first, second = sorted([paid.interest, paid.principal], key=lambda e: e.pk)
    written, correcting = threading.Event(), threading.local()
    add = monthly.add

    def add_then_wait(entry):
        add(entry)
        if getattr(correcting, "yes", False) and not written.is_set():
            written.set()
            time.sleep(1.5)  # the other entry meanwhile takes its fund, then waits for the row

    monkeypatch.setattr(monthly, "add", add_then_wait)

    def correct():
        correcting.yes = True
        return services.correct_entry(
            w.club, first, amount=120_000, date=day, reason="Ghi nhầm số tiền"
        )

    def other_fund():
        written.wait(10)
        return services.record_entry(
            w.club,
            w.A,
            fund_kind=second.fund.kind,
            kind="income",
            amount=1_000,
            date=day,
            category="other",
        )

    results = _race(correct, other_fund)
    assert all(r is not None and not isinstance(r, Exception) for r in results), results
    assert Entry.objects.filter(reverses__in=[first, second]).count() == 2
    assert Entry.objects.filter(kind=EntryKind.INCOME, amount=1_000).count() == 1
