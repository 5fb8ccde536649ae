"""Meetings, health checks, activities by area and home care: the meeting minutes, the
health-tracking book, the entitlement-support book and the home-care book, as data.

The eight activity areas and their standards are a catalogue (rows, not code): some provinces use
six areas, and the minimums differ between provincial plans.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class ActivityArea(models.Model):
    """One of the activity areas of domain §6, named in both languages."""

    number = models.PositiveSmallIntegerField(pgettext_lazy("activity area", "number"), unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Period(models.TextChoices):
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")
    WEEK = "week", _("per week, per person cared for")
    STANDING = "standing", _("at any time")


class Measure(models.TextChoices):
    """What a standard counts. Each value is computed by ishc.activities.figures.measure_year;
    a standard's minimum and period are data, what it counts is code."""

    MEETINGS_WITH_TOPIC = "meetings_with_topic", _("monthly meetings with a topic presented")
    BP_MEETINGS = "bp_meetings", _("meetings with blood pressure measured")
    ECONOMIC_VOLUNTEERS = "economic_volunteers", _("economic-development volunteers")
    HOME_CARE_VOLUNTEERS = "home_care_volunteers", _("home-care volunteers")
    HOME_CARE_VISITS = "home_care_visits", _("home-care visits to each person cared for")
    SELF_HELP = "self_help", _("people in difficulty helped")
    COMMUNITY_WORK = "community_work", _("community activities")
    COMMUNICATION = "communication", _("communication sessions")
    ENTITLEMENT = "entitlement", _("people helped to obtain entitlements")
    DIALOGUES = "dialogues", _("dialogues with local authorities")
    PROPOSALS_RESOLVED = "proposals_resolved", _("proposals resolved by the authorities")
    EXCHANGES = "exchanges", _("culture exchanges")
    FUNDRAISING = "fundraising", _("fundraising events")


class AreaStandard(models.Model):
    """A minimum an area should reach, e.g. "≥ 2 dialogues a year". Edited by administrators; the
    rubric and the home-care page read them."""

    area = models.ForeignKey(ActivityArea, models.CASCADE, related_name="standards")
    measure = models.CharField(_("what is counted"), max_length=24, choices=Measure.choices)
    minimum = models.PositiveSmallIntegerField(_("minimum"))
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    note_vi = models.CharField(_("note (Vietnamese)"), max_length=200, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["area__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure"], name="area_standard_measure_unique")
        ]

    def __str__(self) -> str:
        return f"≥ {self.minimum} {self.get_measure_display()} {self.get_period_display()}"


def bp_flag_q(prefix: str = "") -> Q:
    """Readings to follow up: systolic or diastolic at or above the configured thresholds."""
    conf = settings.ISHC
    return Q(**{f"{prefix}systolic__gte": conf["BP_SYSTOLIC_HIGH"]}) | Q(
        **{f"{prefix}diastolic__gte": conf["BP_DIASTOLIC_HIGH"]}
    )


