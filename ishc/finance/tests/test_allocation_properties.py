"""Issue 11, "Done when": over random sequences of disbursements, repayments (early, late,
partial), reversals and write-offs — balance = Σ entries; outstanding = disbursed − principal
repaid − written off, never negative; every payment split along the schedule; the on-time rate
never counts a reversed payment; and a loan whose instalments are each paid in full on or before
their due dates collects exactly its scheduled interest."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ishc.clubs.models import Club
from ishc.finance import ledger, services
from ishc.finance.figures import loan_figures
from ishc.finance.models import Entry, EntryKind, Fund, Instalment, Loan, LoanStatus

from .conftest import capital

D = datetime.date
START = D(2025, 1, 1)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
methods = st.sampled_from(["flat", "declining", "interest_only"])
rates = st.sampled_from(["0", "6", "7.2", "12", "24"])


@SETTINGS
@given(
    amount=st.integers(100_000, 20_000_000),
    months=st.integers(1, 12),
    method=methods,
    rate=rates,
    early=st.lists(st.integers(0, 27), min_size=12, max_size=12),
)
@example(amount=3_000_000, months=6, method="flat", rate="12", early=[3] * 12)
def test_it_collects_the_scheduled_interest_from_instalments_paid_by_their_due_dates(
    fin, amount, months, method, rate, early
):
    """Each instalment paid in full within its own period (0–27 days before its due date)."""
    w = fin.w
    with transaction.atomic():
        capital(w.central, w.A, 25_000_000, on=D(2024, 12, 1))
        loan = services.apply_loan(
            w.central,
            w.A,
            member=fin.a1,
            amount=amount,
            purpose="x",
            applied_on=START,
            months=months,
            annual_rate=rate,
            method=method,
        )
        services.approve_loan(w.central, loan, on=START, meeting="m")
        services.disburse(w.central, loan, on=START)
        loan.refresh_from_db()
        lines = list(Instalment.objects.filter(loan=loan, version=loan.schedule_version))
        for line, days in zip(lines, early, strict=False):
            if not line.principal + line.interest:
                continue  # an interest-free month of an interest-only loan: nothing to pay
            paid = services.repay(
                w.central,
                loan,
                amount=line.principal + line.interest,
                on=line.due_date - datetime.timedelta(days=days),
            )
            assert (paid.interest.amount if paid.interest else 0) == line.interest
        loan.refresh_from_db()
        assert loan.status == LoanStatus.CLOSED
        interest = loan.entries.filter(kind=EntryKind.INTEREST).aggregate(s=Sum("amount"))["s"]
        assert (interest or 0) == sum(line.interest for line in lines)
        transaction.set_rollback(True)


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("loan"), st.integers(100_000, 10_000_000), st.integers(1, 12), methods, rates
        ),
        # The loan's next instalment, paid `days` before (−) or after (+) its due date.
        st.tuples(st.just("instalment"), st.integers(0, 5), st.integers(-27, 40)),
        st.tuples(st.just("partial"), st.integers(0, 5), st.integers(1, 3_000_000)),
        st.tuples(st.just("payoff"), st.integers(0, 5)),
        st.tuples(st.just("reverse"), st.integers(0, 5), st.integers(0, 3)),
        st.tuples(st.just("write_off"), st.integers(0, 5)),
        st.tuples(st.just("undo_write_off"), st.integers(0, 5)),
        st.tuples(st.just("wait"), st.integers(0, 40)),
    ),
    max_size=16,
)


@SETTINGS
@given(ops=operations)
@example(
    ops=[
        ("loan", 3_000_000, 6, "flat", "12"),
        ("instalment", 0, -3),
        ("reverse", 0, 0),
        ("write_off", 0),
        ("undo_write_off", 0),
        ("instalment", 0, 0),
        ("payoff", 0),
    ]
)
def test_it_keeps_the_books_true_through_reversals_and_write_offs(fin, ops):
    with transaction.atomic():
        _play(fin, ops)
        transaction.set_rollback(True)


def _play(fin, ops):
    w = fin.w
    capital(w.central, w.A, 200_000_000, on=D(2024, 12, 1))
    club = Club.objects.get(pk=w.A.pk)
    loans: list[Loan] = []
    day = START
    for op in ops:
        kind = op[0]
        try:
            if kind == "wait":
                day += datetime.timedelta(days=op[1])
            elif kind == "loan":
                _, amount, months, method, rate = op
                loan = services.apply_loan(
                    w.central,
                    club,
                    member=fin.a1,
                    amount=amount,
                    purpose="x",
                    applied_on=day,
                    months=months,
                    annual_rate=rate,
                    method=method,
                )
                services.approve_loan(w.central, loan, on=day, meeting="m")
                services.disburse(w.central, loan, on=day)
                loans.append(loan)
            elif loans:
                loan = loans[op[1] % len(loans)]
                loan.refresh_from_db()
                day = _act(w, loan, op, day)
        except ValidationError:
            pass  # refused: nothing written
        _check(club, loans, day)


def _act(w, loan, op, day):
    kind = op[0]
    if kind == "instalment":
        line = (
            Instalment.objects.filter(loan=loan, version=loan.schedule_version, no__gte=1)
            .filter(cum_total__gt=ledger.loan_state(loan, day).paid_total)
            .order_by("no")
            .first()
        )
        if line is not None:
            day = max(day, line.due_date + datetime.timedelta(days=op[2]))
            state = ledger.loan_state(loan, day)
            amount = min(line.cum_total - state.paid_total, state.payoff)
            _repay(w, loan, amount, day)
    elif kind == "partial":
        _repay(w, loan, min(op[2], ledger.loan_state(loan, day).payoff), day)
    elif kind == "payoff":
        _repay(w, loan, ledger.loan_state(loan, day).payoff, day)
    elif kind == "reverse":
        live = list(
            loan.entries.filter(
                kind__in=ledger.PAID_KINDS, reverses__isnull=True, reversed_by__isnull=True
            ).order_by("pk")
        )
        if live:
            services.reverse_entry(w.central, live[op[2] % len(live)], date=day, reason="nhầm")
    elif kind == "write_off":
        wo = services.request_write_off(w.central, loan, on=day, reason="r")
        services.decide_write_off(w.commune, wo, approve=True)
    elif kind == "undo_write_off":
        wo = services.request_write_off_reversal(w.central, loan, on=day, reason="r")
        services.decide_write_off(w.commune, wo, approve=True)
    return day


def _repay(w, loan, amount, day):
    """Repay and check the split against the rule: the payoff owes its interest, anything less
    goes along the schedule (each instalment's interest, then its principal)."""
    state = ledger.loan_state(loan, day)
    lines = ledger.schedule_lines(loan)
    paid = services.repay(w.central, loan, amount=amount, on=day)
    interest = paid.interest.amount if paid.interest else 0
    assert paid.total == amount
    if amount == state.payoff:
        assert interest == state.payoff_interest
    else:
        left, expected, paid_i, paid_p = amount, 0, state.interest_paid, state.principal_repaid
        for line in lines:
            take = min(left, max(0, line.cum_interest - paid_i))
            left, expected, paid_i = left - take, expected + take, paid_i + take
            take = min(left, max(0, line.cum_principal - paid_p))
            left, paid_p = left - take, paid_p + take
        assert interest == expected


def _check(club, loans, day):
    for fund in Fund.objects.filter(club=club):
        entries = Entry.objects.filter(fund=fund)
        assert ledger.balance(fund) == sum(e.amount for e in entries)
        assert ledger.balance(fund) >= 0
    for loan in loans:
        loan.refresh_from_db()
        s = ledger.loan_state(loan, day)
        assert s.outstanding == s.disbursed - s.principal_repaid - s.written_off
        assert s.outstanding >= 0 and s.principal_repaid >= 0
        assert (s.outstanding > 0) == (loan.status == LoanStatus.ACTIVE)
    # The on-time rate never counts a reversed payment: no instalment is on time unless what
    # was paid by its due date, leaving out reversed payments and reversals, covers it.
    row = loan_figures(Club.objects.filter(pk=club.pk), START, day, day, None)[0]
    on_time = 0
    for loan in loans:
        entries = list(loan.entries.all())
        reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
        for line in Instalment.objects.filter(
            loan=loan, version=loan.schedule_version, no__gte=1, due_date__range=(START, day)
        ):
            if sum(e.principal for e in entries if e.date < line.due_date) <= 0:
                continue
            kept = sum(
                e.amount
                for e in entries
                if e.kind in ledger.PAID_KINDS
                and e.date <= line.due_date
                and not e.reverses_id
                and e.pk not in reversed_ids
            )
            on_time += line.cum_total <= kept
    assert row["instalments_paid_on_time"] == on_time
