"""Monthly meetings with their attendance and health readings over the API (read).

The meeting-day sync endpoint joins this router; both read through `scope.visible()` like the
meeting pages.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from ninja import Query, Router, Schema

from ishc.accounts.scope import visible, visible_or_404
from ishc.api.lists import DateRange, Id, PageQuery, QueryId, etag, page, page_schema

from .models import Attendance, Meeting, Reading

router = Router(tags=["activities"])


class ReadingOut(Schema):
    member_id: int
    systolic: int | None
    diastolic: int | None
    weight_kg: Decimal | None
    flagged: bool


class MeetingOut(Schema):
    id: int
    club_id: int
    held_on: datetime.date
    topic: str
    culture_item: bool
    decisions: str
    plan: str
    attendee_ids: list[int]
    readings: list[ReadingOut]

    @staticmethod
    def resolve_attendee_ids(obj) -> list[int]:
        return [a.member_id for a in obj.attendance.all()]

    @staticmethod
    def resolve_readings(obj) -> list:
        return list(obj.readings.all())


MeetingPage = page_schema(MeetingOut, "MeetingPage")


def _meetings():
    return Meeting.objects.prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.order_by("member_id")),
        Prefetch("readings", queryset=Reading.objects.order_by("member_id")),
    )


class MeetingFilter(DateRange):
    unit: QueryId = None
    club: QueryId = None


@router.get("meetings", response=MeetingPage, summary="List meetings with attendance and readings")
@etag
def list_meetings(request, filters: Query[MeetingFilter], pagination: Query[PageQuery]):
    """Monthly meetings the caller can see, newest first; dates filter on the meeting day."""
    qs = visible(request.user, _meetings())
    if filters.unit:
        qs = qs.filter(Q(club__province_id=filters.unit) | Q(club__commune_id=filters.unit))
    if filters.club:
        qs = qs.filter(club_id=filters.club)
    qs = filters.apply(qs, "held_on")
    return page(qs, pagination, "-held_on")


@router.get("meetings/{meeting_id}", response=MeetingOut, summary="One meeting")
def get_meeting(request, meeting_id: Id):
    """Who came, what was presented and decided, and each member's blood pressure and weight."""
    return visible_or_404(request.user, _meetings(), pk=meeting_id)
