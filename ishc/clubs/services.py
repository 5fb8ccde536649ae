"""Every change to clubs and members goes through these functions: they validate, write, and
record the audit entry in one transaction. Views, the importer, the demo and other apps call them;
nothing else writes these models."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from ishc.accounts.permissions import require
from ishc.audit.services import record, snapshot
from ishc.core.text import fold
from ishc.core.uploads import check_document
from ishc.geo.models import Level, Scheme, Unit
from ishc.geo.resolver import Resolution, province_2025, resolve, resolve_legacy_code

from .models import (
    BoardPosition,
    Club,
    ClubStatus,
    ClubStatusChange,
    Group,
    Member,
    Membership,
    Position,
    VolunteerRole,
)


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


def candidates(club: Club) -> Resolution:
    """The 2025 communes a person may choose from for a club still to confirm: the resolver's
    successors, or every commune of the club's province when the conversion table has none."""
    if club.registered_unit_id:
        resolution = resolve(club.registered_unit)
    elif club.registered_code:
        resolution = resolve_legacy_code(club.registered_code)
    else:
        resolution = Resolution(Resolution.CONFIRM)
    if resolution.candidates:
        return resolution
    communes = list(Unit.objects.communes().filter(province_id=club.province_id).order_by("name"))
    return Resolution(Resolution.CONFIRM, communes)


RULE_FIELDS = ("loan_max_amount", "loan_max_months", "loan_monthly_rate", "meeting_day")


def _check_rules(club: Club) -> None:
    """The club's numbers within their bounds (the model's validators), as a ValidationError
    on the field rather than the database's constraint failing the request."""
    club.clean_fields(exclude=[f.name for f in Club._meta.fields if f.name not in RULE_FIELDS])


def _check_joined(member: Member, joined_on: datetime.date) -> None:
    born = member.birth_date or datetime.date(member.birth_year, 1, 1)
    if joined_on < born and (member.birth_date or joined_on.year < member.birth_year):
        raise ValidationError({"joined_on": _("The joining date is before the birth.")})


def _next_code(province: Unit) -> str:
    prefix = f"{province.code:02d}-"
    last = Club.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _take_regulations(fields: dict) -> None:
    """A newly uploaded regulations file is checked by its bytes and stored under a name of ours
    (its hash), so nothing the browser sent becomes a path or comes back in a header."""
    upload = fields.get("regulations_file")
    if isinstance(upload, UploadedFile):
        try:
            checked = check_document(upload)
        except ValidationError as e:
            raise ValidationError({"regulations_file": e}) from None
        upload.name = f"{checked.sha256[:16]}.{checked.extension}"


def create_club(
    user, *, registered: Unit, founded_on: datetime.date | None = None, **fields
) -> Club:
    """A new club, with a nationally unique code "<2025 province code>-<number>" that never
    changes, even if the club is later moved to another commune."""
    require(user, "clubs.create")
    _take_regulations(fields)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                club = Club(founded_on=founded_on, **fields)
                _check_rules(club)
                place_club(club, registered)
                # Where the club lands (its 2025 commune, else its province) must be the user's.
                require(user, "clubs.create", club.commune or club.province)
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


def update_club(user, club: Club, *, registered: Unit | None = None, **fields) -> Club:
    """Change a club's details. A new registered unit re-runs the resolver; the code never
    changes, nor does the status (that is set_status's job)."""
    require(user, "clubs.edit", club)
    fields.pop("code", None)
    fields.pop("status", None)
    _take_regulations(fields)
    with transaction.atomic():
        before = snapshot(club)
        for name, value in fields.items():
            setattr(club, name, value)
        _check_rules(club)
        if registered is not None and registered.pk != club.registered_unit_id:
            place_club(club, registered)
        club.save()
        after = snapshot(club)
        if after != before:
            record(user, "clubs.club.updated", club, before=before, after=after)
        return club


def confirm_commune(user, club: Club, commune: Unit) -> Club:
    """A person chooses the 2025 commune of a club whose successor was ambiguous (or missing)."""
    require(user, "clubs.confirm_commune", club)
    if commune.scheme != Scheme.CURRENT or commune.level != Level.COMMUNE:
        raise ValidationError(_("Choose a commune of 2025."))
    if commune.province_id != club.province_id:
        raise ValidationError(_("The commune must be in the club's province."))
    allowed = candidates(club).candidates
    if allowed and commune not in allowed:
        raise ValidationError(_("Choose one of the communes offered."))
    with transaction.atomic():
        before = snapshot(club, ["commune_id", "province_id"])
        club.commune = commune
        club.province_id = commune.province_id
        club.save()
        record(
            user,
            "clubs.club.commune_confirmed",
            club,
            before=before,
            after=snapshot(club, ["commune_id", "province_id"]),
            unit=commune,
        )
        return club


