"""Who may see and change the Board's data. Every board view goes through these helpers.

- The Board's own work (agencies, members, tasks, meetings) is national: every user with a scope
  reads it. Central officers and administrators change everything; a Board member (role "board")
  changes the tasks of the agency she sits for, through her BoardMember row, and writes progress
  notes on the tasks her agency leads or supports; the chair of a meeting records its conclusions
  and turns them into tasks.
- Contributions, documents and events are tied to a place and go through ishc.accounts.scope.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from ishc.accounts.models import Role
from ishc.accounts.scope import editable, scope_of, visible
from ishc.clubs.models import Club
from ishc.geo.models import Unit

from .models import BoardMember, Contribution, Document, Meeting, Task


def is_board_admin(user) -> bool:
    """Central officers and administrators run the Board's secretariat."""
    if not user.is_authenticated or (scope_of(user).empty and not user.is_superuser):
        return False
    return user.is_superuser or user.role in (Role.ADMIN, Role.CENTRAL)


def agency_ids(user) -> frozenset[int]:
    """Agencies the user sits on the Board for today (one query, cached on the user)."""
    cached = getattr(user, "_board_agencies", None)
    if cached is not None:
        return cached
    ids: frozenset[int] = frozenset()
    if user.is_authenticated and user.role == Role.BOARD and not scope_of(user).empty:
        ids = frozenset(
            BoardMember.objects.current().filter(user=user).values_list("agency_id", flat=True)
        )
    user._board_agencies = ids
    return ids


def national(user, qs: QuerySet) -> QuerySet:
    """The Board's own (national) records: readable by every user with a scope."""
    return qs if not scope_of(user).empty else qs.none()


def national_or_404(user, qs: QuerySet, **lookup):
    try:
        return national(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None


def may_edit_task(user, task: Task) -> bool:
    return is_board_admin(user) or task.responsible_id in agency_ids(user)


def may_note_task(user, task: Task, supporting_ids: set[int] | None = None) -> bool:
    if may_edit_task(user, task):
        return True
    mine = agency_ids(user)
    if not mine:
        return False
    if supporting_ids is None:
        supporting_ids = {a.pk for a in task.supporting.all()}
    return bool(mine & supporting_ids)


def may_run_meeting(user, meeting: Meeting) -> bool:
    """Administrators, and the person who chaired the meeting, record and act on conclusions."""
    return is_board_admin(user) or (
        user.is_authenticated and meeting.chair.user_id == user.pk and bool(agency_ids(user))
    )


def contributions_q(user, *, edit: bool = False) -> Q:
    """A contribution to a club is scoped through the club, one to a unit through the unit, and
    one to nobody (the programme nationally) is read by everyone with a scope but entered only by
    national users."""
    scope = scope_of(user)
    if scope.empty or (edit and not scope.can_enter):
        return Q(pk__in=[])
    return (Q(club__isnull=False) & scope.club_q("club")) | (
        Q(club__isnull=True) & scope.unit_q("unit", national_objects=not edit)
    )


def contributions(user, qs: QuerySet | None = None) -> QuerySet:
    qs = qs if qs is not None else Contribution.objects.all()
    return qs.filter(contributions_q(user))


def documents(user, qs: QuerySet | None = None) -> QuerySet:
    """Documents of the user's units (national ones for national users), those issued above
    them (a province's guidance reaches its communes and clubs), and public ones."""
    qs = qs if qs is not None else Document.objects.all()
    scope = scope_of(user)
    if scope.empty:
        return qs.none()
    q = Q(pk__in=visible(user, Document.objects.all()).values("pk")) | Q(public=True)
    if scope.commune_ids:
        q |= Q(unit__in=Unit.objects.filter(pk__in=scope.commune_ids).values("province_id"))
    if scope.club_ids:
        clubs = Club.objects.filter(pk__in=scope.club_ids)
        q |= Q(unit__in=clubs.values("province_id")) | Q(unit__in=clubs.values("commune_id"))
    return qs.filter(q)


def editable_documents(user, qs: QuerySet | None = None) -> QuerySet:
    return editable(user, qs if qs is not None else Document.objects.all())


def may_enter_national(user) -> bool:
    scope = scope_of(user)
    return scope.national and scope.can_enter
