"""The Steering Board's own work: its agencies and members, the yearly workplan, meetings and
their conclusions, resources mobilised, the document library, training and communication events.

Who sees what: the Board's own work (agencies, members, tasks, meetings) is national and is read
by every user with a scope; contributions, documents and events are tied to a 2025 unit (or a
club) and go through ishc.accounts.scope. Who may change what is decided in ishc.board.access.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ishc.core.text import fold


class ActivityGroup(models.TextChoices):
    """The programme's activity groups, as Decision 1336 lists them."""

    TRAINING = "training", _("Training and materials")
    CLUBS = "clubs", _("Setting up and running clubs")
    COMMUNICATION = "communication", _("Communication and awareness")
    RESOURCES = "resources", _("Resource mobilisation")
    INTERNATIONAL = "international", _("International cooperation")


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    FRONT = "front", _("Fatherland Front")
    ASSOCIATION = "association", _("Association of the Elderly")
    OTHER = "other", _("Other organisation")


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=AgencyKind.choices)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.short_name or self.name


class BoardMemberQuerySet(models.QuerySet["BoardMember"]):
    def current(self, on: datetime.date | None = None) -> "BoardMemberQuerySet":
        on = on or timezone.localdate()
        return self.filter(Q(term_end__isnull=True) | Q(term_end__gte=on), term_start__lte=on)


class BoardMember(models.Model):
    """A person on the Board for a term. Linked to a user (role "board") when she logs in: that
    link is what lets her edit her agency's tasks."""

    full_name = models.CharField(_("full name"), max_length=120)
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="members", verbose_name=_("agency")
    )
    position = models.CharField(_("position"), max_length=200)
    is_chair = models.BooleanField(_("chair of the Board"), default=False)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_memberships",
        verbose_name=_("user account"),
    )

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        ordering = ["-is_chair", "agency__name", "full_name"]
        verbose_name = _("Board member")
        verbose_name_plural = _("Board members")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.agency})"


class TaskStatus(models.TextChoices):
    # "Late" is not stored: it follows from the deadline and today, so that a task nobody touched
    # still shows as late the morning after its deadline.
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DONE = "done", _("Done")


class TaskQuerySet(models.QuerySet["Task"]):
    def late_q(self, today: datetime.date) -> Q:
        return Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)

    def late(self, today: datetime.date | None = None) -> "TaskQuerySet":
        return self.filter(self.late_q(today or timezone.localdate()))

    def urgent_first(self, today: datetime.date | None = None) -> "TaskQuerySet":
        """Late tasks first, then those at risk, then the rest by deadline; done ones last."""
        today = today or timezone.localdate()
        return self.annotate(
            urgency=models.Case(
                models.When(self.late_q(today), then=0),
                models.When(status=TaskStatus.AT_RISK, then=1),
                models.When(status=TaskStatus.DONE, then=3),
                default=2,
                output_field=models.IntegerField(),
            )
        ).order_by("urgency", "deadline", "pk")


