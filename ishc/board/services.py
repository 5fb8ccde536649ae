"""Every change to the Board's data goes through these functions: they validate, write, and
record the audit entry in one transaction. Views check who may act (ishc.board.access) before
calling them; the checks that protect data whoever calls (scope of a contribution, deadline,
amounts, file contents) live here."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.models import Role
from ishc.accounts.permissions import require
from ishc.accounts.scope import editable, scope_of
from ishc.audit.services import record, snapshot
from ishc.clubs.models import Club
from ishc.core.uploads import check_document, clean_name
from ishc.geo.models import Level, Unit

from .models import (
    Agency,
    BoardMember,
    Conclusion,
    Contribution,
    Document,
    DocumentLevel,
    DocumentType,
    DocumentVersion,
    Event,
    Meeting,
    ProgressNote,
    Task,
)


def _check_deadline(deadline: datetime.date, created: datetime.date) -> None:
    if deadline < created:
        raise ValidationError(
            {
                "deadline": _(
                    "The deadline (%(deadline)s) is before the task was created (%(created)s)."
                )
                % {
                    "deadline": deadline.strftime("%d/%m/%Y"),
                    "created": created.strftime("%d/%m/%Y"),
                }
            }
        )


def _task_snapshot(task: Task) -> dict:
    data = snapshot(task)
    data["supporting"] = sorted(a.pk for a in task.supporting.all())
    return data


def create_task(
    user,
    *,
    supporting=(),
    conclusion: Conclusion | None = None,
    created_at: datetime.datetime | None = None,
    **fields,
) -> Task:
    """A new task of the workplan. `created_at` is for recording an earlier year's plan after
    the fact; the deadline may never be before it."""
    # The chair turns the meeting's conclusions into tasks; every other task is the secretariat's.
    if conclusion is not None:
        require(user, "board.run_meeting", conclusion.meeting)
    else:
        require(user, "board.admin")
    now = created_at or timezone.now()
    _check_deadline(fields["deadline"], timezone.localdate(now))
    with transaction.atomic():
        task = Task(created_at=now, created_by=user, conclusion=conclusion, **fields)
        task.save()
        task.supporting.set(supporting)
        record(user, "board.task.created", task, after=_task_snapshot(task))
        return task


def update_task(user, task: Task, *, supporting=None, **fields) -> Task:
    require(user, "board.edit_task", task)
    deadline = fields.get("deadline", task.deadline)
    _check_deadline(deadline, timezone.localdate(task.created_at))
    with transaction.atomic():
        before = _task_snapshot(task)
        for name, value in fields.items():
            setattr(task, name, value)
        task.save()
        if supporting is not None:
            task.supporting.set(supporting)
        record(user, "board.task.changed", task, before=before, after=_task_snapshot(task))
        return task


def conclusion_to_task(
    user,
    conclusion: Conclusion,
    *,
    responsible: Agency,
    group: str,
    deadline: datetime.date,
    title: str = "",
    supporting=(),
) -> Task:
    """One step from a meeting's conclusion to an assigned task that points back to it."""
    require(user, "board.run_meeting", conclusion.meeting)
    with transaction.atomic():
        # Lock the conclusion so that two clicks make one task, not two.
        locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
        if Task.objects.filter(conclusion=locked).exists():
            raise ValidationError(_("This conclusion has already become a task."))
        return create_task(
            user,
            year=deadline.year,
            title=(title or locked.text)[:300],
            description=_("From the conclusions of the meeting “%(meeting)s” of %(date)s.")
            % {
                "meeting": locked.meeting.title,
                "date": locked.meeting.held_on.strftime("%d/%m/%Y"),
            },
            group=group,
            responsible=responsible,
            deadline=deadline,
            supporting=supporting,
            conclusion=locked,
        )


def _store_version(user, document: Document, upload, note: str = "") -> DocumentVersion:
    checked = check_document(upload)
    number = (document.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=clean_name(upload.name, checked.extension),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=note,
        uploaded_by=user,
    )
    # The stored name is ours: nothing the browser sent ends up in a path.
    version.file.save(f"{checked.sha256[:16]}.{checked.extension}", upload, save=False)
    version.save()
    return version


def _level_of(unit: Unit | None) -> str:
    if unit is None:
        return DocumentLevel.NATIONAL
    return DocumentLevel.PROVINCE if unit.level == Level.PROVINCE else DocumentLevel.COMMUNE


def _check_unit_in_scope(user, unit: Unit | None, what: str) -> None:
    require(user, "board.record")
    scope = scope_of(user)
    if unit is None:
        if not (scope.national and scope.can_enter):
            raise ValidationError(
                _("Only national officers may record a national %(what)s.") % {"what": what}
            )
        return
    if not editable(user, Unit.objects.filter(pk=unit.pk)).exists():
        raise ValidationError(
            _("%(unit)s is outside your area: you may not record a %(what)s there.")
            % {"unit": unit.name, "what": what}
        )


def create_document(user, *, upload, unit: Unit | None = None, note: str = "", **fields):
    _check_unit_in_scope(user, unit, _("document"))
    check_document(upload)  # before anything is written
    with transaction.atomic():
        document = Document(unit=unit, level=_level_of(unit), created_by=user, **fields)
        document.save()
        version = _store_version(user, document, upload, note)
        record(
            user,
            "board.document.created",
            document,
            after=snapshot(document),
            unit=unit,
            data={"version": version.number, "sha256": version.sha256},
        )
        return document


