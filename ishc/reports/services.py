"""Every change to a monthly report goes through this module; every change of status through
`transition()`, which checks the actor's level and scope, writes the timeline row and the audit
entry, and refreezes or unfreezes the figures, in one transaction.

Who may do what (domain §7):

    draft ──submit (club)──▶ submitted ──approve (commune)──▶ commune_ok
      ▲                          │                               │
      │◀──reject (commune)───────┘                               │ approve (province)
      │◀──reject (province)──────────────────────────────────────┤
      │                                                          ▼
      │◀──reject (province)───────────────────────────────── province_ok ──lock (province)──▶ locked
      │◀──reopen (central, with reason)──────────────────────────────────────────────────────┘

Where the commune has no association yet (CommuneSetting.province_approves_directly), or the
club's 2025 commune is not confirmed yet, the province approves (or rejects) a submitted report
itself: submitted ──approve (province)──▶ province_ok. Nobody else skips a level.

Who may take a step is decided in one function, `may_act()`; everything else (buttons, the
inbox, "waiting for" on the page) asks it.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ishc.accounts.models import Role
from ishc.accounts.permissions import (
    CENTRAL_LEVEL,
    CLUB_LEVEL,
    COMMUNE_LEVEL,
    LEVEL,
    PROVINCE_LEVEL,
    can,
    require,
)
from ishc.accounts.scope import editable
from ishc.activities.models import Meeting
from ishc.audit.services import record, snapshot
from ishc.clubs.models import Club
from ishc.finance.services import lock_books

from .derived import derive, month_end
from .models import CommuneSetting, MonthlyReport, Status, Transition

# The level each role acts at is part of the capability table (ishc.accounts.permissions).
CLUB, COMMUNE, PROVINCE, CENTRAL = CLUB_LEVEL, COMMUNE_LEVEL, PROVINCE_LEVEL, CENTRAL_LEVEL
# The capability each step of the workflow needs; the level due is checked on top of it.
ACTION_CAPABILITY = {
    "submit": "reports.submit",
    "approve": "reports.approve",
    "reject": "reports.approve",
    "lock": "reports.lock",
    "reopen": "reports.reopen",
}
LEVEL_NAMES = {
    CLUB: gettext_lazy("the club"),
    COMMUNE: gettext_lazy("the commune association"),
    PROVINCE: gettext_lazy("the province association"),
    CENTRAL: gettext_lazy("the central association"),
}


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    reason_required: bool


ACTIONS = {
    "submit": Action("submit", gettext_lazy("Submit"), False),
    "approve": Action("approve", gettext_lazy("Approve"), False),
    "reject": Action("reject", gettext_lazy("Send back"), True),
    "lock": Action("lock", gettext_lazy("Lock"), False),
    "reopen": Action("reopen", gettext_lazy("Reopen"), True),
}


def province_approves_directly(club: Club) -> bool:
    """True when no commune association stands between the club and the province. A club whose
    2025 commune is not confirmed yet belongs to no commune officer's area (scopes follow the
    stored commune), so without this its reports would wait at "submitted" for nobody."""
    if club.commune_id is None:
        return True
    return CommuneSetting.objects.filter(
        commune_id=club.commune_id, province_approves_directly=True
    ).exists()


def _step(report: MonthlyReport, action: str, direct: bool) -> tuple[int, str] | None:
    """(level that must act, new status) for `action` on the report as it stands, or None when
    the action does not apply to its status at all."""
    s = report.status
    if action == "submit" and s == Status.DRAFT:
        return CLUB, Status.SUBMITTED
    if action == "approve":
        if s == Status.SUBMITTED:
            return (
                (PROVINCE, Status.PROVINCE_APPROVED)
                if direct
                else (COMMUNE, Status.COMMUNE_APPROVED)
            )
        if s == Status.COMMUNE_APPROVED:
            return PROVINCE, Status.PROVINCE_APPROVED
    if action == "reject":
        if s == Status.SUBMITTED:
            return (PROVINCE if direct else COMMUNE), Status.DRAFT
        if s in (Status.COMMUNE_APPROVED, Status.PROVINCE_APPROVED):
            return PROVINCE, Status.DRAFT
    if action == "lock" and s == Status.PROVINCE_APPROVED:
        return PROVINCE, Status.LOCKED
    if action == "reopen" and s == Status.LOCKED:
        return CENTRAL, Status.DRAFT
    return None


def may_act(user, level: int, action: str) -> bool:
    """The one rule of who may take a step of the workflow (the caller has checked the report is
    in the user's editable scope). Submitting is done by anyone entering data for the club (a
    commune officer may key in a report brought on paper); approving and sending back only at
    exactly the level due, so that nobody skips one; locking by the province or above;
    reopening only above the province."""
    if not can(user, ACTION_CAPABILITY[action]):
        return False
    if action == "submit":
        return True
    mine = LEVEL[user.role]
    if action in ("lock", "reopen"):
        return mine >= level
    return mine == level


def waiting_for(report: MonthlyReport, direct: bool | None = None) -> int | None:
    """The level whose step comes next: who must approve, lock or (for a locked report) reopen."""
    if direct is None:
        direct = province_approves_directly(report.club)
    for action in ("submit", "approve", "lock", "reopen"):
        step = _step(report, action, direct)
        if step:
            return step[0]
    return None


def direct_q(prefix: str = "club__") -> Q:
    """In SQL, what province_approves_directly() says of one club."""
    setting = CommuneSetting.objects.filter(
        commune_id=OuterRef(f"{prefix}commune_id"), province_approves_directly=True
    )
    return Q(**{f"{prefix}commune__isnull": True}) | Q(Exists(setting))


def waiting_q(level: int) -> Q:
    """In SQL, the reports whose next step (waiting_for) is at `level`: the same table as _step,
    for lists and counts (a test checks that both agree for every status)."""
    direct = direct_q()
    return {
        CLUB: Q(status=Status.DRAFT),
        COMMUNE: Q(status=Status.SUBMITTED) & ~direct,
        PROVINCE: (Q(status=Status.SUBMITTED) & direct)
        | Q(status__in=[Status.COMMUNE_APPROVED, Status.PROVINCE_APPROVED]),
        CENTRAL: Q(status=Status.LOCKED),
    }[level]


def blocked_reasons(club: Club) -> list[str]:
    """Why the club's reports would wait for nobody, each with what unblocks it; empty when every
    step has someone to take it. Two small queries."""
    from ishc.accounts.models import Assignment

    reasons = []
    if club.commune_id is None:
        reasons.append(
            _(
                "The 2025 commune of this club is not confirmed yet, so the province association "
                "approves its reports. Once the province confirms the commune, the commune "
                "association approves them again."
            )
        )
    officers = Assignment.objects.filter(user__is_active=True)
    if (
        not province_approves_directly(club)
        and not officers.filter(unit_id=club.commune_id, user__role=Role.COMMUNE).exists()
    ):
        reasons.append(
            _(
                "No commune officer is assigned to %(commune)s, so its reports wait at "
                "“submitted”. To unblock them, assign a commune officer, or the province marks "
                "the commune as having no association yet and approves them itself."
            )
            % {"commune": club.commune}
        )
    if not officers.filter(unit_id=club.province_id, user__role=Role.PROVINCE).exists():
        reasons.append(
            _(
                "No province officer is assigned to %(province)s, so its reports cannot be "
                "approved by the province. To unblock them, assign a province officer."
            )
            % {"province": club.province}
        )
    return reasons


def missing_fields(report: MonthlyReport) -> list[str]:
    """The names of every required field still empty (all of them, not just the first)."""
    missing = []
    if not report.difficulties.strip():
        missing.append(str(MonthlyReport._meta.get_field("difficulties").verbose_name))
    if not report.proposals.strip():
        missing.append(str(MonthlyReport._meta.get_field("proposals").verbose_name))
    held = Meeting.objects.filter(
        club_id=report.club_id, held_on__range=(report.month, month_end(report.month))
    ).exists()
    if not held and not report.no_meeting_reason.strip():
        missing.append(_("a monthly meeting of this month, or why no meeting was held"))
    return missing


def available_actions(user, report: MonthlyReport) -> list[Action]:
    """The actions this user may take on the report now (for the buttons)."""
    if not editable(user, MonthlyReport.objects.filter(pk=report.pk)).exists():
        return []
    direct = province_approves_directly(report.club)
    out = []
    for code, action in ACTIONS.items():
        step = _step(report, code, direct)
        if step and may_act(user, step[0], code):
            out.append(action)
    return out


def transition(user, report: MonthlyReport, action: str, reason: str = "") -> MonthlyReport:
    """Move the report one step. Refuses, with a message and writing nothing, when the action
    does not fit the status, the user is outside the report's area or at the wrong level, a
    reason is missing, or required fields are empty on submission."""
    with transaction.atomic():
        # Two officers pressing "approve" at the same moment: the second sees the new status.
        # The report's row only (of=self): locking the joined club row too would hold up every
        # entry of the club being committed meanwhile (PostgreSQL checks its key on the club at
        # commit) while the submit waits for that entry's fund: a deadlock.
        report = (
            MonthlyReport.objects.select_for_update(of=("self",))
            .select_related("club")
            .get(pk=report.pk)
        )
        if action not in ACTIONS:
            raise ValidationError(_("Unknown action."))
        if not editable(user, MonthlyReport.objects.filter(pk=report.pk)).exists():
            raise ValidationError(_("This report is outside your area."))
        direct = province_approves_directly(report.club)
        step = _step(report, action, direct)
        if step is None:
            raise ValidationError(
                _("A report that is “%(status)s” cannot be %(action)s.")
                % {"status": report.get_status_display(), "action": ACTIONS[action].label.lower()}
            )
        level, new_status = step
        if not may_act(user, level, action):
            raise ValidationError(
                _("This step is for %(level)s; levels cannot be skipped.")
                % {"level": LEVEL_NAMES[level]}
            )
        reason = reason.strip()
        if ACTIONS[action].reason_required and not reason:
            raise ValidationError(_("Give the reason."))
        if action == "submit":
            missing = missing_fields(report)
            if missing:
                raise ValidationError(
                    _("Fill in before submitting: %(fields)s.") % {"fields": "; ".join(missing)}
                )
            lock_books(report.club)
            report.figures = derive(Club.objects.filter(pk=report.club_id), report.month)[
                report.club_id
            ]
            if report.first_submitted_on is None:
                report.first_submitted_on = timezone.localdate()
        elif new_status == Status.DRAFT:
            # Back with the club: figures are live again until the next submission; what was
            # frozen is kept so the page can show the difference and the re-submission both.
            report.previous_figures, report.figures = report.figures, {}
        old_status = report.status
        report.status = new_status
        report.save()
        Transition.objects.create(
            report=report,
            action=action,
            from_status=old_status,
            to_status=new_status,
            user=user,
            reason=reason,
        )
        data = {"from": old_status, "to": new_status, "reason": reason}
        if action == "submit" and report.previous_figures:
            data["figures"] = {"before": report.previous_figures, "now": report.figures}
        record(user, f"reports.report.{action}", report, data=data)
    return report


@dataclass(frozen=True)
class Drift:
    key: str
    frozen: int
    now: int

    @property
    def difference(self) -> int:
        return self.now - self.frozen


def drift(report: MonthlyReport) -> list[Drift]:
    """The figures that differ between what was frozen when the report was last sent (before it
    was sent back or reopened) and the books now (live while a draft, or the new frozen figures
    once sent again). Empty for a report that was never reopened."""
    if not report.previous_figures:
        return []
    now = (
        report.figures
        or derive(Club.objects.filter(pk=report.club_id), report.month)[report.club_id]
    )
    return [
        Drift(key, before, now.get(key, 0))
        for key, before in report.previous_figures.items()
        if isinstance(before, int) and now.get(key, 0) != before
    ]


def create_report(user, club: Club, month: datetime.date) -> MonthlyReport:
    require(user, "reports.submit", club)
    month = month.replace(day=1)
    errors = []
    if month > timezone.localdate().replace(day=1):
        errors.append(_("A report cannot be made for a future month."))
    if club.founded_on and month_end(month) < club.founded_on:
        errors.append(_("The club was not founded yet in that month."))
    if MonthlyReport.objects.filter(club=club, month=month).exists():
        errors.append(_("This club already has a report for that month."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(club=club, month=month)
            Transition.objects.create(
                report=report, action="create", from_status="", to_status=Status.DRAFT, user=user
            )
            record(user, "reports.report.created", report, after=snapshot(report))
    except IntegrityError:
        # Created by someone else between the check and the insert.
        raise ValidationError(_("This club already has a report for that month.")) from None
    return report


def update_narrative(user, report: MonthlyReport, **fields) -> MonthlyReport:
    """The club's own words; only while the report is a draft."""
    require(user, "reports.submit", report)
    if report.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed; ask for it to be sent back."))
    with transaction.atomic():
        before = snapshot(report, list(fields))
        for name, value in fields.items():
            setattr(report, name, value)
        report.save(update_fields=list(fields))
        record(
            user,
            "reports.report.changed",
            report,
            before=before,
            after=snapshot(report, list(fields)),
        )
    return report


def set_commune_setting(user, commune, direct: bool) -> CommuneSetting:
    """Only the province (or above) says whether a commune association exists yet."""
    require(user, "reports.commune_setting", commune)
    with transaction.atomic():
        setting, _created = CommuneSetting.objects.get_or_create(commune=commune)
        before = snapshot(setting)
        setting.province_approves_directly = direct
        setting.save()
        record(
            user,
            "reports.commune_setting.changed",
            setting,
            before=before,
            after=snapshot(setting),
            unit=commune,
        )
    return setting