def set_status(
    user,
    club: Club,
    status: str,
    *,
    since: datetime.date,
    reason: str = "",
    merged_into: Club | None = None,
) -> ClubStatusChange:
    """Add an entry to the club's status history and keep Club.status equal to the latest one.

    History is never rewritten: a change dated before the latest entry is refused, as it would
    silently make the current status wrong.
    """
    require(user, "clubs.edit", club)
    if status not in ClubStatus.values:
        raise ValidationError(_("Unknown status."))
    if status == ClubStatus.MERGED:
        if merged_into is None:
            raise ValidationError(_("Say which club this club was merged into."))
        if merged_into.pk == club.pk:
            raise ValidationError(_("A club cannot be merged into itself."))
    elif merged_into is not None:
        raise ValidationError(_("Only a merged club has a club it was merged into."))
    if status in (ClubStatus.MERGED, ClubStatus.DISSOLVED, ClubStatus.INACTIVE) and not reason:
        raise ValidationError(_("Give the reason."))
    with transaction.atomic():
        # NO KEY UPDATE: entries and members of the club committed meanwhile only check its key.
        club = Club.objects.select_for_update(no_key=True).get(pk=club.pk)
        latest = club.status_history.first()
        if latest is not None and since < latest.since:
            raise ValidationError(
                _("The history already has a change on %(date)s; enter changes in order.")
                % {"date": latest.since.strftime("%d/%m/%Y")}
            )
        if latest is not None and latest.status == status:
            raise ValidationError(_("The club already has this status."))
        change = ClubStatusChange.objects.create(
            club=club, status=status, since=since, reason=reason, merged_into=merged_into
        )
        before = club.status
        club.status = status
        club.save(update_fields=["status"])
        record(
            user,
            "clubs.club.status_changed",
            club,
            data={
                "status": [before, status],
                "since": since,
                "reason": reason,
                "merged_into": merged_into.pk if merged_into else None,
            },
        )
        return change


# Members


def likely_duplicates(
    full_name: str, birth_year: int, club: Club, exclude: Member | None = None
) -> QuerySet[Member]:
    """Members who are probably the same person: same name ignoring diacritics and case, birth
    year within one, in a club of the same 2025 commune (any club: people move, or are typed
    twice by two clubs). A club still to confirm compares within itself only."""
    where = Q(club__commune_id=club.commune_id) if club.commune_id else Q(club_id=club.pk)
    qs = (
        Member.objects.filter(where)
        .filter(search_name=fold(full_name), birth_year__range=(birth_year - 1, birth_year + 1))
        .select_related("club")
    )
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def add_member(user, club: Club, *, joined_on: datetime.date, **fields) -> Member:
    require(user, "clubs.edit", club)
    with transaction.atomic():
        member = Member(club=club, **fields)
        if member.birth_date:
            member.birth_year = member.birth_date.year
        member.full_clean(
            exclude=["club", "ethnicity", "group", "search_name"], validate_unique=False
        )
        _check_joined(member, joined_on)
        member.save()
        Membership.objects.create(member=member, club=club, joined_on=joined_on)
        record(user, "clubs.member.created", member, after=snapshot(member))
        return member


def update_member(user, member: Member, **fields) -> Member:
    require(user, "clubs.edit", member)
    fields.pop("club", None)  # moving between clubs is move_member's job
    with transaction.atomic():
        before = snapshot(member)
        for name, value in fields.items():
            setattr(member, name, value)
        if member.group_id and member.group.club_id != member.club_id:
            raise ValidationError(_("The group belongs to another club."))
        if member.birth_date:
            member.birth_year = member.birth_date.year
        member.full_clean(
            exclude=["club", "ethnicity", "group", "search_name"], validate_unique=False
        )
        member.save()
        after = snapshot(member)
        if after != before:
            record(user, "clubs.member.updated", member, before=before, after=after)
        return member


def _open_period(member: Member) -> Membership | None:
    return member.periods.filter(left_on__isnull=True).select_for_update().first()


def leave_club(user, member: Member, *, on: datetime.date, reason: str) -> Membership:
    """Close the member's current period. The leaving day is the first day not counted."""
    require(user, "clubs.edit", member)
    if not reason:
        raise ValidationError(_("Give the reason for leaving."))
    with transaction.atomic():
        period = _open_period(member)
        if period is None:
            raise ValidationError(_("This person is not a member at the moment."))
        if on < period.joined_on:
            raise ValidationError(_("The leaving date is before the joining date."))
        period.left_on = on
        period.leave_reason = reason
        period.save()
        # A person who left no longer leads a group or sits on the board.
        Group.objects.filter(leader=member).update(leader=None)
        BoardPosition.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        VolunteerRole.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        record(
            user,
            "clubs.member.left",
            member,
            data={"club": period.club_id, "on": on, "reason": reason},
        )
        return period