class Task(models.Model):
    year = models.PositiveSmallIntegerField(_("workplan year"), db_index=True)
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("activity group"), max_length=16, choices=ActivityGroup.choices)
    responsible = models.ForeignKey(
        Agency, models.PROTECT, related_name="tasks", verbose_name=_("responsible agency")
    )
    supporting = models.ManyToManyField(
        Agency, blank=True, related_name="supported_tasks", verbose_name=_("supporting agencies")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    conclusion = models.OneToOneField(
        "Conclusion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="task",
        verbose_name=_("from meeting conclusion"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            # "My agency's tasks" filters one agency's tasks of one year.
            models.Index(fields=["responsible", "year"], name="task_responsible_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: datetime.date | None = None) -> bool:
        return self.status != TaskStatus.DONE and self.deadline < (today or timezone.localdate())

    @property
    def shown_status(self) -> str:
        """The status as people read it: "late" overrides everything but "done"."""
        return "late" if self.is_late() else self.status

    @property
    def shown_status_label(self) -> str:
        return str(_("Late")) if self.is_late() else self.get_status_display()


class ProgressNote(models.Model):
    task = models.ForeignKey(Task, models.CASCADE, related_name="notes")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    # The status the task had after this note, so that the history reads as a timeline.
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices)
    document = models.ForeignKey(
        "Document",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_notes",
        verbose_name=_("evidence document"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("progress note")

    def __str__(self) -> str:
        return f"{self.task} · {self.written_on}"


class Meeting(models.Model):
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        BoardMember, models.PROTECT, related_name="chaired_meetings", verbose_name=_("chair")
    )
    participants = models.ManyToManyField(
        BoardMember, blank=True, related_name="meetings", verbose_name=_("participants")
    )
    other_participants = models.TextField(_("other participants"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")

    def __str__(self) -> str:
        return self.title


class Conclusion(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="conclusions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("conclusion"))

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("conclusion")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="conclusion_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class SourceType(models.TextChoices):
    CENTRAL_BUDGET = "central_budget", _("Central state budget")
    PROVINCE_BUDGET = "province_budget", _("Provincial budget")
    COMMUNE_BUDGET = "commune_budget", _("Commune budget")
    ASSOCIATION = "association", _("Association of the Elderly")
    DOMESTIC_ORG = "domestic_org", _("Domestic organisation")
    INTERNATIONAL_ORG = "international_org", _("International organisation")
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual")
    CLUB_OWN = "club_own", _("Club's own")


class ContributionKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Purpose(models.TextChoices):
    LOAN_CAPITAL = "loan_capital", _("Initial loan capital")
    EQUIPMENT = "equipment", _("Equipment")
    TRAINING = "training", _("Training")
    ACTIVITIES = "activities", _("Activities")


class Contribution(models.Model):
    """Resources mobilised: one gift or allocation, in cash or in kind, valued in whole VND.

    The recipient is a club, a 2025 province or commune, or nobody (the programme nationally).
    A club's contribution is scoped through its club and counts in the club's province; a unit's
    through the unit. Both paths are combined in ishc.board.access.contributions_q, because one
    SCOPE_ path cannot express "club if there is one, else unit". The finance app's capital
    entries will point here: keep this model's name and primary key stable.
    """

    SCOPE_CLUB = "club"

    received_on = models.DateField(_("date"))
    source_type = models.CharField(_("source type"), max_length=20, choices=SourceType.choices)
    source_name = models.CharField(_("source name"), max_length=200)
    kind = models.CharField(_("cash or in kind"), max_length=8, choices=ContributionKind.choices)
    amount = models.PositiveBigIntegerField(_("value (VND)"))
    in_kind_description = models.CharField(_("items given"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "geo.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient unit"),
    )
    club = models.ForeignKey(
        "clubs.Club",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("recipient club"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(club__isnull=True),
                name="contribution_unit_or_club",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive"),
        ]
        indexes = [
            # Totals by year and source read the date and the type only.
            models.Index(fields=["received_on", "source_type"], name="contribution_date_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} · {self.received_on}"

    @property
    def recipient(self):
        return self.club or self.unit


class DocumentType(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance document")
    DECISION = "decision", _("Decision")
    FORM = "form", _("Form or template")
    TRAINING = "training", _("Training material")
    COMMUNICATION = "communication", _("Communication article")
    EVIDENCE = "evidence", _("Evidence of a task")


class DocumentLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class Language(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")
    OTHER = "other", _("Other language")


class Document(models.Model):
    """A library entry. Its files are DocumentVersion rows; the newest one is current.

    Visible by scope through its unit (none = national, seen by national users only) unless it is
    public, which every user with a scope reads. Files are served by a view that checks this,
    never from a media URL.
    """

    SCOPE_UNIT = "unit"

    title = models.CharField(_("title"), max_length=300)
    doc_type = models.CharField(_("type"), max_length=16, choices=DocumentType.choices)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=DocumentLevel.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.VI
    )
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Public documents are readable by every user.")
    )
    unit = models.ForeignKey(
        "geo.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.number} {self.issuer}")[:600]
        super().save(*args, **kwargs)


def _version_path(instance: "DocumentVersion", filename: str) -> str:
    # Not under any URL: files leave only through the scoped download view.
    return f"private/board/{instance.document_id}/{instance.number}-{filename}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    # Detected from the file's bytes, never taken from the browser.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class EventType(models.TextChoices):
    TRAINING = "training", _("Training")
    COMMUNICATION = "communication", _("Communication")


class Event(models.Model):
    """A training course or communication event; no unit means a national event."""

    SCOPE_UNIT = "unit"
    SCOPE_NATIONAL = True

    held_on = models.DateField(_("date"))
    unit = models.ForeignKey(
        "geo.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    event_type = models.CharField(_("type"), max_length=16, choices=EventType.choices)
    topic = models.CharField(_("topic"), max_length=300)
    organiser = models.ForeignKey(
        Agency,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organised by"),
    )
    participants = models.PositiveIntegerField(_("participants"))
    women = models.PositiveIntegerField(_("of whom women"))
    older = models.PositiveIntegerField(_("of whom older persons"))
    materials = models.ManyToManyField(
        Document, blank=True, related_name="events", verbose_name=_("materials")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=Q(women__lte=models.F("participants"))
                & Q(older__lte=models.F("participants")),
                name="event_counts_within_total",
                violation_error_message=_(
                    "Women and older persons cannot be more than the participants."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.topic
