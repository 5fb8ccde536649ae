"""Creating and managing people's accounts. Officers add the people below them (a province
officer adds commune officers and club boards of her province); every change is audited."""

import secrets

from django.db import transaction

from ishc.audit.services import record, snapshot

from .models import Assignment, User

# Easy to read aloud over the phone to an older club member: no 0/O or 1/l/I.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def create_person(manager: User, *, unit=None, club=None, **fields) -> tuple[User, str]:
    """A new account with one assignment and a temporary password to hand over in person."""
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
    password = temporary_password()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(manager, "accounts.user.password_reset", user)
    return password


def set_active(manager: User, user: User, active: bool) -> None:
    with transaction.atomic():
        before = snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(manager, "accounts.user.updated", user, before=before, after={"is_active": active})
