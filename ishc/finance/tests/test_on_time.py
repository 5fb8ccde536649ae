"""The on-time rate of loan_figures (computed in SQL, grouped) equals the plain definition,
instalment by instalment, on random books: repayments on, before and after due dates, several on
one day, reversals, reschedules, write-offs."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import make_user
from ishc.accounts.models import Role
from ishc.clubs.models import Club
from ishc.finance import ledger, services
from ishc.finance.figures import loan_figures
from ishc.finance.models import Entry, EntryKind, Instalment, Loan

from .conftest import capital

D = datetime.date
FIRST = D(2025, 1, 1)

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("loan"),
            st.booleans(),  # club A or C (another province)
            st.integers(min_value=100_000, max_value=5_000_000),
            st.integers(min_value=1, max_value=9),
            st.sampled_from(["flat", "declining", "interest_only"]),
        ),
        st.tuples(st.just("repay"), st.integers(0, 7), st.integers(1, 3_000_000)),
        # On the loan's next due date (0: pay it off), where "by the due date" matters.
        st.tuples(st.just("repay_on_due"), st.integers(0, 7), st.integers(0, 3_000_000)),
        st.tuples(st.just("reverse"), st.integers(0, 7)),
        st.tuples(st.just("reschedule"), st.integers(0, 7), st.integers(1, 6)),
        st.tuples(st.just("write_off"), st.integers(0, 7)),
        st.tuples(st.just("wait"), st.integers(0, 45)),  # 0: several entries on one day
    ),
    max_size=25,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=steps,
    start=st.integers(0, 200),
    length=st.integers(0, 300),
)
# Paid off on a due date: that instalment was due (principal outstanding the day before) and paid.
@example(ops=[("loan", True, 1_200_000, 3, "flat"), ("repay_on_due", 0, 0)], start=0, length=300)
# Two repayments on one due date, the second completing the instalment.
@example(
    ops=[
        ("loan", False, 900_000, 3, "declining"),
        ("repay_on_due", 0, 100_000),
        ("repay", 0, 300_000),
        ("reverse", 0),
        ("wait", 40),
        ("reschedule", 0, 2),
    ],
    start=0,
    length=300,
)
def test_it_counts_instalments_on_time_as_defined(fin, ops, start, length):
    with transaction.atomic():
        _play(fin, ops)
        period = (
            FIRST + datetime.timedelta(days=start),
            FIRST + datetime.timedelta(start + length),
        )
        _compare(fin.w, *period)
        transaction.set_rollback(True)


def _play(fin, ops):
    w = fin.w
    capital(w.central, w.A, 100_000_000, on=D(2024, 12, 1))
    capital(w.central, w.C, 100_000_000, on=D(2024, 12, 1))
    members = {True: fin.a1, False: fin.c1}
    # The checker of a write-off is someone other than the maker, over both provinces.
    checker = make_user("checker", Role.CENTRAL, national=True)
    loans: list[Loan] = []
    day = FIRST
    for op in ops:
        kind = op[0]
        try:
            if kind == "wait":
                day += datetime.timedelta(days=op[1])
            elif kind == "loan":
                _, in_a, amount, months, method = op
                member = members[in_a]
                loan = services.apply_loan(
                    w.central,
                    member.club,
                    member=member,
                    amount=amount,
                    purpose="x",
                    applied_on=day,
                    months=months,
                    annual_rate="7.2",
                    method=method,
                )
                services.approve_loan(w.central, loan, on=day, meeting="m")
                services.disburse(w.central, loan, on=day)
                loans.append(loan)
            elif loans:
                loan = loans[op[1] % len(loans)]
                loan.refresh_from_db()
                if kind == "repay":
                    state = ledger.loan_state(loan, day)
                    services.repay(w.central, loan, amount=min(op[2], state.payoff), on=day)
                elif kind == "repay_on_due":
                    due = (
                        Instalment.objects.filter(
                            loan=loan, version=loan.schedule_version, due_date__gte=day
                        )
                        .order_by("due_date")
                        .values_list("due_date", flat=True)
                        .first()
                    )
                    if due is not None:
                        day = due
                        state = ledger.loan_state(loan, day)
                        amount = min(op[2], state.payoff) or state.payoff
                        services.repay(w.central, loan, amount=amount, on=day)
                elif kind == "reverse":
                    last = loan.entries.filter(
                        kind__in=ledger.PAID_KINDS, reverses__isnull=True, reversed_by__isnull=True
                    ).last()
                    if last is not None:
                        services.reverse_entry(w.central, last, date=day, reason="mistake")
                elif kind == "reschedule":
                    services.reschedule(w.central, loan, on=day, months=op[2], reason="flood")
                elif kind == "write_off":
                    wo = services.request_write_off(w.central, loan, on=day, reason="died")
                    services.decide_write_off(checker, wo, approve=True)
        except ValidationError:
            pass  # refused operations leave nothing behind; the books are what they are


def _expected(loans, start, end, key):
    """The definition, one instalment at a time."""
    counts = {}
    for loan in loans:
        entries = list(Entry.objects.filter(loan=loan))
        lines = Instalment.objects.filter(
            loan=loan,
            version=loan.schedule_version,
            no__gte=1,
            due_date__gte=start,
            due_date__lte=end,
        )
        for line in lines:
            before = sum(e.principal for e in entries if e.date < line.due_date)
            if before <= 0:
                continue
            paid = sum(
                e.amount
                for e in entries
                if e.kind in (EntryKind.PRINCIPAL, EntryKind.INTEREST) and e.date <= line.due_date
            )
            row = counts.setdefault(
                key(loan), {"instalments_due": 0, "instalments_paid_on_time": 0}
            )
            row["instalments_due"] += 1
            row["instalments_paid_on_time"] += line.cum_total <= paid
    return counts


def _compare(w, start, end):
    loans = list(Loan.objects.select_related("club"))
    for group, key in [
        (None, lambda loan: None),
        ("club_id", lambda loan: loan.club_id),
        ("club__province_id", lambda loan: loan.club.province_id),
    ]:
        expected = _expected(loans, start, end, key)
        zero = {"instalments_due": 0, "instalments_paid_on_time": 0}
        for row in loan_figures(Club.objects.all(), start, end, end, group):
            got = {k: row[k] for k in zero}
            assert got == expected.get(row["key"], zero)
