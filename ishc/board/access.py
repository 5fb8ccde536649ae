"""Who may see and change the Board's data. Every board view goes through these helpers.

- The Board's own work (agencies, members, tasks, meetings) is national: every user with a scope
  reads it. Who changes it is decided in ishc.accounts.permissions (board.admin, board.edit_task,
  board.note_task, board.run_meeting): central officers and administrators change everything; a
  Board member changes the tasks of the agency she sits for, writes progress notes on the tasks
  her agency leads or supports, and as chair of a meeting records its conclusions.
- Contributions, documents and events are tied to a place and go through ishc.accounts.scope.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from ishc.accounts import permissions
from ishc.accounts.permissions import can
from ishc.accounts.scope import editable, scope_of, visible

from .models import Contribution, Document, Meeting, Task


def is_board_admin(user) -> bool:
    """Central officers and administrators run the Board's secretariat."""
    return can(user, "board.admin")


def agency_ids(user) -> frozenset[int]:
    """Agencies the user sits on the Board for today (one query, cached on the user)."""
    return permissions.agency_ids(user)


def national(user, qs: QuerySet) -> QuerySet:
    """The Board's own (national) records: readable by every user with a scope."""
    return qs if not scope_of(user).empty else qs.none()


def national_or_404(user, qs: QuerySet, **lookup):
    try:
        return national(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None


def may_edit_task(user, task: Task) -> bool:
    return can(user, "board.edit_task", task)


def may_note_task(user, task: Task, supporting_ids: set[int] | None = None) -> bool:
    return can(user, "board.note_task", task, supporting_ids=supporting_ids)


def may_run_meeting(user, meeting: Meeting) -> bool:
    """Administrators, and the person who chaired the meeting, record and act on conclusions."""
    return can(user, "board.run_meeting", meeting)


def contributions(user, qs: QuerySet | None = None) -> QuerySet:
    return visible(user, qs if qs is not None else Contribution.objects.all())


def documents(user, qs: QuerySet | None = None) -> QuerySet:
    """Documents of the user's area and of the units above it (ishc.accounts.scope), and public
    ones, which everybody with a scope reads."""
    qs = qs if qs is not None else Document.objects.all()
    if scope_of(user).empty:
        return qs.none()
    return qs.filter(Q(pk__in=visible(user, Document.objects.all()).values("pk")) | Q(public=True))


def editable_documents(user, qs: QuerySet | None = None) -> QuerySet:
    return editable(user, qs if qs is not None else Document.objects.all())
