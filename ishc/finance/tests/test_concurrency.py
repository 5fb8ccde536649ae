"""Two treasurers pressing "save" at the same moment, with real threads and real connections.

SQLite serialises every writer (IMMEDIATE transactions), so the race cannot even be attempted
there; PostgreSQL runs the transactions side by side and only the row locks keep the books right.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ishc.finance import ledger, services
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
    (the value, or the ValidationError raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except ValidationError as error:
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
