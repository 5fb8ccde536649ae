"""Monthly reports with their timeline, and the workflow steps (submit, approve, send back,
lock, reopen) over the API — each step through `services.transition()`, which decides who may
take it, exactly as the report page's buttons do."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q
from ninja import Query, Router, Schema

from ishc.accounts.scope import visible, visible_or_404
from ishc.api.access import for_change
from ishc.api.lists import DateRange, Id, PageQuery, QueryId, etag, page, page_schema, text

from . import services
from .models import MonthlyReport, Status, Transition

router = Router(tags=["reports"])


class TransitionOut(Schema):
    action: str
    from_status: str
    to_status: str
    user: str | None
    reason: str
    at: datetime.datetime

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.display_name if obj.user_id else None


class ReportOut(Schema):
    id: int
    club_id: int
    month: datetime.date
    status: str
    difficulties: str
    proposals: str
    no_meeting_reason: str
    figures: dict[str, Any]
    first_submitted_on: datetime.date | None
    timeline: list[TransitionOut]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(obj.transitions.all())


ReportPage = page_schema(ReportOut, "ReportPage")


class ReportFilter(DateRange):
    unit: QueryId = None
    club: QueryId = None
    status: Literal[tuple(Status.values)] | None = None  # type: ignore[valid-type]


def _reports():
    return MonthlyReport.objects.prefetch_related(
        Prefetch(
            "transitions", queryset=Transition.objects.select_related("user").order_by("at", "pk")
        )
    )


@router.get("", response=ReportPage, summary="List monthly reports with their timeline")
@etag
def list_reports(request, filters: Query[ReportFilter], pagination: Query[PageQuery]):
    """Monthly club reports the caller can see, newest month first; dates filter on the month
    (its first day). Figures are frozen on submission, empty while a draft."""
    qs = visible(request.user, _reports())
    if filters.unit:
        qs = qs.filter(Q(club__province_id=filters.unit) | Q(club__commune_id=filters.unit))
    if filters.club:
        qs = qs.filter(club_id=filters.club)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = filters.apply(qs, "month")
    return page(qs, pagination, "-month", "club_id")


@router.get("/{report_id}", response=ReportOut, summary="One monthly report with its timeline")
def get_report(request, report_id: Id):
    return visible_or_404(request.user, _reports(), pk=report_id)


# The capability table's name for each step (ishc.accounts.permissions); which level's turn it
# is stays the workflow's own rule (services.may_act), asked by transition().
CAPABILITY = {
    "submit": "reports.submit",
    "approve": "reports.approve",
    "reject": "reports.approve",
    "lock": "reports.lock",
    "reopen": "reports.reopen",
}


class StepIn(Schema):
    action: Literal["submit", "approve", "reject", "lock", "reopen"]
    reason: text(2000) = ""


@router.post("/{report_id}/steps", response=ReportOut, summary="Take a workflow step")
def take_step(request, report_id: Id, payload: StepIn):
    """Submit, approve, send back (`reject`, reason required), lock or reopen (reason
    required), as the report page's buttons; refused when it is not this caller's step."""
    report = for_change(
        request.user, MonthlyReport.objects.all(), CAPABILITY[payload.action], pk=report_id
    )
    services.transition(request.user, report, payload.action, payload.reason)
    return _reports().get(pk=report.pk)