def add_version(user, document: Document, *, upload, note: str = "") -> DocumentVersion:
    require(user, "board.record", document)
    check_document(upload)
    with transaction.atomic():
        Document.objects.select_for_update().filter(pk=document.pk).first()
        version = _store_version(user, document, upload, note)
        record(
            user,
            "board.document.version_added",
            document,
            unit=document.unit,
            data={"version": version.number, "sha256": version.sha256, "note": note},
        )
        return version


def add_note(
    user,
    task: Task,
    *,
    text: str,
    status: str,
    written_on: datetime.date | None = None,
    upload=None,
) -> ProgressNote:
    """A dated progress note, with an optional evidence file that goes into the library as an
    internal national document, and the task's new status."""
    require(user, "board.note_task", task)
    if upload is not None:
        check_document(upload)
    with transaction.atomic():
        document = None
        if upload is not None:
            document = Document(
                title=(_("Evidence: %(task)s") % {"task": task.title})[:300],
                doc_type=DocumentType.EVIDENCE,
                issuer=str(task.responsible),
                issued_on=written_on or timezone.localdate(),
                level=DocumentLevel.NATIONAL,
                created_by=user,
            )
            document.save()
            _store_version(user, document, upload)
        before = snapshot(task, ["status"])
        note = ProgressNote.objects.create(
            task=task,
            text=text,
            status=status,
            document=document,
            author=user,
            written_on=written_on or timezone.localdate(),
        )
        task.status = status
        task.save(update_fields=["status"])
        record(
            user,
            "board.task.note_added",
            task,
            before=before,
            after=snapshot(task, ["status"]),
            data={"note": note.pk, "text": text, "document": document.pk if document else None},
        )
        return note


def save_agency(user, agency: Agency | None = None, **fields) -> Agency:
    require(user, "board.admin")
    with transaction.atomic():
        before = snapshot(agency) if agency else None
        agency = agency or Agency()
        for name, value in fields.items():
            setattr(agency, name, value)
        agency.save()
        record(user, "board.agency.saved", agency, before=before, after=snapshot(agency))
        return agency


def save_member(actor, member: BoardMember | None = None, **fields) -> BoardMember:
    """`actor` makes the change; fields may include `user`, the account linked to the member."""
    require(actor, "board.admin")
    linked = fields.get("user")
    if linked is not None and linked.role != Role.BOARD:
        raise ValidationError(
            {"user": _("Only a user account with the role “Steering Board member” can be linked.")}
        )
    end, start = fields.get("term_end"), fields.get("term_start")
    if end and start and end < start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    with transaction.atomic():
        before = snapshot(member) if member else None
        member = member or BoardMember()
        for name, value in fields.items():
            setattr(member, name, value)
        member.save()
        record(actor, "board.member.saved", member, before=before, after=snapshot(member))
        return member


def save_meeting(user, meeting: Meeting | None = None, *, participants=(), **fields) -> Meeting:
    require(user, "board.admin")
    with transaction.atomic():
        before = snapshot(meeting) if meeting else None
        meeting = meeting or Meeting(created_by=user)
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save()
        meeting.participants.set(participants)
        after = snapshot(meeting)
        after["participants"] = sorted(p.pk for p in participants)
        record(user, "board.meeting.saved", meeting, before=before, after=after)
        return meeting


def add_conclusion(user, meeting: Meeting, *, text: str) -> Conclusion:
    require(user, "board.run_meeting", meeting)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        number = (meeting.conclusions.aggregate(m=Max("number"))["m"] or 0) + 1
        conclusion = Conclusion.objects.create(meeting=meeting, number=number, text=text)
        record(
            user,
            "board.meeting.conclusion_added",
            meeting,
            data={"conclusion": conclusion.pk, "number": number, "text": text},
        )
        return conclusion


def record_contribution(user, *, unit: Unit | None = None, club: Club | None = None, **fields):
    require(user, "board.record")
    amount = fields.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError({"amount": _("The value must be a whole, positive number of dong.")})
    if unit is not None and club is not None:
        raise ValidationError(_("Choose either a unit or a club as recipient, not both."))
    if club is not None:
        if not editable(user, Club.objects.filter(pk=club.pk)).exists():
            raise ValidationError(
                _("%(club)s is outside your area: you may not record a contribution there.")
                % {"club": club.name}
            )
    else:
        _check_unit_in_scope(user, unit, _("contribution"))
    with transaction.atomic():
        contribution = Contribution(unit=unit, club=club, created_by=user, **fields)
        contribution.save()
        record(
            user,
            "board.contribution.recorded",
            contribution,
            after=snapshot(contribution),
            club=club,
            unit=unit or (club.commune_id if club else None),
        )
        return contribution


def record_event(user, *, unit: Unit | None = None, materials=(), **fields) -> Event:
    _check_unit_in_scope(user, unit, _("event"))
    total = fields.get("participants") or 0
    errors = {}
    for name in ("women", "older"):
        if (fields.get(name) or 0) > total:
            errors[name] = _("Cannot be more than the number of participants (%(n)d).") % {
                "n": total
            }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = Event(unit=unit, created_by=user, **fields)
        event.save()
        event.materials.set(materials)
        record(user, "board.event.recorded", event, after=snapshot(event), unit=unit)
        return event
