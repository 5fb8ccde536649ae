"""Loans from application to closure, corrections, and every bad input of the issue refused with
nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ishc.audit.models import AuditEntry
from ishc.clubs.models import Membership
from ishc.finance import ledger, services
from ishc.finance.models import (
    Category,
    CollectionSheet,
    Entry,
    EntryKind,
    Fund,
    FundKind,
    Instalment,
    Loan,
    LoanStatus,
    WriteOffStatus,
)

from .conftest import active_loan, capital

D = datetime.date


def _count():
    return (Entry.objects.count(), Loan.objects.count(), Instalment.objects.count())


def test_it_runs_a_loan_from_application_to_closure(fin):
    w = fin.w
    capital(w.club, w.A, 20_000_000)
    loan = services.apply_loan(
        w.club,
        w.A,
        member=fin.a1,
        amount=6_000_000,
        purpose="Nuôi bò",
        applied_on=D(2025, 1, 5),
        months=6,
        annual_rate="12",
        method="flat",
    )
    assert loan.status == LoanStatus.APPLIED
    services.approve_loan(w.club, loan, on=D(2025, 1, 10), meeting="Họp tháng 1/2025")
    services.disburse(w.club, loan, on=D(2025, 1, 10), voucher="PC01")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert ledger.balance(Fund.objects.get(club=w.A, kind="igf")) == 14_000_000
    state = ledger.loan_state(loan, D(2025, 2, 10))
    assert state.outstanding == 6_000_000 and state.interest_due == 60_000
    # Partial payment: interest first, then principal.
    paid = services.repay(w.club, loan, amount=100_000, on=D(2025, 2, 10))
    assert paid.interest.amount == 60_000 and paid.principal.principal == -40_000
    assert paid.interest.fund.kind == FundKind.ACTIVITY
    state = ledger.loan_state(loan, D(2025, 3, 10))
    assert state.interest_due == 60_000 and state.outstanding == 5_960_000
    assert state.arrears_due == 2 * 1_060_000 - 100_000
    # Early repayment of everything owed closes the loan; interest not yet due is not charged.
    services.repay(w.club, loan, amount=6_020_000, on=D(2025, 3, 10))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED and loan.closed_on == D(2025, 3, 10)
    assert ledger.loan_state(loan, D(2026, 1, 1)).days_overdue == 0
    with pytest.raises(ValidationError, match="no repayment"):
        services.repay(w.club, loan, amount=1_000, on=D(2025, 3, 11))
    actions = set(AuditEntry.objects.filter(club=w.A).values_list("action", flat=True))
    assert {
        "finance.loan.applied",
        "finance.loan.approved",
        "finance.loan.disbursed",
        "finance.loan.repaid",
    } <= actions


def test_it_refuses_overpayment(fin):
    w = fin.w
    capital(w.club, w.A, 20_000_000)
    loan = active_loan(
        w.club, w.A, fin.a1, 1_000_000, D(2025, 1, 1), months=2, rate="12", method="flat"
    )
    before = _count()
    with pytest.raises(ValidationError, match="more than is owed"):
        services.repay(w.club, loan, amount=1_010_001, on=D(2025, 2, 1))
    assert _count() == before
    services.repay(w.club, loan, amount=1_010_000, on=D(2025, 2, 1))


@pytest.mark.parametrize("amount", [0, -5, "1.5", 1.5, "abc", "", None, True])
def test_it_refuses_bad_amounts(fin, amount):
    w = fin.w
    with pytest.raises(ValidationError):
        services.record_entry(
            w.club,
            w.A,
            fund_kind="igf",
            kind="capital",
            amount=amount,
            date=D(2025, 1, 1),
            category=Category.DONOR,
        )
    assert Entry.objects.count() == 0


def test_it_accepts_typed_amounts_with_separators(fin):
    entry = capital(fin.w.club, fin.w.A, "1.500.000")
    assert entry.amount == 1_500_000


def test_it_refuses_dates_in_the_future_or_before_the_founding(fin):
    w = fin.w
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for day, message in [(tomorrow, "future"), (D(2020, 12, 31), "founded")]:
        with pytest.raises(ValidationError, match=message):
            capital(w.club, w.A, 1_000, on=day)
    assert Entry.objects.count() == 0


def test_it_refuses_a_disbursement_larger_than_the_cash(fin):
    w = fin.w
    capital(w.club, w.A, 5_000_000)
    loan = services.apply_loan(
        w.club,
        w.A,
        member=fin.a1,
        amount=6_000_000,
        purpose="Buôn bán",
        applied_on=D(2025, 1, 5),
        months=6,
        annual_rate=6,
        method="flat",
    )
    services.approve_loan(w.club, loan, on=D(2025, 1, 5), meeting="Họp")
    before = _count()
    with pytest.raises(ValidationError, match="cannot be paid out"):
        services.disburse(w.club, loan, on=D(2025, 1, 6))
    assert _count() == before
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED


def test_it_refuses_a_back_dated_expense_that_would_overdraw_a_later_day(fin):
    w = fin.w
    capital(w.club, w.A, 1_000_000, on=D(2025, 1, 1), fund=FundKind.ACTIVITY)
    services.record_entry(
        w.club,
        w.A,
        fund_kind="activity",
        kind="expense",
        amount=800_000,
        date=D(2025, 3, 1),
        category=Category.VISITS,
    )
    with pytest.raises(ValidationError, match="cannot be paid out"):
        services.record_entry(
            w.club,
            w.A,
            fund_kind="activity",
            kind="expense",
            amount=300_000,
            date=D(2025, 2, 1),
            category=Category.HEALTH,
        )


def test_it_refuses_a_loan_to_a_member_who_has_left(fin):
    w = fin.w
    Membership.objects.filter(member=fin.a2).update(left_on=D(2024, 6, 1), leave_reason="Chuyển")
    with pytest.raises(ValidationError, match="current member"):
        services.apply_loan(
            w.club,
            w.A,
            member=fin.a2,
            amount=1_000_000,
            purpose="x",
            applied_on=D(2025, 1, 5),
            months=6,
            annual_rate=6,
            method="flat",
        )
    with pytest.raises(ValidationError, match="current member"):
        services.apply_loan(
            w.club,
            w.A,
            member=fin.b1,
            amount=1_000_000,
            purpose="x",
            applied_on=D(2025, 1, 5),
            months=6,
            annual_rate=6,
            method="flat",
        )
    assert Loan.objects.count() == 0


def test_it_refuses_a_rate_above_the_ceiling(fin, settings):
    w = fin.w
    settings.ISHC = {**settings.ISHC, "LOAN_MAX_ANNUAL_RATE": 18}
    with pytest.raises(ValidationError, match="ceiling"):
        services.apply_loan(
            w.club,
            w.A,
            member=fin.a1,
            amount=1_000_000,
            purpose="x",
            applied_on=D(2025, 1, 5),
            months=6,
            annual_rate="18.1",
            method="flat",
        )
    assert Loan.objects.count() == 0
    services.apply_loan(
        w.club,
        w.A,
        member=fin.a1,
        amount=1_000_000,
        purpose="x",
        applied_on=D(2025, 1, 5),
        months=6,
        annual_rate="18",
        method="flat",
    )


def test_it_takes_defaults_from_the_club_regulations(fin):
    w = fin.w
    w.A.loan_max_amount, w.A.loan_max_months = 8_000_000, 10
    w.A.loan_monthly_rate, w.A.loan_method = "0.750", "interest_only"
    w.A.save()
    loan = services.apply_loan(
        w.club, w.A, member=fin.a1, amount=8_000_000, purpose="Trồng rau", applied_on=D(2025, 1, 5)
    )
    assert (loan.months, loan.annual_rate, loan.method) == (10, 9, "interest_only")
    with pytest.raises(ValidationError, match="at most"):
        services.apply_loan(
            w.club, w.A, member=fin.a1, amount=8_000_001, purpose="x", applied_on=D(2025, 1, 5)
        )


def test_it_never_updates_or_deletes_entries(fin):
    entry = capital(fin.w.club, fin.w.A, 1_000_000)
    entry.amount = 2_000_000
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        Entry.objects.filter(pk=entry.pk).update(amount=5)
    with pytest.raises(TypeError):
        Entry.objects.all().delete()
    assert Entry.objects.get().amount == 1_000_000


def test_it_corrects_by_reversal(fin):
    w = fin.w
    entry = capital(w.club, w.A, 1_000_000)
    with pytest.raises(ValidationError, match="why"):
        services.reverse_entry(w.club, entry, date=D(2025, 1, 1), reason=" ")
    reversal = services.reverse_entry(w.club, entry, date=D(2025, 1, 1), reason="Nhập nhầm")
    assert reversal.amount == -1_000_000 and reversal.kind == EntryKind.CAPITAL
    assert ledger.balance(entry.fund) == 0
    with pytest.raises(ValidationError, match="already been reversed"):
        services.reverse_entry(w.club, entry, date=D(2025, 1, 1), reason="again")
    assert Entry.objects.count() == 2


def test_it_refuses_reversing_capital_already_spent(fin):
    w = fin.w
    entry = capital(w.club, w.A, 1_000_000)
    active_loan(w.club, w.A, fin.a1, 900_000, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="cannot be paid out"):
        services.reverse_entry(w.club, entry, date=D(2025, 1, 2), reason="Nhầm")


def test_it_reopens_a_loan_when_its_last_repayment_is_reversed(fin):
    w = fin.w
    capital(w.club, w.A, 5_000_000)
    loan = active_loan(w.club, w.A, fin.a1, 1_000_000, D(2025, 1, 1), months=1, rate="0")
    paid = services.repay(w.club, loan, amount=1_000_000, on=D(2025, 2, 1))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    services.reverse_entry(w.club, paid.principal, date=D(2025, 2, 2), reason="Tiền giả")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert ledger.loan_state(loan, D(2025, 2, 2)).outstanding == 1_000_000


def test_it_transfers_between_the_two_funds(fin):
    w = fin.w
    capital(w.club, w.A, 1_000_000, fund=FundKind.ACTIVITY)
    services.transfer(w.club, w.A, from_fund="activity", amount=400_000, date=D(2025, 1, 1))
    assert ledger.club_balances(w.A) == {"igf": 400_000, "activity": 600_000}
    with pytest.raises(ValidationError, match="cannot be paid out"):
        services.transfer(w.club, w.A, from_fund="activity", amount=600_001, date=D(2025, 1, 1))


def test_it_reschedules_with_a_reason(fin):
    w = fin.w
    capital(w.club, w.A, 10_000_000)
    loan = active_loan(
        w.club, w.A, fin.a1, 1_200_000, D(2025, 1, 1), months=12, rate="0", method="flat"
    )
    services.repay(w.club, loan, amount=100_000, on=D(2025, 2, 1))
    assert ledger.loan_state(loan, D(2025, 5, 1)).days_overdue == 61  # since 1/3
    with pytest.raises(ValidationError, match="why"):
        services.reschedule(w.club, loan, on=D(2025, 5, 1), months=10, reason="")
    services.reschedule(w.club, loan, on=D(2025, 5, 1), months=11, reason="Dịch bệnh gia súc")
    loan.refresh_from_db()
    assert loan.schedule_version == 2
    new = list(loan.instalments.filter(version=2).values_list("no", "principal"))
    assert new[0] == (0, 100_000) and new[1] == (1, 100_000) and len(new) == 12
    state = ledger.loan_state(loan, D(2025, 5, 1))
    assert state.days_overdue == 0 and state.outstanding == 1_100_000
    assert ledger.loan_state(loan, D(2025, 6, 5)).days_overdue == 4


def test_it_needs_a_second_officer_to_write_off(fin):
    w = fin.w
    capital(w.club, w.A, 10_000_000)
    loan = active_loan(w.club, w.A, fin.a1, 2_000_000, D(2025, 1, 1))
    wo = services.request_write_off(w.club, loan, on=D(2025, 9, 1), reason="Thành viên qua đời")
    with pytest.raises(ValidationError, match="already waiting"):
        services.request_write_off(w.club, loan, on=D(2025, 9, 1), reason="again")
    with pytest.raises(PermissionDenied, match="Club board member"):
        services.decide_write_off(w.club, wo, approve=True)
    with pytest.raises(PermissionDenied, match="outside your area"):
        services.decide_write_off(w.outsider, wo, approve=True)
    other = active_loan(w.club, w.A, fin.a2, 1_000_000, D(2025, 1, 1))
    own = services.request_write_off(w.central, other, on=D(2025, 9, 1), reason="Mất khả năng")
    with pytest.raises(ValidationError, match="someone other"):
        services.decide_write_off(w.central, own, approve=True)
    services.decide_write_off(w.commune, wo, approve=True, note="Đồng ý")
    wo.refresh_from_db()
    loan.refresh_from_db()
    assert wo.status == WriteOffStatus.APPROVED and loan.status == LoanStatus.WRITTEN_OFF
    state = ledger.loan_state(loan, D(2025, 10, 1))
    assert state.outstanding == 0 and state.written_off == 2_000_000 and state.days_overdue == 0
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_write_off(w.province, wo, approve=True)


def test_it_records_a_collection_sheet_in_one_go(fin, django_assert_max_num_queries):
    w = fin.w
    capital(w.club, w.A, 100_000_000)
    loans = [
        active_loan(w.club, w.A, m, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
        for m in (fin.a1, fin.a2)
    ]
    lines = [
        services.SheetLine(fin.a1, fee=5_000, payments={loans[0].pk: 100_000}),
        services.SheetLine(fin.a2, fee=5_000, payments={loans[1].pk: 50_000}),
    ]
    sheet = services.submit_collection(
        w.club, w.A, month=D(2025, 2, 1), meeting_date=D(2025, 2, 1), lines=lines
    )
    assert sheet.entries.count() == 4
    assert ledger.club_balances(w.A)["activity"] == 10_000
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_collection(
            w.club, w.A, month=D(2025, 2, 1), meeting_date=D(2025, 2, 15), lines=lines
        )
    assert CollectionSheet.objects.count() == 1 and Entry.objects.count() == 1 + 2 + 4


def test_it_writes_nothing_when_one_line_of_the_sheet_is_bad(fin):
    w = fin.w
    capital(w.club, w.A, 100_000_000)
    loan = active_loan(w.club, w.A, fin.a1, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
    before = _count()
    with pytest.raises(ValidationError, match="Trần Văn Sơn"):
        services.submit_collection(
            w.club,
            w.A,
            month=D(2025, 2, 1),
            meeting_date=D(2025, 2, 1),
            lines=[
                services.SheetLine(fin.a1, fee=5_000, payments={loan.pk: 100_000}),
                services.SheetLine(fin.a2, fee="2.5"),
            ],
        )
    assert _count() == before and CollectionSheet.objects.count() == 0


def test_it_offers_no_change_or_delete_in_the_admin(fin, admin_client):
    entry = capital(fin.w.club, fin.w.A, 1_000_000)
    from django.urls import reverse

    assert admin_client.get(reverse("admin:finance_entry_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:finance_entry_change", args=[entry.pk]))
    assert b'name="_save"' not in page.content
    assert (
        admin_client.post(reverse("admin:finance_entry_delete", args=[entry.pk])).status_code == 403
    )
    assert Entry.objects.filter(pk=entry.pk).exists()
