"""The meeting-day sync, under /api/v1/meeting-day/: what the phone downloads for a club's
meeting of one month, and where it sends what was typed (see ishc.activities.meetingday)."""

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import SessionAuth

from ishc.accounts.scope import editable
from ishc.clubs.models import Club
from ishc.core.text import by_vietnamese_name

from . import meetingday

# Session cookie with Django's CSRF check: the phone's page sends the csrftoken cookie back in
# the X-CSRFToken header.
router = Router(auth=SessionAuth(csrf=True), tags=["meeting day"])


class LineIn(Schema):
    uuid: UUID
    field: str
    member: int | None = None
    loan: int | None = None
    value: Any = None
    base: Any = None
    replaces: list[UUID] = []
    resolve: str = ""


class SyncIn(Schema):
    date: datetime.date
    lines: list[LineIn]


class Answer(Schema):
    uuid: str
    status: str
    message: str
    server: Any = None


class MeetingDayClubOut(Schema):
    id: int
    name: str
    page: str
    roster: str


class SyncOut(Schema):
    meeting_date: datetime.date | None
    error: str
    answers: list[Answer]


def _club(request, club_id: int) -> Club:
    club = editable(request.auth, Club.objects.all()).filter(pk=club_id).first()
    if club is None:
        raise Http404
    return club


def _month(year: int, month: int) -> datetime.date:
    try:
        return datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None


@router.get(
    "/clubs",
    response=list[MeetingDayClubOut],
    url_name="meeting_day_clubs",
    summary="Clubs whose meetings this user records",
)
def clubs(request):
    """The clubs this user records meetings for, with the URL of this month's flow (the phone
    keeps each one's roster for when there is no network)."""
    today = timezone.localdate()
    return [
        {
            "id": club.pk,
            "name": club.name,
            "page": reverse("meetingday:month", args=[club.pk, today.year, today.month]),
            "roster": reverse("api-v1:meeting_day_roster", args=[club.pk, today.year, today.month]),
        }
        # Twenty clubs at most are kept on a phone; the ones shown are in the register's order.
        for club in by_vietnamese_name(
            editable(request.auth, Club.objects.order_by("name"))[:20], name=lambda c: c.name
        )
    ]


@router.get(
    "/clubs/{club_id}/{year}/{month}",
    response=dict[str, Any],
    url_name="meeting_day_roster",
    summary="A club's roster, loans due and fee for a meeting month",
)
def roster(request, club_id: int, year: int, month: int, date: datetime.date | None = None):
    club = _club(request, club_id)
    month = _month(year, month)
    if date is not None and (date.year, date.month) != (month.year, month.month):
        date = None
    return meetingday.roster(request.auth, club, month, date)


@router.post(
    "/clubs/{club_id}/{year}/{month}/sync",
    response={200: SyncOut, 403: dict[str, str]},
    url_name="meeting_day_sync",
    summary="Send the lines typed at a meeting (idempotent on each line's UUID)",
)
def sync(request, club_id: int, year: int, month: int, payload: SyncIn):
    club = _club(request, club_id)
    lines = [meetingday.LineIn(**line.dict()) for line in payload.lines]
    try:
        result = meetingday.sync(request.auth, club, _month(year, month), payload.date, lines)
    except PermissionDenied:
        return router.api.create_response(
            request, {"detail": _("You may not record for this club.")}, status=403
        )
    return result
