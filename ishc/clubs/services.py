"""Every change to clubs and members goes through these functions: they validate, write, and
record the audit entry in one transaction."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max

from ishc.audit.services import record, snapshot
from ishc.geo.models import Unit
from ishc.geo.resolver import Resolution, province_2025, resolve

from .models import Club, ClubStatus, ClubStatusChange, Member, Membership


def place_club(club: Club, registered: Unit) -> Resolution:
    """Set the club's registered unit and, through the resolver, its 2025 commune and province.

    When the successor is ambiguous or unknown the commune stays empty and the club waits in its
    province's "to confirm" list; the province still follows from the registered one.
    """
    club.registered_unit = registered
    club.registered_code = registered.code
    club.registered_name = registered.name
    resolution = resolve(registered)
    club.commune = resolution.unit
    if club.commune is not None:
        club.province_id = club.commune.province_id
    else:
        province = province_2025(registered)
        if province is None:
            raise ValueError(f"no 2025 province for {registered}")
        club.province = province
    return resolution


def _next_code(province: Unit) -> str:
    prefix = f"{province.code:02d}-"
    last = Club.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def create_club(
    user, *, registered: Unit, founded_on: datetime.date | None = None, **fields
) -> Club:
    """A new club, with a nationally unique code "<2025 province code>-<number>" that never
    changes, even if the club is later moved to another commune."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                club = Club(founded_on=founded_on, **fields)
                place_club(club, registered)
                club.code = fields.get("code") or _next_code(club.province)
                club.save()
                ClubStatusChange.objects.create(
                    club=club, status=ClubStatus.ACTIVE, since=founded_on or datetime.date.today()
                )
                record(user, "clubs.club.created", club, after=snapshot(club))
                return club
        except IntegrityError:
            # Two officers of one province created a club at the same moment and drew the same
            # number: draw again.
            if fields.get("code"):
                raise
    raise RuntimeError("could not allocate a club code")


def add_member(user, club: Club, *, joined_on: datetime.date, **fields) -> Member:
    with transaction.atomic():
        member = Member(club=club, **fields)
        member.save()
        Membership.objects.create(member=member, club=club, joined_on=joined_on)
        record(user, "clubs.member.created", member, after=snapshot(member))
        return member
