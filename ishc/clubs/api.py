"""Clubs, members, membership periods and board terms over the API.

Reads go through `scope.visible()`; writes find the club or member through `scope.editable()`,
validate with the same form as the page, and call the same service, so the rules, the audit entry
and the refusal messages are the web's.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Q
from ninja import Query, Router, Schema

from ishc.accounts.scope import visible, visible_or_404
from ishc.api.access import for_change
from ishc.api.errors import check_form
from ishc.api.idempotency import IdempotencyKey, once
from ishc.api.lists import BodyId, DateRange, Id, PageQuery, QueryId, etag, page, page_schema, text

from . import forms, services
from .models import BoardPosition, Club, ClubStatus, Household, Member, Membership, Sex

router = Router(tags=["clubs"])


class ClubOut(Schema):
    id: int
    code: str
    name: str
    village: str
    province_id: int
    commune_id: int | None
    registered_unit_id: int | None
    cohort: str
    status: str
    founded_on: datetime.date | None
    meeting_day: int | None


class MemberOut(Schema):
    id: int
    club_id: int
    full_name: str
    sex: str
    birth_year: int
    birth_date: datetime.date | None
    ethnicity_id: int | None
    household: str
    disabled: bool
    lives_alone: bool
    health_insurance: bool
    allowance: str
    phone: str
    group_id: int | None


class MembershipOut(Schema):
    id: int
    member_id: int
    club_id: int
    joined_on: datetime.date
    left_on: datetime.date | None
    leave_reason: str


class BoardPositionOut(Schema):
    id: int
    club_id: int
    member_id: int
    position: str
    area: str
    started_on: datetime.date
    ended_on: datetime.date | None


ClubPage = page_schema(ClubOut, "ClubPage")
MemberPage = page_schema(MemberOut, "MemberPage")
MembershipPage = page_schema(MembershipOut, "MembershipPage")
BoardPositionPage = page_schema(BoardPositionOut, "BoardPositionPage")


class WhereFilter(Schema):
    unit: QueryId = None
    club: QueryId = None


def _where(qs, filters: WhereFilter, club_path: str):
    """Narrow a visible list to a unit (province or commune) or a club; never widens it."""
    p = f"{club_path}__" if club_path else ""
    if filters.unit:
        qs = qs.filter(
            Q(**{f"{p}province_id": filters.unit}) | Q(**{f"{p}commune_id": filters.unit})
        )
    if filters.club:
        qs = qs.filter(**{f"{p}pk" if not club_path else f"{club_path}_id": filters.club})
    return qs


class ClubFilter(WhereFilter):
    status: Literal[tuple(ClubStatus.values)] | None = None  # type: ignore[valid-type]
    q: text(120) | None = None


@router.get("clubs", response=ClubPage, summary="List clubs")
@etag
def list_clubs(request, filters: Query[ClubFilter], pagination: Query[PageQuery]):
    """Clubs the caller can see, by name; filter by unit, status or text."""
    qs = _where(visible(request.user, Club.objects.all()), filters, "")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        from ishc.core.text import fold

        qs = qs.filter(search_name__contains=fold(filters.q))
    return page(qs, pagination, "name")


@router.get("clubs/{club_id}", response=ClubOut, summary="One club")
def get_club(request, club_id: Id):
    return visible_or_404(request.user, Club.objects.all(), pk=club_id)


class MemberFilter(WhereFilter):
    q: text(120) | None = None


@router.get("members", response=MemberPage, summary="List members")
@etag
def list_members(request, filters: Query[MemberFilter], pagination: Query[PageQuery]):
    """Members (current and former) the caller can see, by name; filter by unit, club or text."""
    qs = _where(visible(request.user, Member.objects.all()), filters, "club")
    if filters.q:
        from ishc.core.text import fold

        qs = qs.filter(search_name__contains=fold(filters.q))
    return page(qs, pagination, "club_id", "search_name")


@router.get("members/{member_id}", response=MemberOut, summary="One member")
def get_member(request, member_id: Id):
    return visible_or_404(request.user, Member.objects.all(), pk=member_id)


class MemberIn(Schema):
    full_name: text(120, min_length=1)
    sex: Literal[tuple(Sex.values)]  # type: ignore[valid-type]
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    ethnicity_id: BodyId
    household: Literal[tuple(Household.values)]  # type: ignore[valid-type]
    disabled: bool = False
    lives_alone: bool = False
    health_insurance: bool = False
    allowance: Literal["", "pension", "social"] = ""
    phone: text(20) = ""
    group_id: BodyId | None = None


class MemberCreate(MemberIn):
    joined_on: datetime.date


NAMES = {"ethnicity": "ethnicity_id", "group": "group_id"}


def _form_data(payload: MemberIn) -> dict:
    data = payload.dict()
    data["ethnicity"] = data.pop("ethnicity_id")
    data["group"] = data.pop("group_id")
    # An unchecked box is absent from a posted form; the form reads False from its absence.
    return {k: v for k, v in data.items() if v is not None and v is not False}


@router.post("clubs/{club_id}/members", response={201: MemberOut}, summary="Add a member")
def add_member(request, club_id: Id, payload: MemberCreate, key: IdempotencyKey = None):
    """Add a member to a club, with the day they joined (the web's "Add a member")."""
    club = for_change(request.user, Club.objects.all(), "clubs.edit", pk=club_id)
    cleaned = check_form(forms.MemberForm(_form_data(payload), club=club), NAMES)
    fields = {name: cleaned[name] for name in forms.MemberForm.Meta.fields}
    return once(
        request,
        201,
        MemberOut,
        lambda: services.add_member(request.user, club, joined_on=cleaned["joined_on"], **fields),
    )


@router.put("members/{member_id}", response=MemberOut, summary="Change a member")
def update_member(request, member_id: Id, payload: MemberIn):
    """Replace a member's details (the web's "Edit member"); moving clubs is not done here."""
    member = for_change(request.user, Member.objects.all(), "clubs.edit", pk=member_id)
    cleaned = check_form(
        forms.MemberForm(_form_data(payload), instance=member, club=member.club), NAMES
    )
    stored = Member.objects.get(pk=member.pk)
    fields = {name: cleaned[name] for name in forms.MemberForm.Meta.fields}
    return services.update_member(request.user, stored, **fields)


class PeriodFilter(WhereFilter, DateRange):
    member: QueryId = None
    current: bool | None = None


@router.get("memberships", response=MembershipPage, summary="List membership periods")
@etag
def list_memberships(request, filters: Query[PeriodFilter], pagination: Query[PageQuery]):
    """Periods of membership (join, leave, reason); dates filter on the day joined."""
    qs = _where(visible(request.user, Membership.objects.all()), filters, "club")
    qs = filters.apply(qs, "joined_on")
    if filters.member:
        qs = qs.filter(member_id=filters.member)
    if filters.current is not None:
        qs = qs.filter(left_on__isnull=filters.current)
    return page(qs, pagination, "joined_on")


class BoardFilter(WhereFilter):
    on: datetime.date | None = None


@router.get("board-positions", response=BoardPositionPage, summary="List board terms")
@etag
def list_board_positions(request, filters: Query[BoardFilter], pagination: Query[PageQuery]):
    """Board terms (chair, vice-chair, accountant, area leads); `on` keeps terms running that
    day."""
    qs = _where(visible(request.user, BoardPosition.objects.all()), filters, "club")
    if filters.on:
        qs = qs.on(filters.on)
    return page(qs, pagination, "club_id", "started_on")
