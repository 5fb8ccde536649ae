"""Every change to meetings, activities and home care goes through these functions: they
validate everything first, then write and audit in one transaction, so bad input leaves nothing
half-saved."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.permissions import require
from ishc.audit.services import record, snapshot
from ishc.clubs import services as clubs_services
from ishc.clubs.models import Club, Member, Membership, VolunteerKind, VolunteerRole
from ishc.core.text import by_vietnamese_name

from .models import (
    ActivityRecord,
    Attendance,
    CaredPerson,
    Kind,
    Meeting,
    Outcome,
    Reading,
    Visit,
)


@dataclass
class ReadingInput:
    member_id: int
    systolic: int | None = None
    diastolic: int | None = None
    weight_kg: Decimal | None = None


def members_on(club: Club, day: datetime.date):
    """The club's members on `day` (the attendance list of a meeting that day). A queryset, for
    forms' choices; lists people read go through roster_on, in the register's order."""
    ids = Membership.objects.on(day).filter(club=club).values("member_id")
    return Member.objects.filter(pk__in=ids).order_by("full_name")


def roster_on(club: Club, day: datetime.date) -> list[Member]:
    """The club's members on `day` in Vietnamese alphabetical order, as the register lists them."""
    return by_vietnamese_name(members_on(club, day))


def _check_day(club: Club, day: datetime.date, errors: list[str]) -> None:
    if day > timezone.localdate():
        errors.append(_("The date %(day)s is in the future.") % {"day": f"{day:%d/%m/%Y}"})
    if club.founded_on and day < club.founded_on:
        errors.append(
            _("The date %(day)s is before the club was founded (%(founded)s).")
            % {"day": f"{day:%d/%m/%Y}", "founded": f"{club.founded_on:%d/%m/%Y}"}
        )


def check_reading(r: ReadingInput, name: str) -> list[str]:
    """Messages for an impossible reading (a typing mistake, such as 400 for 140)."""
    conf = settings.ISHC
    errors = []
    if (r.systolic is None) != (r.diastolic is None):
        errors.append(
            _("%(name)s: enter both systolic and diastolic, or neither.") % {"name": name}
        )
    for value, (low, high), label in (
        (r.systolic, conf["BP_SYSTOLIC_RANGE"], _("systolic")),
        (r.diastolic, conf["BP_DIASTOLIC_RANGE"], _("diastolic")),
    ):
        if value is not None and not low <= value <= high:
            errors.append(
                _("%(name)s: %(label)s %(value)s is impossible (expected %(low)s–%(high)s).")
                % {"name": name, "label": label, "value": value, "low": low, "high": high}
            )
    if r.systolic is not None and r.diastolic is not None and r.diastolic >= r.systolic:
        errors.append(_("%(name)s: diastolic must be lower than systolic.") % {"name": name})
    low, high = conf["WEIGHT_RANGE_KG"]
    if r.weight_kg is not None and not low <= r.weight_kg <= high:
        errors.append(
            _("%(name)s: weight %(value)s kg is impossible (expected %(low)s–%(high)s kg).")
            % {"name": name, "value": r.weight_kg, "low": low, "high": high}
        )
    return errors


def save_meeting(
    user,
    club: Club,
    *,
    held_on: datetime.date,
    topic: str = "",
    culture_item: bool = False,
    decisions: str = "",
    plan: str = "",
    attendee_ids: list[int] | tuple = (),
    readings: list[ReadingInput] | tuple = (),
    meeting: Meeting | None = None,
) -> Meeting:
    """Create or replace a meeting with its attendance and readings, all or nothing.

    Attendance and readings are only for people who were members on the day. A measured member
    counts as present even when the box was not ticked: readings are taken at the meeting, and
    a tick missed in the hurry must not make a measured member absent in the figures.
    """
    require(user, "activities.record", club)
    errors: list[str] = []
    _check_day(club, held_on, errors)
    duplicate = Meeting.objects.filter(club=club, held_on=held_on)
    if meeting is not None:
        duplicate = duplicate.exclude(pk=meeting.pk)
    if duplicate.exists():
        errors.append(_("This club already has a meeting on that day."))
    names = dict(members_on(club, held_on).values_list("pk", "full_name"))
    strangers = [i for i in set(attendee_ids) | {r.member_id for r in readings} if i not in names]
    if strangers:
        # Name them: "3 people" sends the treasurer hunting through the whole grid.
        # Name them: "3 people" sends the treasurer hunting through the whole grid. People of
        # other clubs are only counted (their names are not this user's to see).
        who = by_vietnamese_name(
            Member.objects.filter(pk__in=strangers, club=club).values_list("full_name", flat=True),
            name=str,
        )
        listed = who + (
            [_("%(count)s people of other clubs") % {"count": len(strangers) - len(who)}]
            if len(strangers) > len(who)
            else []
        )
        errors.append(
            _("Not members of the club on %(day)s: %(names)s.")
            % {"day": f"{held_on:%d/%m/%Y}", "names": ", ".join(listed)}
        )
    for r in readings:
        errors.extend(check_reading(r, names.get(r.member_id, str(r.member_id))))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        before = snapshot(meeting) if meeting is not None else None
        meeting = meeting or Meeting(club=club)
        meeting.held_on = held_on
        meeting.topic = topic
        meeting.culture_item = culture_item
        meeting.decisions = decisions
        meeting.plan = plan
        meeting.save()
        # Replacing the lists is simpler and safer than diffing them: the form always posts the
        # whole grid.
        meeting.attendance.all().delete()
        meeting.readings.all().delete()
        measured = {r.member_id for r in readings if r.systolic is not None or r.weight_kg}
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member_id=i) for i in sorted(set(attendee_ids) | measured)
        )
        Reading.objects.bulk_create(
            Reading(
                meeting=meeting,
                member_id=r.member_id,
                systolic=r.systolic,
                diastolic=r.diastolic,
                weight_kg=r.weight_kg,
            )
            for r in readings
            if r.systolic is not None or r.weight_kg is not None
        )
        data = {"attendees": len(set(attendee_ids) | measured), "readings": len(readings)}
        if before is None:
            record(user, "activities.meeting.created", meeting, after=snapshot(meeting), data=data)
        else:
            record(
                user,
                "activities.meeting.changed",
                meeting,
                before=before,
                after=snapshot(meeting),
                data=data,
            )
    return meeting