class Meeting(models.Model):
    """The monthly meeting (sinh hoạt định kỳ): who came, what was presented, decided, planned."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic presented"), max_length=300, blank=True)
    culture_item = models.BooleanField(_("culture item performed"), default=False)
    decisions = models.TextField(_("decisions"), blank=True)
    plan = models.TextField(_("plan for next month"), blank=True)
    attendees = models.ManyToManyField(
        "clubs.Member", through="Attendance", related_name="meetings_attended"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["club", "held_on"], name="meeting_club_day_unique")
        ]
        # Monthly figures: meetings of a set of clubs in a date range.
        indexes = [models.Index(fields=["club", "held_on"], name="meeting_club_held")]

    def __str__(self) -> str:
        return f"{self.club} {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    SCOPE_CLUB = "meeting__club"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    member = models.ForeignKey("clubs.Member", models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")
        ]


class Reading(models.Model):
    """Blood pressure and weight of one member at one meeting (the health-tracking book)."""

    SCOPE_CLUB = "meeting__club"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="readings")
    member = models.ForeignKey("clubs.Member", models.PROTECT, related_name="readings")
    systolic = models.PositiveSmallIntegerField(_("systolic"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("diastolic"), null=True, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="reading_unique"),
            # Both pressures or neither: half a reading cannot be followed up.
            models.CheckConstraint(
                condition=Q(systolic__isnull=True, diastolic__isnull=True)
                | Q(
                    systolic__isnull=False,
                    diastolic__isnull=False,
                    systolic__gt=models.F("diastolic"),
                ),
                name="reading_pressure_pair",
            ),
        ]

    @property
    def flagged(self) -> bool:
        conf = settings.ISHC
        return self.systolic is not None and (
            self.systolic >= conf["BP_SYSTOLIC_HIGH"] or self.diastolic >= conf["BP_DIASTOLIC_HIGH"]
        )


class Kind(models.TextChoices):
    SELF_HELP = "self_help", _("Self-help case")
    ENTITLEMENT = "entitlement", _("Entitlement case")
    DIALOGUE = "dialogue", _("Dialogue with local authorities")
    COMMUNICATION = "communication", _("Communication or learning session")
    EXCHANGE = "exchange", _("Culture or exchange event")
    COMMUNITY_WORK = "community_work", _("Community work")
    FUNDRAISING = "fundraising", _("Fundraising event")


# The area each kind of record belongs to (numbers of the seeded catalogue, domain §6).
KIND_AREA = {
    Kind.SELF_HELP: 4,
    Kind.COMMUNITY_WORK: 4,
    Kind.ENTITLEMENT: 5,
    Kind.DIALOGUE: 5,
    Kind.COMMUNICATION: 6,
    Kind.EXCHANGE: 7,
    Kind.FUNDRAISING: 8,
}


class HelpType(models.TextChoices):
    IN_KIND = "in_kind", _("In kind")
    LABOUR = "labour", _("Labour days")
    CASH = "cash", _("Cash")
    TECHNICAL = "technical", _("Technical help")
    PAPERWORK = "paperwork", _("Paperwork")
    INSURANCE = "insurance", _("Health-insurance purchase")


class Outcome(models.TextChoices):
    PENDING = "pending", _("In progress")
    OBTAINED = "obtained", _("Obtained")
    REFUSED = "refused", _("Not obtained")


class ActivityRecord(models.Model):
    """One dated activity of the club, of one kind. The kinds share date, participants and a
    description; the fields only some kinds use are checked by services.record_activity."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="activity_records")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    title = models.CharField(_("topic or description"), max_length=300)
    participants = models.PositiveIntegerField(pgettext_lazy("count", "participants"), default=0)
    # Self-help and entitlement cases: the person helped, a member of the club or not.
    member = models.ForeignKey(
        "clubs.Member",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member helped"),
    )
    person_name = models.CharField(_("person helped (not a member)"), max_length=120, blank=True)
    help_type = models.CharField(
        _("type of help"), max_length=10, choices=HelpType.choices, blank=True
    )
    value_vnd = models.PositiveBigIntegerField(_("value (VND)"), default=0)
    labour_days = models.PositiveSmallIntegerField(_("labour days"), default=0)
    entitlement = models.CharField(_("entitlement"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # Dialogues: how many proposals were put, and how many the authorities resolved.
    proposals = models.PositiveSmallIntegerField(_("proposals made"), default=0)
    proposals_resolved = models.PositiveSmallIntegerField(_("proposals resolved"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        # Figures count records of one kind for a set of clubs in a date range.
        indexes = [models.Index(fields=["club", "kind", "on"], name="activity_club_kind_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposals_resolved__lte=models.F("proposals")),
                name="activity_resolved_le_proposals",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"

    @property
    def area_number(self) -> int:
        return KIND_AREA[Kind(self.kind)]

    @property
    def person(self) -> str:
        return self.member.full_name if self.member_id else self.person_name


class CareReason(models.TextChoices):
    BEDRIDDEN = "bedridden", _("Bedridden")
    DISABLED = "disabled", _("Disabled")
    ALONE = "alone", _("Living alone")
    ILL = "ill", _("Long illness")
    OTHER = "other", _("Other")


class CaredPerson(models.Model):
    """An older person in need the club visits at home: a member or a neighbour."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="cared_people")
    member = models.ForeignKey(
        "clubs.Member",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    full_name = models.CharField(_("full name (not a member)"), max_length=120, blank=True)
    reason = models.CharField(_("why cared for"), max_length=10, choices=CareReason.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.member.full_name if self.member_id else self.full_name


class Visit(models.Model):
    SCOPE_CLUB = "person__club"

    person = models.ForeignKey(CaredPerson, models.PROTECT, related_name="visits")
    # A home-care volunteer role of the clubs app (the member's team and dates live there).
    volunteer = models.ForeignKey("clubs.VolunteerRole", models.PROTECT, related_name="visits")
    on = models.DateField(_("date"))
    services = models.CharField(_("services done"), max_length=300)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["person", "on"], name="visit_person_on")]


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    """People cared for whose period covers `day`."""
    return Q(**{f"{prefix}since__lte": day}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": day})
    )


class SyncField(models.TextChoices):
    """What one line sent by the meeting-day flow sets. Each line sets one field of one member
    (or one loan, or the meeting), so two phones on one meeting merge field by field."""

    PRESENT = "present", _("attendance")
    PRESSURE = "bp", _("blood pressure")
    WEIGHT = "weight", _("weight")
    FEE = "fee", _("member fee")
    REPAYMENT = "repayment", _("repayment")
    TOPIC = "topic", _("topic presented")
    CULTURE = "culture", _("culture item performed")


class SyncOutcome(models.TextChoices):
    APPLIED = "applied", _("saved")
    REFUSED = "refused", _("refused")
    CONFLICT = "conflict", _("conflict")


class SyncedLine(models.Model):
    """One line the meeting-day flow sent, keyed by the UUID the phone generated when the value
    was typed. The row is the idempotency record: a retried send (the phone never heard the
    answer) finds it and gets the same answer back, and nothing is written twice. It is also
    where the money lines remember which entries they posted, so that a second phone's repayment
    of the same loan is seen as a conflict instead of a second payment."""

    SCOPE_CLUB = "club"

    uuid = models.UUIDField(unique=True)
    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, models.PROTECT, null=True, related_name="synced_lines")
    field = models.CharField(max_length=10, choices=SyncField.choices)
    member = models.ForeignKey("clubs.Member", models.PROTECT, null=True, related_name="+")
    loan = models.ForeignKey("finance.Loan", models.PROTECT, null=True, related_name="+")
    value = models.JSONField(null=True)
    outcome = models.CharField(max_length=10, choices=SyncOutcome.choices)
    # The answer given the first time, replayed as it was to a retry.
    answer = models.JSONField()
    # The finance entries a fee or repayment line posted (none for the other fields).
    entries = models.JSONField(default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The last applied line of one field of one member at one meeting (merge rule).
            models.Index(fields=["meeting", "field", "member"], name="synced_meeting_field"),
            models.Index(fields=["meeting", "field", "loan"], name="synced_meeting_loan"),
        ]