def rejoin_club(user, member: Member, *, on: datetime.date) -> Membership:
    """Open a new period in the member's club: the earlier periods stay as they were."""
    require(user, "clubs.edit", member)
    with transaction.atomic():
        if _open_period(member) is not None:
            raise ValidationError(_("This person is already a member."))
        last = member.periods.order_by("-joined_on").first()
        if last is not None and last.left_on and on < last.left_on:
            raise ValidationError(_("The new joining date is before the last leaving date."))
        period = Membership.objects.create(member=member, club=member.club, joined_on=on)
        record(user, "clubs.member.rejoined", member, data={"club": member.club_id, "on": on})
        return period


def move_member(
    user, member: Member, to_club: Club, *, on: datetime.date, reason: str = ""
) -> Membership:
    """Move a member to another club from `on`: the period in the old club ends that day and a
    new one starts, so both clubs' history (and composition at past dates) stays right."""
    require(user, "clubs.edit", member)
    require(user, "clubs.edit", to_club)
    if to_club.pk == member.club_id:
        raise ValidationError(_("The member is already in this club."))
    with transaction.atomic():
        period = _open_period(member)
        if period is not None:
            if on < period.joined_on:
                raise ValidationError(_("The move date is before the joining date."))
            period.left_on = on
            period.leave_reason = reason or _("Moved to %(club)s") % {"club": to_club.name}
            period.save()
        from_club = member.club_id
        Group.objects.filter(leader=member).update(leader=None)
        BoardPosition.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        VolunteerRole.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        member.club = to_club
        member.group = None
        member.save()
        new = Membership.objects.create(member=member, club=to_club, joined_on=on)
        record(
            user,
            "clubs.member.moved",
            member,
            data={"from": from_club, "to": to_club.pk, "on": on, "reason": reason},
        )
        return new


# Board, groups, volunteers


def _check_member_of(member: Member, club: Club) -> None:
    if member.club_id != club.pk:
        raise ValidationError(_("%(name)s is not a member of this club.") % {"name": member})


def _check_dates(started_on, ended_on) -> None:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(_("The end date is before the start date."))


def add_board_term(
    user,
    club: Club,
    member: Member,
    *,
    position: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    area: str = "",
) -> BoardPosition:
    require(user, "clubs.edit", club)
    _check_member_of(member, club)
    _check_dates(started_on, ended_on)
    if position == Position.AREA and not area:
        raise ValidationError(_("Say which activity area the member is in charge of."))
    with transaction.atomic():
        if position == Position.CHAIR:
            # One chair at a time: overlapping chair terms mean a typing mistake.
            clash = club.board.filter(position=Position.CHAIR).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
            )
            if ended_on is not None:
                clash = clash.filter(started_on__lte=ended_on)
            if clash.exists():
                raise ValidationError(_("The club already has a chair then; end that term first."))
        term = BoardPosition.objects.create(
            club=club,
            member=member,
            position=position,
            area=area,
            started_on=started_on,
            ended_on=ended_on,
        )
        record(user, "clubs.board.added", term, after=snapshot(term), club=club)
        return term


def end_board_term(user, term: BoardPosition, *, on: datetime.date) -> BoardPosition:
    require(user, "clubs.edit", term)
    _check_dates(term.started_on, on)
    with transaction.atomic():
        term.ended_on = on
        term.save()
        record(user, "clubs.board.ended", term, data={"on": on}, club=term.club_id)
        return term


def save_group(
    user, club: Club, *, name: str, leader: Member | None = None, group: Group | None = None
) -> Group:
    """Create a group, or rename it / change its leader. The leader must be in the club, and
    joins the group if not in it yet."""
    require(user, "clubs.edit", club)
    if leader is not None:
        _check_member_of(leader, club)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the group a name."))
    with transaction.atomic():
        if club.groups.filter(name__iexact=name).exclude(pk=getattr(group, "pk", None)).exists():
            raise ValidationError(_("The club already has a group with this name."))
        is_new = group is None
        group = group or Group(club=club)
        before = None if is_new else snapshot(group)
        group.name = name
        group.leader = leader
        group.save()
        if leader is not None and leader.group_id != group.pk:
            leader.group = group
            leader.save(update_fields=["group"])
        action = "clubs.group.created" if is_new else "clubs.group.updated"
        record(user, action, group, before=before, after=snapshot(group), club=club)
        return group


def add_volunteer(
    user,
    club: Club,
    member: Member,
    *,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> VolunteerRole:
    require(user, "clubs.edit", club)
    _check_member_of(member, club)
    _check_dates(started_on, ended_on)
    with transaction.atomic():
        role = VolunteerRole.objects.create(
            club=club, member=member, kind=kind, started_on=started_on, ended_on=ended_on
        )
        record(user, "clubs.volunteer.added", role, after=snapshot(role), club=club)
        return role


def end_volunteer(user, role: VolunteerRole, *, on: datetime.date) -> VolunteerRole:
    require(user, "clubs.edit", role)
    _check_dates(role.started_on, on)
    with transaction.atomic():
        role.ended_on = on
        role.save()
        record(user, "clubs.volunteer.ended", role, data={"on": on}, club=role.club_id)
        return role
