"""Issue 11: the books must keep telling the truth. Each finding is a test, hand-computed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ishc.audit.models import AuditEntry
from ishc.clubs.models import Club, EarlyPayoff
from ishc.finance import ledger, services
from ishc.finance.figures import loan_figures
from ishc.finance.models import EntryKind, LoanStatus
from ishc.reports.services import create_report, transition, update_narrative

from .conftest import active_loan, capital

D = datetime.date
pytestmark = pytest.mark.django_db


DISBURSED = D(2025, 1, 10)


def _flat_loan(fin, member=None, amount=3_000_000, on=DISBURSED):
    """3,000,000 ₫ flat over 6 months at 12 % a year: 500,000 principal + 30,000 interest a
    month, due on the 10th from February to July 2025."""
    w = fin.w
    capital(w.club, w.A, 20_000_000)
    return active_loan(
        w.club, w.A, member or fin.a1, amount, on, months=6, rate="12", method="flat"
    )


def _split(paid):
    return (
        paid.interest.amount if paid.interest else 0,
        -paid.principal.principal if paid.principal else 0,
    )


# 1. A typo on the collection sheet can be corrected -------------------------------------------


def test_it_corrects_a_typo_on_the_collection_sheet_in_one_step(fin):
    w = fin.w
    loan = _flat_loan(fin)
    sheet = services.submit_collection(
        w.club,
        w.A,
        month=D(2025, 2, 1),
        meeting_date=D(2025, 2, 10),
        lines=[services.SheetLine(fin.a1, payments={loan.pk: 1_530_000})],  # 530.000 meant
    )
    # Along the schedule: three instalments' interest (90,000) and 1,440,000 of principal.
    assert ledger.loan_state(loan, D(2025, 2, 10)).outstanding == 1_560_000
    wrong = sheet.entries.get(kind=EntryKind.PRINCIPAL)
    services.correct_entry(
        w.club, wrong, amount=530_000, date=D(2025, 2, 11), reason="Gõ nhầm 1.530.000"
    )
    state = ledger.loan_state(loan, D(2025, 2, 11))
    assert state.outstanding == 2_500_000
    assert state.interest_paid == 30_000
    # The sheet shows the wrong line, its reversal and the right line.
    assert sheet.entries.filter(kind=EntryKind.PRINCIPAL).count() == 3
    assert ledger.club_balances(w.A)["igf"] == 20_000_000 - 3_000_000 + 500_000
    assert AuditEntry.objects.filter(action="finance.entry.corrected").count() == 1
    # A correction cannot be corrected twice over the same wrong line.
    with pytest.raises(ValidationError):
        services.correct_entry(w.club, wrong, amount=530_000, date=D(2025, 2, 11), reason="x")


def test_it_reverses_an_entry_of_a_collection_sheet(fin):
    w = fin.w
    loan = _flat_loan(fin)
    sheet = services.submit_collection(
        w.club,
        w.A,
        month=D(2025, 2, 1),
        meeting_date=D(2025, 2, 10),
        lines=[services.SheetLine(fin.a1, fee=10_000, payments={loan.pk: 530_000})],
    )
    fee = sheet.entries.get(kind=EntryKind.INCOME)
    services.reverse_entry(w.club, fee, date=D(2025, 2, 12), reason="Thu nhầm")
    assert ledger.club_balances(w.A)["activity"] == 30_000


# 2. Allocation by the schedule -----------------------------------------------------------------


def test_it_pays_each_early_instalment_with_its_interest(fin):
    loan = _flat_loan(fin)
    w = fin.w
    splits = []
    for month in range(2, 8):
        paid = services.repay(w.club, loan, amount=530_000, on=D(2025, month, 7))
        splits.append(_split(paid))
    assert splits == [(30_000, 500_000)] * 6
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert ledger.loan_state(loan, D(2025, 7, 7)).interest_paid == 180_000


def test_it_pays_the_next_instalment_ahead_interest_first(fin):
    """Hand-computed: two instalments ahead on 05/02 (1,060,000) = 30,000 + 500,000 + 30,000 +
    500,000; a partial 100,000 on 01/03 then goes to the third instalment's interest first."""
    loan = _flat_loan(fin)
    w = fin.w
    assert _split(services.repay(w.club, loan, amount=1_060_000, on=D(2025, 2, 5))) == (
        60_000,
        1_000_000,
    )
    assert _split(services.repay(w.club, loan, amount=100_000, on=D(2025, 3, 1))) == (
        30_000,
        70_000,
    )
    assert ledger.loan_state(loan, D(2025, 3, 10)).days_overdue == 0


