"""Who may do what: the one table of capabilities, asked by every view and asserted again by
every service that changes something.

A capability is decided from two things only:

- the user's role (the table below: which roles hold it), and
- the user's scope (ishc.accounts.scope, never a second copy here): a user with no assigned
  area holds nothing, and when the question is about one object (a club, a unit, a member, a
  report, a loan …) the object must be inside what the user may change (`scope.editable`).
  Capabilities marked NATIONAL are about the Board's national records and need the country.

A few capabilities carry one object rule on top (a Board member edits only the tasks of the
agency she sits for; a meeting's conclusions are the chair's): the rule is named in the table and
written below it, so that the table stays the whole answer.

Why services ask again: the web forms are not the only caller. An API, a management command or
the offline sync calls the same services; a service that trusted its caller would let any of them
record money for a stranger's club or hand out an administrator's account.

`None` as the user stands for the system itself (a management command or the demo seed, run by
someone who already holds the server's shell): it is let through. A web request always carries a
user (AnonymousUser when logged out), who holds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Role
from .scope import editable, scope_of

# The groups of roles the table is written with.
ENTERING = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE, Role.CLUB})
OFFICERS = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE})
PROVINCE_UP = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE})
CENTRE = frozenset({Role.ADMIN, Role.CENTRAL})

# Where a capability applies.
AREA = "area"  # inside the user's area; an object must be one the user may change
NATIONAL = "national"  # the Board's national records: any user with an area, plus the rule

# The level each role acts at in the monthly report workflow: approving happens at exactly the
# level due, so that nobody skips one; central officers and administrators stand above the
# province.
CLUB_LEVEL, COMMUNE_LEVEL, PROVINCE_LEVEL, CENTRAL_LEVEL = 0, 1, 2, 3
LEVEL = {
    Role.CLUB: CLUB_LEVEL,
    Role.COMMUNE: COMMUNE_LEVEL,
    Role.PROVINCE: PROVINCE_LEVEL,
    Role.CENTRAL: CENTRAL_LEVEL,
    Role.ADMIN: CENTRAL_LEVEL,
}

# Which roles each role may create and manage: always a level below its own, so that nobody can
# hand out more than they have. Nobody but an administrator creates administrators.
MANAGES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.CENTRAL: frozenset({Role.BOARD, Role.PROVINCE, Role.COMMUNE, Role.CLUB, Role.VIEWER}),
    Role.PROVINCE: frozenset({Role.COMMUNE, Role.CLUB, Role.VIEWER}),
    Role.COMMUNE: frozenset({Role.CLUB}),
}


@dataclass(frozen=True)
class Capability:
    name: str
    label: str
    roles: frozenset
    where: str = AREA
    rule: str = ""  # the name of an object rule below, if any


CAPABILITIES: dict[str, Capability] = {
    c.name: c
    for c in [
        Capability("clubs.create", gettext_lazy("Register a club"), OFFICERS),
        Capability(
            "clubs.edit", gettext_lazy("Change a club, its members, groups and board"), ENTERING
        ),
        Capability(
            "clubs.confirm_commune", gettext_lazy("Choose a club's 2025 commune"), PROVINCE_UP
        ),
        Capability("clubs.import", gettext_lazy("Import members from a spreadsheet"), ENTERING),
        Capability(
            "clubs.review", gettext_lazy("Review clubs outside the bands or to confirm"), OFFICERS
        ),
        Capability(
            "activities.record", gettext_lazy("Record meetings, activities and home care"), ENTERING
        ),
        Capability(
            "finance.record",
            gettext_lazy("Record money, loans and repayments of a club"),
            frozenset({Role.ADMIN, Role.CENTRAL, Role.CLUB}),
        ),
        Capability("finance.approve_write_off", gettext_lazy("Decide a write-off"), OFFICERS),
        Capability("reports.submit", gettext_lazy("Write and submit a monthly report"), ENTERING),
        Capability(
            "reports.approve", gettext_lazy("Approve or send back a monthly report"), OFFICERS
        ),
        Capability("reports.lock", gettext_lazy("Lock an approved report"), PROVINCE_UP),
        Capability("reports.reopen", gettext_lazy("Reopen a locked report"), CENTRE),
        Capability(
            "reports.commune_setting",
            gettext_lazy("Say whether a commune association approves reports"),
            PROVINCE_UP,
        ),
        Capability("reports.rubric", gettext_lazy("Compute and override the rubric"), OFFICERS),
        Capability(
            "indicators.edit_targets",
            gettext_lazy("Set targets of a province or commune"),
            OFFICERS,
        ),
        Capability(
            "accounts.manage_people", gettext_lazy("Create and manage people's accounts"), OFFICERS
        ),
        Capability("audit.read", gettext_lazy("Read the change log of the area"), OFFICERS),
        # Decree 13/2023: the log of who read members' personal data is for those who answer for
        # the data of a whole province or of the country.
        Capability(
            "audit.personal_data",
            gettext_lazy("Read who viewed or exported members' personal data"),
            PROVINCE_UP,
        ),
        Capability(
            "board.record",
            gettext_lazy("Record contributions, documents and events of the area"),
            ENTERING,
        ),
        Capability(
            "board.admin",
            gettext_lazy("Run the Board's secretariat: agencies, members, meetings, tasks"),
            CENTRE,
            NATIONAL,
        ),
        Capability(
            "board.edit_task",
            gettext_lazy("Change a Board task"),
            CENTRE | {Role.BOARD},
            NATIONAL,
            "agency_leads",
        ),
        Capability(
            "board.note_task",
            gettext_lazy("Write a progress note on a Board task"),
            CENTRE | {Role.BOARD},
            NATIONAL,
            "agency_leads_or_supports",
        ),
        Capability(
            "board.run_meeting",
            gettext_lazy("Record a Board meeting's conclusions"),
            CENTRE | {Role.BOARD},
            NATIONAL,
            "chair",
        ),
    ]
}


def _role(user) -> str:
    return user.role


def agency_ids(user) -> frozenset[int]:
    """Agencies the user sits on the Board for today (one query, cached on the user)."""
    cached = getattr(user, "_board_agencies", None)
    if cached is not None:
        return cached
    ids: frozenset[int] = frozenset()
    if user.is_authenticated and user.role == Role.BOARD and not scope_of(user).empty:
        from ishc.board.models import BoardMember

        ids = frozenset(
            BoardMember.objects.current().filter(user=user).values_list("agency_id", flat=True)
        )
    user._board_agencies = ids
    return ids


def _agency_leads(user, task, supporting_ids=None) -> bool:
    return task.responsible_id in agency_ids(user)


def _agency_leads_or_supports(user, task, supporting_ids=None) -> bool:
    mine = agency_ids(user)
    if not mine:
        return False
    if task.responsible_id in mine:
        return True
    if supporting_ids is None:
        supporting_ids = {a.pk for a in task.supporting.all()}
    return bool(mine & set(supporting_ids))


def _chair(user, meeting, supporting_ids=None) -> bool:
    return meeting.chair.user_id == user.pk and bool(agency_ids(user))


# Object rules for the roles that do not hold a capability everywhere in their area: the centre
# (CENTRE) passes without them.
RULES: dict[str, Callable] = {
    "agency_leads": _agency_leads,
    "agency_leads_or_supports": _agency_leads_or_supports,
    "chair": _chair,
}


def _inside(user, obj: Model) -> bool:
    model = type(obj)
    return editable(user, model._default_manager.filter(pk=obj.pk)).exists()


def _refusal(user, cap: str, obj=None, **context) -> str | None:
    """Why the user may not (a translated sentence), or None when they may."""
    capability = CAPABILITIES[cap]  # an unknown name is a programming error: KeyError
    if user is None:
        return None
    if not getattr(user, "is_authenticated", False) or scope_of(user).empty:
        return _("You have no area assigned, so you cannot do this.")
    role = _role(user)
    if role not in capability.roles:
        return _("Your role (%(role)s) does not allow this: %(what)s.") % {
            "role": Role(role).label if role in Role.values else role,
            "what": str(capability.label).lower(),
        }
    if capability.where == NATIONAL:
        if capability.rule and role not in CENTRE and obj is not None:
            if not RULES[capability.rule](user, obj, context.get("supporting_ids")):
                return _("Only the agency or the chair concerned may do this.")
        elif capability.rule and role not in CENTRE:
            # Without an object, a Board member holds the capability only if she sits for an
            # agency at all.
            if not agency_ids(user):
                return _("Only the agency or the chair concerned may do this.")
        return None
    if obj is not None and not _inside(user, obj):
        return _("This is outside your area.")
    return None


def can(user, cap: str, obj: Model | None = None, **context) -> bool:
    """Whether the user holds the capability (for `obj`, when given)."""
    return _refusal(user, cap, obj, **context) is None


def require(user, cap: str, obj: Model | None = None, **context) -> None:
    """Refuse with PermissionDenied and a clear sentence unless the user holds the capability."""
    reason = _refusal(user, cap, obj, **context)
    if reason is not None:
        raise PermissionDenied(reason)


def manageable_roles(user) -> list[str]:
    """The roles the user may give to the people they add (a level below their own)."""
    if not can(user, "accounts.manage_people"):
        return []
    allowed = MANAGES.get(_role(user), frozenset())
    return [r for r in Role.values if r in allowed]


def matrix() -> list[tuple[Capability, list[bool]]]:
    """The role × capability table as rows of booleans, in Role order (for the docs)."""
    return [(c, [r in c.roles for r in Role.values]) for c in CAPABILITIES.values()]


def matrix_markdown() -> str:
    """The matrix as the Markdown table of docs/architecture.md (generated, never hand-edited)."""
    from django.utils import translation

    with translation.override("en"):
        head = ["Capability", *[str(Role(r).label) for r in Role.values]]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for c, cells in matrix():
            where = " (national records)" if c.where == NATIONAL else ""
            rule = f"; rule: {c.rule}" if c.rule else ""
            name = f"`{c.name}` — {c.label}{where}{rule}"
            marks = [("yes" if ok else "·") for ok in cells]
            lines.append("| " + " | ".join([name, *marks]) + " |")
    return "\n".join(lines) + "\n"
