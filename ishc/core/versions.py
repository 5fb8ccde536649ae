"""Version numbers of the data, per club and per unit, moved after each committed change.

A cached figure (a dashboard, the home page's counts) is stored with the versions of the part of
the country it covers and is current while they have not moved. The parts:

- ``club:<id>``: a change recorded for one club (members, money, meetings, reports);
- ``unit:<id>``: a 2025 commune or province: any change for one of its clubs, or for the unit
  itself (a target, a commune setting);
- ``nation``: any change anywhere;
- ``all``: a change that belongs to no club or unit (a national target, the programmes): every
  cached figure depends on it. A club that moves to another commune moves the versions of the
  units it left as well as of those it joined (ishc.audit.services), not ``all``.

So a repayment in Cà Mau moves club, commune and province of Cà Mau and the nation; Hà Nội's
pages stay cached. The national figures do change with every write; the cache then serves the
previous result to everyone but one request, which recomputes (ishc.indicators.cache).

Why after commit: audit entries are numbered when written, not when committed, and on
PostgreSQL a transaction that started first may commit last. A version moved inside the
transaction could be read, and a result computed, before the other transaction's rows are
visible, and that result would then stay cached as current. Moving the version only once the
change is committed, and reading it before computing, means a result stored under a version
always saw every change that moved it there. The audit service calls bump_for(); every service
records its change through it (docs/architecture.md, the audit rule).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from .models import DataVersion

ALL = "all"
NATION = "nation"


def club_key(club_id: int) -> str:
    return f"club:{club_id}"


def unit_key(unit_id: int) -> str:
    return f"unit:{unit_id}"


def keys_for(obj) -> tuple[str, ...]:
    """The versions a figure about `obj` depends on: None (the nation), a Unit or a Club."""
    if obj is None:
        return (ALL, NATION)
    if obj._meta.label == "clubs.Club":
        return (ALL, club_key(obj.pk))
    return (ALL, unit_key(obj.pk))


def keys_for_scope(scope) -> tuple[str, ...]:
    """The versions a figure about a user's whole area depends on (ishc.accounts.scope.Scope)."""
    if scope.national:
        return (ALL, NATION)
    units = sorted(scope.province_ids | scope.commune_ids)
    return (ALL, *(unit_key(u) for u in units), *(club_key(c) for c in sorted(scope.club_ids)))


def read(keys: Iterable[str]) -> tuple[int, ...]:
    """The current versions of `keys` in that order (0 for a part never changed), one query."""
    keys = list(keys)
    found = dict(DataVersion.objects.filter(key__in=keys).values_list("key", "version"))
    return tuple(found.get(k, 0) for k in keys)


def bump(keys: Iterable[str]) -> None:
    """Move each version by one, creating rows as needed: an atomic upsert of many keys at once
    (the same SQL on SQLite and PostgreSQL), its rows in sorted order so that two writers never
    wait on each other's rows in opposite orders. Not one statement per key: an import touching
    150 clubs moves some 170 versions, and each statement was a commit of its own (this runs
    after the change's transaction, in autocommit)."""
    keys = sorted(set(keys))
    if not keys:
        return
    q = connection.ops.quote_name
    table, key_col, version = q(DataVersion._meta.db_table), q("key"), q("version")
    with connection.cursor() as cursor:
        # In slices, under SQLite's limit on parameters per statement.
        for start in range(0, len(keys), 5000):
            part = keys[start : start + 5000]
            cursor.execute(
                f"INSERT INTO {table} ({key_col}, {version}) VALUES "
                + ", ".join(["(%s, 1)"] * len(part))
                + f" ON CONFLICT ({key_col}) DO UPDATE SET {version} = {table}.{version} + 1",
                part,
            )


def changed_keys(club_ids: Iterable[int], unit_ids: Iterable[int]) -> set:
    """The versions moved by changes recorded for these clubs and units."""
    from ishc.clubs.models import Club
    from ishc.geo.models import Unit

    club_ids, unit_ids = set(club_ids), set(unit_ids)
    keys = set()
    if not (club_ids or unit_ids):
        keys.add(ALL)
    if club_ids or unit_ids:
        keys.add(NATION)
    for pk, commune, province in Club.objects.filter(pk__in=club_ids).values_list(
        "pk", "commune_id", "province_id"
    ):
        keys.add(club_key(pk))
        keys.update(unit_key(u) for u in (commune, province) if u)
    for pk, province in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "province_id"):
        keys.update(unit_key(u) for u in (pk, province) if u)
    return keys


def bump_after_commit(club_ids, unit_ids) -> None:
    """Called by the audit service inside the change's transaction: the versions move once the
    transaction has committed (at once when there is none), never for a rolled-back change."""
    club_ids, unit_ids = list(club_ids), list(unit_ids)

    def run():
        bump(changed_keys(club_ids, unit_ids))

    transaction.on_commit(run)