def test_it_follows_the_clubs_early_payoff_rule(fin):
    """Paid off on 05/03 after February's instalment: to the payoff date the club charges
    March's interest (its period, 11/02–10/03, has begun) and waives April–July: 2,500,000 +
    30,000. As scheduled it charges all remaining interest: 2,500,000 + 5 × 30,000. On 20/03
    April's period has begun too: 2,500,000 + 60,000."""
    loan = _flat_loan(fin)
    w = fin.w
    services.repay(w.club, loan, amount=530_000, on=D(2025, 2, 10))
    assert Club.objects.get(pk=w.A.pk).loan_early_payoff == EarlyPayoff.TO_DATE
    state = ledger.loan_state(loan, D(2025, 3, 5))
    assert state.payoff == 2_530_000
    assert ledger.loan_state(loan, D(2025, 3, 20)).payoff == 2_560_000
    with pytest.raises(ValidationError):
        services.repay(w.club, loan, amount=2_530_001, on=D(2025, 3, 5))
    Club.objects.filter(pk=w.A.pk).update(loan_early_payoff=EarlyPayoff.SCHEDULED)
    loan.refresh_from_db()
    assert ledger.loan_state(loan, D(2025, 3, 5)).payoff == 2_650_000
    Club.objects.filter(pk=w.A.pk).update(loan_early_payoff=EarlyPayoff.TO_DATE)
    loan.refresh_from_db()
    assert _split(services.repay(w.club, loan, amount=2_530_000, on=D(2025, 3, 5))) == (
        30_000,
        2_500_000,
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED


def test_it_shows_an_instalment_due_before_the_next_meeting_on_the_sheet(fin, client):
    loan = _flat_loan(fin)
    w = fin.w
    client.force_login(w.club)
    # Meeting on 07/02, the instalment falls due on 10/02: it is due at this meeting.
    page = client.get(
        f"/finance/club/{w.A.pk}/collect/2025/2/", {"meeting_date": "2025-02-07"}
    ).content.decode()
    assert f'name="pay_{loan.pk}"' in page
    rows = ledger.due_by(type(loan).objects.filter(pk=loan.pk), D(2025, 2, 7), before=D(2025, 3, 7))
    assert rows[0].scheduled_total - rows[0].paid_total == 530_000


# 3. Period close -------------------------------------------------------------------------------


def test_it_refuses_entries_in_a_submitted_month_and_shows_the_drift_when_reopened(fin):
    w = fin.w
    capital(w.club, w.A, 5_000_000, on=D(2025, 3, 2), fund="activity")
    report = create_report(w.club, w.A, D(2025, 3, 1))
    update_narrative(w.club, report, difficulties="-", proposals="-", no_meeting_reason="-")
    report = transition(w.club, report, "submit")
    with pytest.raises(ValidationError) as refused:
        capital(w.club, w.A, 240_000, on=D(2025, 3, 5), fund="activity")
    assert "commune" in str(refused.value)
    with pytest.raises(ValidationError):
        services.transfer(w.club, w.A, from_fund="activity", amount=1, date=D(2025, 3, 31))
    # April is open.
    capital(w.club, w.A, 1_000, on=D(2025, 4, 1), fund="activity")
    report = transition(w.commune, report, "reject", reason="Thiếu chứng từ")
    capital(w.club, w.A, 240_000, on=D(2025, 3, 5), fund="activity")
    from ishc.reports.services import drift

    assert {row.key: (row.frozen, row.now) for row in drift(report)} == {
        "activity_balance": (5_000_000, 5_240_000)
    }
    report = transition(w.club, report, "submit")
    assert report.previous_figures["activity_balance"] == 5_000_000
    assert report.figures["activity_balance"] == 5_240_000


# 4. On-time rate net of reversals --------------------------------------------------------------


def test_it_does_not_count_a_reversed_payment_as_on_time(fin):
    loan = _flat_loan(fin)
    w = fin.w
    paid = services.repay(w.club, loan, amount=530_000, on=D(2025, 2, 10))
    clubs = Club.objects.filter(pk=w.A.pk)
    row = loan_figures(clubs, D(2025, 2, 1), D(2025, 2, 28), D(2025, 2, 28), None)[0]
    assert (row["instalments_paid_on_time"], row["instalments_due"]) == (1, 1)
    services.reverse_entry(w.club, paid.principal, date=D(2025, 3, 9), reason="Tiền giả")
    row = loan_figures(clubs, D(2025, 2, 1), D(2025, 2, 28), D(2025, 3, 9), None)[0]
    assert (row["instalments_paid_on_time"], row["instalments_due"]) == (0, 1)


# 5. A reversal on a written-off loan reopens it ------------------------------------------------


def test_it_reopens_a_written_off_loan_when_a_payment_is_reversed(fin):
    loan = _flat_loan(fin)
    w = fin.w
    paid = services.repay(w.club, loan, amount=530_000, on=D(2025, 2, 10))
    wo = services.request_write_off(w.club, loan, on=D(2025, 6, 1), reason="Qua đời")
    services.decide_write_off(w.commune, wo, approve=True)
    services.reverse_entry(w.club, paid.principal, date=D(2025, 6, 2), reason="Séc bị trả")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.closed_on is None
    assert ledger.loan_state(loan, D(2025, 6, 2)).outstanding == 500_000
    wo = services.request_write_off(w.club, loan, on=D(2025, 6, 3), reason="Qua đời")
    services.decide_write_off(w.commune, wo, approve=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert ledger.loan_state(loan, D(2025, 6, 3)).outstanding == 0


def test_it_reverses_a_write_off_by_the_two_person_rule(fin):
    loan = _flat_loan(fin)
    w = fin.w
    wo = services.request_write_off(w.club, loan, on=D(2025, 6, 1), reason="Qua đời")
    services.decide_write_off(w.commune, wo, approve=True)
    entry = loan.entries.get(kind=EntryKind.WRITE_OFF)
    with pytest.raises(ValidationError):
        services.reverse_entry(w.club, entry, date=D(2025, 6, 2), reason="Nhầm người")
    undo = services.request_write_off_reversal(w.club, loan, reason="Nhầm người", on=D(2025, 6, 2))
    with pytest.raises(PermissionDenied):  # the club's board may not decide a write-off
        services.decide_write_off(w.club, undo, approve=True)
    services.decide_write_off(w.commune, undo, approve=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert ledger.loan_state(loan, D(2025, 6, 2)).outstanding == 3_000_000


# 9. A loan due today is not late ---------------------------------------------------------------


def test_it_does_not_count_a_loan_due_today_as_late(fin):
    loan = _flat_loan(fin)
    state = ledger.loan_state(loan, D(2025, 2, 10))
    assert state.days_overdue == 0 and state.oldest_unpaid_due is None
    row = ledger.with_arrears(type(loan).objects.filter(pk=loan.pk), D(2025, 2, 10)).get()
    assert row.bucket == 0
    assert ledger.loan_state(loan, D(2025, 2, 11)).days_overdue == 1
