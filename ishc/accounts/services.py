"""Creating and managing people's accounts. Officers add the people below them (a province
officer adds commune officers and club boards of her province); every change is audited.

Each function checks the manager's right itself: the people page gates it too, but a command, an
API or a sync endpoint calling these must not be able to hand out more than the manager has.
"""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ishc.audit.services import record, snapshot

from .models import Assignment, User
from .permissions import manageable_roles, require
from .scope import editable, manageable_users, scope_of, visible

# Easy to read aloud over the phone to an older club member: no 0/O or 1/l/I.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

# What a manager may set on a new account. The admin flags and the password are never among them.
PERSON_FIELDS = frozenset(
    {"username", "first_name", "last_name", "role", "organisation", "phone", "email"}
)


def temporary_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _assert_may_create(manager: User, role: str, unit, club, fields: dict) -> None:
    require(manager, "accounts.manage_people")
    if set(fields) - PERSON_FIELDS:
        raise PermissionDenied(_("These account settings cannot be given by an officer."))
    if role not in manageable_roles(manager) or scope_of(manager).empty:
        raise PermissionDenied(_("You may not create an account with this role."))
    from ishc.clubs.models import Club
    from ishc.geo.models import Unit

    if club is not None and not editable(manager, Club.objects).filter(pk=club.pk).exists():
        raise PermissionDenied(_("This club is outside your area."))
    if unit is not None and not visible(manager, Unit.objects).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("This unit is outside your area."))
    if unit is None and club is None and not scope_of(manager).national:
        raise PermissionDenied(_("Only national officers may give access to the whole country."))


def _assert_may_manage(manager: User, user: User) -> None:
    require(manager, "accounts.manage_people")
    if not manageable_users(manager).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You may not manage this account."))


def create_person(manager: User, *, unit=None, club=None, **fields) -> tuple[User, str]:
    """A new account with one assignment and a temporary password to hand over in person."""
    _assert_may_create(manager, fields.get("role", ""), unit, club, fields)
    password = temporary_password()
    with transaction.atomic():
        user = User(**fields)
        user.set_password(password)
        user.save()
        Assignment.objects.create(user=user, unit=unit, club=club)
        record(
            manager,
            "accounts.user.created",
            user,
            after=snapshot(user, ["username", "first_name", "last_name", "role", "organisation"])
            | {"unit": getattr(unit, "pk", None), "club": getattr(club, "pk", None)},
            club=club,
            unit=unit,
        )
    return user, password


def reset_password(manager: User, user: User) -> str:
    _assert_may_manage(manager, user)
    password = temporary_password()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(manager, "accounts.user.password_reset", user)
    return password


def set_active(manager: User, user: User, active: bool) -> None:
    _assert_may_manage(manager, user)
    with transaction.atomic():
        before = snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(manager, "accounts.user.updated", user, before=before, after={"is_active": active})