def record_activity(user, club: Club, *, kind: str, on: datetime.date, **fields) -> ActivityRecord:
    """A dated activity of one kind, with the fields that kind needs checked."""
    require(user, "activities.record", club)
    errors: list[str] = []
    _check_day(club, on, errors)
    activity = ActivityRecord(club=club, kind=kind, on=on, **fields)
    if (
        activity.member_id
        and not Membership.objects.filter(club=club, member_id=activity.member_id).exists()
    ):
        errors.append(_("The person chosen is not a member of this club."))
    if kind in (Kind.SELF_HELP, Kind.ENTITLEMENT):
        if not activity.member_id and not activity.person_name.strip():
            errors.append(_("Choose the member helped or write the name of the person."))
        if activity.member_id and activity.person_name.strip():
            errors.append(_("Either a member or a name, not both."))
    if kind == Kind.SELF_HELP and not activity.help_type:
        errors.append(_("Choose the type of help."))
    if kind == Kind.ENTITLEMENT:
        if not activity.entitlement.strip():
            errors.append(_("Write the entitlement."))
        activity.outcome = activity.outcome or Outcome.PENDING
    if kind == Kind.DIALOGUE and activity.proposals_resolved > activity.proposals:
        errors.append(_("More proposals resolved than made."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity.save()
        record(user, "activities.activity.created", activity, after=snapshot(activity))
    return activity


def set_outcome(user, activity: ActivityRecord, outcome: str) -> ActivityRecord:
    """Follow an entitlement case to its end (the entitlement-support book): in progress, then
    obtained or not."""
    require(user, "activities.record", activity)
    if activity.kind != Kind.ENTITLEMENT:
        raise ValidationError(_("Only entitlement cases have an outcome."))
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose the outcome."))
    with transaction.atomic():
        before = snapshot(activity, ["outcome"])
        activity.outcome = outcome
        activity.save(update_fields=["outcome"])
        record(
            user,
            "activities.activity.outcome",
            activity,
            before=before,
            after=snapshot(activity, ["outcome"]),
        )
    return activity


def add_home_care_volunteer(user, club: Club, *, member: Member, since: datetime.date):
    """A home-care volunteer is a volunteer role of the clubs app; this refuses a second open
    home-care role for the same member and a date the club cannot have, then hands over."""
    require(user, "activities.record", club)
    errors: list[str] = []
    _check_day(club, since, errors)
    if (
        VolunteerRole.objects.on(since)
        .filter(club=club, member=member, kind=VolunteerKind.HOME_CARE)
        .exists()
    ):
        errors.append(_("This member is already a home-care volunteer."))
    if errors:
        raise ValidationError(errors)
    return clubs_services.add_volunteer(
        user, club, member, kind=VolunteerKind.HOME_CARE, started_on=since
    )


def add_cared_person(
    user, club: Club, *, reason: str, since: datetime.date, member=None, full_name: str = ""
) -> CaredPerson:
    require(user, "activities.record", club)
    errors: list[str] = []
    _check_day(club, since, errors)
    if member is None and not full_name.strip():
        errors.append(_("Choose the member or write the name of the person."))
    if member is not None and not Membership.objects.filter(club=club, member=member).exists():
        errors.append(_("The person chosen is not a member of this club."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = CaredPerson.objects.create(
            club=club, member=member, full_name=full_name.strip(), reason=reason, since=since
        )
        record(user, "activities.cared_person.added", person, after=snapshot(person))
    return person


def record_visit(
    user, person: CaredPerson, *, volunteer: VolunteerRole, on: datetime.date, services: str
) -> Visit:
    require(user, "activities.record", person)
    errors: list[str] = []
    _check_day(person.club, on, errors)
    if volunteer.club_id != person.club_id or volunteer.kind != VolunteerKind.HOME_CARE:
        errors.append(_("Choose a home-care volunteer of this club."))
    if on < volunteer.started_on or (volunteer.ended_on and on > volunteer.ended_on):
        errors.append(_("The volunteer was not serving on that day."))
    if on < person.since or (person.until and on > person.until):
        errors.append(_("The person was not in the care list on that day."))
    if not services.strip():
        errors.append(_("Write what was done."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = Visit.objects.create(person=person, volunteer=volunteer, on=on, services=services)
        record(user, "activities.visit.recorded", visit, club=person.club_id, after=snapshot(visit))
    return visit
