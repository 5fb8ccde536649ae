"""The monthly club report and its way up: club → commune association → province association.

A report's figures are derived from what the club recorded; while it is a draft they are computed
live, and on submission they are frozen in `figures` so that what the commune approved is what
the province sees, even if a meeting is corrected later. Every change of status goes through
ishc.reports.services.transition, which writes a Transition row (the timeline) and an audit entry.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    COMMUNE_APPROVED = "commune_ok", _("Approved by the commune")
    PROVINCE_APPROVED = "province_ok", _("Approved by the province")
    LOCKED = "locked", _("Locked")


# Statuses that count as "reported" for completeness: the club has sent it and nobody sent it back.
REPORTED = [Status.SUBMITTED, Status.COMMUNE_APPROVED, Status.PROVINCE_APPROVED, Status.LOCKED]


def due_date(month: datetime.date) -> datetime.date:
    """The day the report for `month` is due: the configured day of the following month."""
    nxt = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt.replace(day=settings.ISHC["REPORT_DUE_DAY"])


class MonthlyReport(models.Model):
    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="monthly_reports")
    # First day of the month reported on.
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    no_meeting_reason = models.CharField(
        _("why no meeting was held"),
        max_length=300,
        blank=True,
        help_text=_("Only when the club did not meet this month."),
    )
    # Frozen on submission (see the module comment); empty while a draft.
    figures = models.JSONField(default=dict, blank=True)
    # What was frozen before the report was last sent back or reopened: while the month is open
    # again the page shows how far the books have moved from it, and a re-submission keeps both.
    previous_figures = models.JSONField(default=dict, blank=True)
    # The first time the club sent the report: timeliness is judged on it, so that a report sent
    # on time and sent back for a correction still counts as on time.
    first_submitted_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "club__name"]
        constraints = [
            models.UniqueConstraint(fields=["club", "month"], name="report_club_month_unique"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_first_day"),
        ]
        # Completeness: reports of a month for the clubs of a unit, by status.
        indexes = [models.Index(fields=["month", "status"], name="report_month_status")]

    def __str__(self) -> str:
        return f"{self.club} {self.month:%m/%Y}"

    @property
    def due_on(self) -> datetime.date:
        return due_date(self.month)

    @property
    def on_time(self) -> bool:
        return self.first_submitted_on is not None and self.first_submitted_on <= self.due_on


class Transition(models.Model):
    """One step of a report's way: the timeline shown on the report."""

    SCOPE_CLUB = "report__club"

    report = models.ForeignKey(MonthlyReport, models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=12)
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class CommuneSetting(models.Model):
    """Per 2025 commune: whether its association exists yet. Until it does, the province
    association approves the commune's club reports directly (domain §2)."""

    SCOPE_UNIT = "commune"

    commune = models.OneToOneField("geo.Unit", models.CASCADE, related_name="report_setting")
    province_approves_directly = models.BooleanField(
        _("no commune association yet: the province approves directly"), default=False
    )


class Criterion(models.TextChoices):
    MEETINGS = "meetings", _("Monthly meeting held in enough months")
    SIZE = "size", _("Club size within the band")
    COMPOSITION = "composition", _("Women, older and younger members within their bands")
    FUNDS = "funds", _("Both funds with entries every month")
    BORROWERS = "borrowers", _("Enough members borrowed during the phase")
    REPAYMENT = "repayment", _("Instalments paid on time")
    AREAS = "areas", _("Every activity area meets its minimum")
    BOARD = "board", _("Board complete")
    REPORTS = "reports", _("Monthly reports sent on time")


class RubricCriterion(models.Model):
    """One criterion of "carries out all activities and is well managed" (domain §8). No official
    rubric exists, so the criteria and their thresholds are rows an administrator edits."""

    code = models.CharField(_("criterion"), max_length=12, choices=Criterion.choices, unique=True)
    # Meaning depends on the criterion: months (meetings, reports, fund entries), a percentage
    # (borrowers, repayment) or people (board); unused by the others.
    threshold = models.PositiveSmallIntegerField(_("threshold"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.get_code_display()


class Grade(models.TextChoices):
    # Shown in Vietnamese as Tốt / Khá / Trung bình / Yếu.
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")


class RubricResult(models.Model):
    """A club's result for one year: each criterion met or not and why, the grade computed from
    them, and possibly a grade set by hand (with the reason, audited)."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="rubric_results")
    year = models.PositiveSmallIntegerField(_("year"))
    # [{"code", "met": bool or None, "why": key, "params": {...}}] in criterion order.
    criteria = models.JSONField(default=list)
    met = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    computed_grade = models.CharField(_("computed grade"), max_length=8, choices=Grade.choices)
    override_grade = models.CharField(
        _("grade set by hand"), max_length=8, choices=Grade.choices, blank=True
    )
    override_reason = models.TextField(_("reason for the grade set by hand"), blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "club__name"]
        constraints = [
            models.UniqueConstraint(fields=["club", "year"], name="rubric_club_year_unique"),
            models.CheckConstraint(
                condition=models.Q(override_grade="") | ~models.Q(override_reason=""),
                name="rubric_override_has_reason",
            ),
        ]

    @property
    def grade(self) -> str:
        return self.override_grade or self.computed_grade

    def get_grade_display(self) -> str:
        return str(Grade(self.grade).label)

    def lines(self) -> list[dict]:
        """The criteria as shown: label, met (None when not assessed) and why, in the reader's
        language."""
        from .rubric import why_text

        return [
            {"label": Criterion(r["code"]).label, "met": r["met"], "why": why_text(r)}
            for r in self.criteria
        ]

    @property
    def well_managed(self) -> bool:
        return self.grade in settings.ISHC["RUBRIC_WELL_MANAGED"]
