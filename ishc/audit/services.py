"""Write and read audit entries. Every service that changes something that matters calls
record() inside its transaction."""

import datetime
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ishc.clubs.models import Club
from ishc.core import versions

from .models import AuditEntry, PersonalDataAccess


def _jsonable(value: Any) -> Any:
    # Plain values first: an import's entry lists thousands of member ids.
    if type(value) in (int, str, bool) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values, JSON-safe, for the before/after of an entry."""
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.name not in ("id", "search_name")
    ]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the fields that changed: {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def entry(
    user,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
    club=None,
    unit=None,
) -> AuditEntry:
    payload: dict[str, Any] = dict(data or {})
    if before is not None and after is not None:
        payload["changes"] = diff(before, after)
    elif after is not None:
        payload["after"] = after
    elif before is not None:
        payload["before"] = before
    if club is None and obj is not None:
        if obj._meta.label == "clubs.Club":
            club = obj
        elif getattr(obj, "club_id", None):
            club = obj.club_id
    user_ok = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry(
        user=user if user_ok else None,
        user_name=user.get_username() if user_ok else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        club_id=club if isinstance(club, int) else getattr(club, "pk", None),
        unit_id=unit if isinstance(unit, int) else getattr(unit, "pk", None),
        data=_jsonable_dict(payload),
    )


def record(user, action: str, obj: models.Model | None = None, **kwargs) -> AuditEntry:
    """Write one entry (see entry() for the arguments); once the change commits, the versions
    of its club and units move, so cached figures about them are recomputed."""
    audit_entry = entry(user, action, obj, **kwargs)
    audit_entry.save()
    _moves_versions([audit_entry])
    return audit_entry


def record_many(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Write entries built with entry() in one query: an import that touches 150 clubs writes
    one entry per club without 150 round trips."""
    written = AuditEntry.objects.bulk_create(entries, batch_size=500)
    _moves_versions(written)
    return written


def _moves_versions(entries: list[AuditEntry]) -> None:
    club_type = ContentType.objects.get_for_model(Club)
    clubs = {e.club_id for e in entries if e.club_id}
    # A member who moves changes the club left as well as the club joined.
    clubs |= {e.data["from"] for e in entries if isinstance(e.data.get("from"), int)}
    units = {e.unit_id for e in entries if e.unit_id}
    # A club moved to another commune (or out of "to confirm") changes the figures of the units
    # it left as well as those it joined. Nothing else about a club concerns other units, so a
    # club's edit leaves the rest of the country's cached figures alone.
    for e in entries:
        if e.content_type_id == club_type.pk:
            for field in ("commune_id", "province_id"):
                old = e.data.get("changes", {}).get(field, [None])[0]
                if isinstance(old, int):
                    units.add(old)
    versions.bump_after_commit(clubs, units)


def _jsonable_dict(payload: dict) -> dict:
    return {
        k: (_jsonable_dict(v) if isinstance(v, dict) else _jsonable(v)) for k, v in payload.items()
    }


def history(obj: models.Model):
    """Entries about one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("user")


def personal_data(request, action: str, *, club=None, unit=None, member=None, rows=None):
    """Log that request.user saw or exported members' personal data (Decree 13/2023).

    With no club or unit named, the reader's own area is used when it is one club or one unit,
    so that the province sees its communes' officers browsing unfiltered lists."""
    # Imported here: the clubs and geo apps import this module for record().
    from ishc.accounts.scope import scope_of

    user = request.user
    club_id, unit_id = getattr(club, "pk", None), getattr(unit, "pk", None)
    if club_id is None and member is not None:
        club_id = member.club_id
    if club_id is None and unit_id is None:
        scope = scope_of(user)
        units = scope.province_ids | scope.commune_ids
        if len(scope.club_ids) == 1 and not units:
            club_id = next(iter(scope.club_ids))
        elif len(units) == 1 and not scope.club_ids:
            unit_id = next(iter(units))
    return PersonalDataAccess.objects.create(
        user=user,
        user_name=user.get_username(),
        action=action,
        club_id=club_id,
        unit_id=unit_id,
        member=member,
        rows=rows,
        path=request.get_full_path()[:300],
    )
