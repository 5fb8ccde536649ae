"""Loans (with schedule and state), fund entries, repayments over the API.

Figures come from the one money service (ledger.with_figures / loan_state), never recomputed
here. Writes go through the same forms and services as the finance pages; money is whole VND
integers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Q
from django.utils import timezone
from ninja import Query, Router, Schema

from ishc.accounts.scope import visible, visible_or_404
from ishc.api.access import for_change
from ishc.api.errors import check_form
from ishc.api.idempotency import IdempotencyKey, once
from ishc.api.lists import (
    BodyId,
    DateRange,
    Id,
    Money,
    PageQuery,
    QueryId,
    etag,
    page,
    page_schema,
    text,
)
from ishc.clubs.models import Club

from . import forms, ledger, services
from .models import Entry, FundKind, Loan, LoanStatus

router = Router(tags=["finance"])


class LoanOut(Schema):
    id: int
    club_id: int
    member_id: int
    amount: int
    purpose: str
    months: int
    annual_rate: Decimal
    method: str
    status: str
    applied_on: datetime.date
    approved_on: datetime.date | None
    disbursed_on: datetime.date | None
    closed_on: datetime.date | None
    outstanding: int
    principal_repaid: int
    interest_paid: int
    oldest_unpaid_due: datetime.date | None


class InstalmentOut(Schema):
    no: int
    due_date: datetime.date
    principal: int
    interest: int


class LoanStateOut(Schema):
    on: datetime.date
    disbursed: int
    principal_repaid: int
    written_off: int
    outstanding: int
    interest_paid: int
    interest_due: int
    arrears_due: int
    days_overdue: int
    payoff: int


class LoanDetail(LoanOut):
    schedule: list[InstalmentOut]
    state: LoanStateOut


class EntryOut(Schema):
    id: int
    club_id: int
    fund: str
    date: datetime.date
    kind: str
    category: str
    amount: int
    loan_id: int | None
    member_id: int | None
    counterpart: str
    voucher: str
    note: str
    reverses_id: int | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_fund(obj) -> str:
        return obj.fund.kind


LoanPage = page_schema(LoanOut, "LoanPage")
EntryPage = page_schema(EntryOut, "EntryPage")


class LoanFilter(DateRange):
    unit: QueryId = None
    club: QueryId = None
    member: QueryId = None
    status: Literal[tuple(LoanStatus.values)] | None = None  # type: ignore[valid-type]


def _in_unit(qs, unit: int | None, club: int | None):
    if unit:
        qs = qs.filter(Q(club__province_id=unit) | Q(club__commune_id=unit))
    if club:
        qs = qs.filter(club_id=club)
    return qs


@router.get("loans", response=LoanPage, summary="List loans with their state today")
@etag
def list_loans(request, filters: Query[LoanFilter], pagination: Query[PageQuery]):
    """Loans the caller can see, newest application first; dates filter on the application
    day. Outstanding principal and paid amounts are today's, from the ledger."""
    qs = _in_unit(visible(request.user, Loan.objects.all()), filters.unit, filters.club)
    qs = filters.apply(qs, "applied_on")
    if filters.member:
        qs = qs.filter(member_id=filters.member)
    if filters.status:
        qs = qs.filter(status=filters.status)
    result = page(qs, pagination, "-applied_on")
    ids = [loan.pk for loan in result["items"]]
    figured = ledger.with_figures(Loan.objects.filter(pk__in=ids), timezone.localdate())
    by_id = {loan.pk: loan for loan in figured}
    result["items"] = [by_id[pk] for pk in ids]
    return result


@router.get("loans/{loan_id}", response=LoanDetail, summary="One loan with schedule and state")
def get_loan(request, loan_id: Id):
    """The loan, its schedule in force and its state today (what the loan page shows)."""
    today = timezone.localdate()
    loan = visible_or_404(request.user, ledger.with_figures(Loan.objects.all(), today), pk=loan_id)
    loan.schedule = list(loan.instalments.filter(version=loan.schedule_version, no__gte=1))
    loan.state = ledger.loan_state(loan, today)
    return loan


class EntryFilter(DateRange):
    unit: QueryId = None
    club: QueryId = None
    loan: QueryId = None
    fund: Literal[tuple(FundKind.values)] | None = None  # type: ignore[valid-type]


@router.get("fund-entries", response=EntryPage, summary="List fund entries")
@etag
def list_entries(request, filters: Query[EntryFilter], pagination: Query[PageQuery]):
    """Immutable entries of the clubs' two funds, newest first; amounts are signed VND."""
    qs = _in_unit(
        visible(request.user, Entry.objects.select_related("fund")), filters.unit, filters.club
    )
    qs = filters.apply(qs, "date")
    if filters.loan:
        qs = qs.filter(loan_id=filters.loan)
    if filters.fund:
        qs = qs.filter(fund__kind=filters.fund)
    return page(qs, pagination, "-date", "-recorded_at")


class RepaymentIn(Schema):
    amount: Money
    on: datetime.date
    voucher: text(40) = ""


class RepaymentOut(Schema):
    loan_id: int
    interest: int
    principal: int
    total: int
    entry_ids: list[int]
    loan_status: str


@router.post(
    "loans/{loan_id}/repayments", response={201: RepaymentOut}, summary="Record a repayment"
)
def repay(request, loan_id: Id, payload: RepaymentIn, key: IdempotencyKey = None):
    """A repayment on an active loan: interest due first, then principal (the loan page's
    "Record a repayment"). Send an `Idempotency-Key` so that a retry records it once."""
    loan = for_change(request.user, Loan.objects.all(), "finance.record", pk=loan_id)
    d = check_form(forms.RepayForm(payload.dict()))

    def write():
        result = services.repay(
            request.user, loan, amount=d["amount"], on=d["on"], voucher=d["voucher"]
        )
        loan.refresh_from_db()
        return {
            "loan_id": loan.pk,
            "interest": result.interest.amount if result.interest else 0,
            "principal": result.principal.amount if result.principal else 0,
            "total": result.total,
            "entry_ids": [e.pk for e in (result.interest, result.principal) if e],
            "loan_status": loan.status,
        }

    return once(request, 201, RepaymentOut, write)


class EntryIn(Schema):
    fund: Literal[tuple(FundKind.values)]  # type: ignore[valid-type]
    kind: Literal["capital", "income", "expense"]
    category: text(16, min_length=1)
    amount: Money
    date: datetime.date
    member_id: BodyId | None = None
    counterpart: text(200) = ""
    voucher: text(40) = ""
    note: text(300) = ""
    contribution_id: BodyId | None = None


@router.post("clubs/{club_id}/fund-entries", response={201: EntryOut}, summary="Record an entry")
def record_entry(request, club_id: Id, payload: EntryIn, key: IdempotencyKey = None):
    """Capital received, other income or an expense in one of the club's funds (the finance
    page's "Record an entry"). Send an `Idempotency-Key` so that a retry records it once."""
    club = for_change(request.user, Club.objects.all(), "finance.record", pk=club_id)
    data = payload.dict()
    data["member"] = data.pop("member_id")
    data["contribution"] = data.pop("contribution_id")
    d = check_form(
        forms.EntryForm(
            {k: v for k, v in data.items() if v is not None}, club=club, user=request.user
        ),
        {"member": "member_id", "contribution": "contribution_id"},
    )

    def write():
        entry = services.record_entry_from(request.user, club, d)
        return Entry.objects.select_related("fund").get(pk=entry.pk)

    return once(request, 201, EntryOut, write)
