"""Clubs and their members: the paper member register, as data.

A club keeps the unit it was registered under *and* its current 2025 commune: history is never
rewritten, and reports roll up on current units. A member's time in a club is a list of
membership periods, so that the club's composition can be worked out at any date and a move to
another club keeps the old history.
"""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ishc.core.text import clean_name, fold


class Cohort(models.TextChoices):
    P1533 = "1533", _("Decision 1533 (2016–2020)")
    P1336 = "1336", _("Decision 1336 (2021–2025)")
    P1648 = "1648", _("Decision 1648 (2025–2035)")
    LOCAL = "local", _("Local budget")
    DONOR = "donor", _("Donor project")


class LoanMethod(models.TextChoices):
    FLAT = "flat", _("Flat interest")
    DECLINING = "declining", _("Declining balance, equal instalments")
    INTEREST_ONLY = "interest_only", _("Interest only, principal at maturity")


class EarlyPayoff(models.TextChoices):
    """What a member owes in interest when paying a loan off before its last instalment."""

    # Common practice (the Bank for Social Policies and most community funds): interest runs to
    # the payoff date; a month that has begun is owed in full, months not yet begun are waived.
    TO_DATE = "to_date", _("Interest up to the payoff date")
    SCHEDULED = "scheduled", _("All the interest in the schedule")


class ClubStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    MERGED = "merged", _("Merged into another club")
    DISSOLVED = "dissolved", _("Dissolved")


AREA_FLAGS = [
    ("mountainous", _("Mountainous")),
    ("remote", _("Remote")),
    ("ethnic_minority_area", _("Ethnic-minority area")),
    ("especially_difficult", _("Especially difficult")),
    ("border", _("Border")),
    ("island", _("Island")),
]


# Bounds of a club's loan rules, checked by forms, the importer and the database alike. A rate
# beyond 10 % a month is a typing error (a club lends at 0.5–1 %), and 100 % or more does not
# even fit the column (PostgreSQL: "numeric field overflow"; SQLite stored it and the club list
# then failed on reading it back). The largest loan is far above any club's fund.
MAX_MONTHLY_RATE = Decimal("10")
MAX_LOAN_AMOUNT = 10_000_000_000
MAX_LOAN_MONTHS = 120
FIRST_BIRTH_YEAR = 1900


class Club(models.Model):
    SCOPE_CLUB = ""

    code = models.CharField(_("club code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    village = models.CharField(_("village / neighbourhood"), max_length=200, blank=True)

    # As registered: a legacy or 2025 commune (or a legacy special-zone district). Codes of
    # communes abolished before the snapshot have no unit; they are kept as text and code.
    registered_unit = models.ForeignKey(
        "geo.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune as registered"),
    )
    registered_code = models.PositiveIntegerField(
        _("commune code as registered"), null=True, blank=True
    )
    registered_name = models.CharField(_("commune name as registered"), max_length=200, blank=True)
    # Current 2025 commune: null while the successor is ambiguous and no person has chosen yet
    # (the club is then in the "to confirm" list of its province).
    commune = models.ForeignKey(
        "geo.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="clubs",
        verbose_name=_("commune (2025)"),
    )
    # Derived from the commune (or, while unconfirmed, from the registered province, which always
    # maps to exactly one 2025 province); stored so that province scoping is one indexed filter.
    province = models.ForeignKey(
        "geo.Unit", models.PROTECT, related_name="province_clubs", verbose_name=_("province (2025)")
    )

    decision_number = models.CharField(_("founding decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("decision issued by"), max_length=200, blank=True)
    founded_on = models.DateField(_("launch date"), null=True, blank=True)

    regulations_file = models.FileField(_("regulations"), upload_to="regulations/", blank=True)
    regulations_adopted = models.DateField(_("regulations adopted on"), null=True, blank=True)
    # Loan rules from the regulations; the funds use them as defaults for each application.
    loan_max_amount = models.PositiveBigIntegerField(
        _("maximum loan (VND)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LOAN_AMOUNT)],
    )
    loan_max_months = models.PositiveSmallIntegerField(
        _("maximum term (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LOAN_MONTHS)],
    )
    loan_monthly_rate = models.DecimalField(
        _("monthly rate (%)"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONTHLY_RATE)],
    )
    loan_method = models.CharField(
        _("repayment method"), max_length=16, choices=LoanMethod.choices, blank=True
    )
    loan_early_payoff = models.CharField(
        _("interest when a loan is paid off early"),
        max_length=10,
        choices=EarlyPayoff.choices,
        default=EarlyPayoff.TO_DATE,
    )

    meeting_day = models.PositiveSmallIntegerField(
        _("monthly meeting day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    cohort = models.CharField(_("programme / cohort"), max_length=8, choices=Cohort.choices)
    donor_project_code = models.CharField(_("donor project code"), max_length=40, blank=True)
    supporting_org = models.CharField(_("supporting organisation"), max_length=200, blank=True)

    mountainous = models.BooleanField(_("mountainous"), default=False)
    remote = models.BooleanField(_("remote"), default=False)
    ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)
    especially_difficult = models.BooleanField(_("especially difficult"), default=False)
    border = models.BooleanField(_("border"), default=False)
    island = models.BooleanField(_("island"), default=False)

    # The latest entry of the status history, kept here so that "active clubs" is a plain filter;
    # only ishc.clubs.services.set_status writes it, together with the history row.
    status = models.CharField(
        _("status"), max_length=10, choices=ClubStatus.choices, default=ClubStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["province", "status"], name="club_province_status"),
            models.Index(fields=["commune", "status"], name="club_commune_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(loan_monthly_rate__isnull=True)
                | Q(loan_monthly_rate__gte=0, loan_monthly_rate__lte=MAX_MONTHLY_RATE),
                name="club_monthly_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(loan_max_amount__isnull=True)
                | Q(loan_max_amount__gte=1, loan_max_amount__lte=MAX_LOAN_AMOUNT),
                name="club_loan_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(loan_max_months__isnull=True)
                | Q(loan_max_months__gte=1, loan_max_months__lte=MAX_LOAN_MONTHS),
                name="club_loan_months_range",
            ),
            models.CheckConstraint(
                condition=Q(meeting_day__isnull=True) | Q(meeting_day__gte=1, meeting_day__lte=31),
                name="club_meeting_day_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(f"{self.name} {self.code} {self.village}")
        super().save(*args, **kwargs)

    @property
    def needs_confirmation(self) -> bool:
        return self.commune_id is None

    @property
    def area_flags(self) -> list[str]:
        return [str(label) for name, label in AREA_FLAGS if getattr(self, name)]


class ClubStatusChange(models.Model):
    club = models.ForeignKey(Club, models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=10, choices=ClubStatus.choices)
    since = models.DateField(_("since"))
    reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        Club, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_CLUB = "club"

    class Meta:
        ordering = ["-since", "-pk"]


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Household(models.TextChoices):
    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near-poor")
    DIFFICULT = "difficult", _("Difficult")
    AVERAGE = "average", _("Average")
    BETTER_OFF = "better_off", _("Better-off")


class Allowance(models.TextChoices):
    NONE = "", _("None")
    PENSION = "pension", _("Pension")
    SOCIAL = "social", _("Social allowance")


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def older_q(age: int, on: datetime.date, prefix: str = "") -> Q:
    """Members aged `age` or more on `on`, as a Q usable in aggregates (prefix e.g. "member__")."""
    return Q(**{f"{prefix}birth_date__lte": _years_before(on, age)}) | Q(
        **{f"{prefix}birth_date__isnull": True, f"{prefix}birth_year__lte": on.year - age}
    )


def difficult_q(prefix: str = "") -> Q:
    """Members in difficult circumstances: poor, near-poor or difficult household, disabled, or
    living alone (domain §4)."""
    return (
        Q(**{f"{prefix}household__in": [Household.POOR, Household.NEAR_POOR, Household.DIFFICULT]})
        | Q(**{f"{prefix}disabled": True})
        | Q(**{f"{prefix}lives_alone": True})
    )


# Letters and digits that cannot be misread on paper or typed wrong on a phone (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_member_code() -> str:
    """A member's code: "TV" and 8 random characters (31^8, about 850 billion codes).

    Random rather than counted so that an import can give 20,000 new members their codes
    without reading or locking a counter, and so that the code says nothing about the club:
    a member who moves keeps it. The unique index catches the (vanishingly rare) collision.
    """
    return new_member_codes(1)[0]


# Random bytes → alphabet letters: the 248 values that divide evenly into 8 rounds of the 31
# letters map to a letter, the 8 others are dropped (so every letter is equally likely).
_CODE_TABLE = bytes(CODE_ALPHABET[i % 31].encode()[0] for i in range(248)) + bytes(8)
_DROPPED = bytes(range(248, 256))


def new_member_codes(n: int) -> list[str]:
    """n member codes from one read of the system's random source: an import of 20,000
    members would otherwise draw 160,000 random letters one at a time."""
    letters = b""
    while len(letters) < 8 * n:
        letters += secrets.token_bytes(9 * n + 16).translate(_CODE_TABLE, _DROPPED)
    text = letters.decode()
    return ["TV" + text[i : i + 8] for i in range(0, 8 * n, 8)]


class Member(models.Model):
    SCOPE_CLUB = "club"

    # The member's identity through every export and import: names are corrected and birth
    # dates found later, the code stays. Shown on the member's page and in every export.
    # Unique by a constraint (Meta) rather than unique=True, which on PostgreSQL adds a second
    # index for LIKE 'x%' that nothing asks: codes are looked up whole.
    code = models.CharField(
        _("member code"), max_length=12, default=new_member_code, editable=False
    )

    # The club the member belongs to now (or last belonged to); the periods say since when.
    # No index of its own: member_club_name starts with the club and serves every lookup by
    # club, and one index fewer to maintain makes importing 10,000 members markedly faster.
    club = models.ForeignKey(
        Club, models.PROTECT, related_name="members", verbose_name=_("club"), db_index=False
    )
    full_name = models.CharField(_("full name"), max_length=120)
    # Indexed in Meta (member_search_name) for the same reason: searches are "contains", which
    # no index serves, and duplicates are looked up by the whole folded name.
    search_name = models.CharField(max_length=120, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), validators=[MinValueValidator(FIRST_BIRTH_YEAR)]
    )
    # Null when only the year is known (common on paper): the age is then approximate.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # No index: every member pays for it on import (about a tenth of the COPY of 20,000 members
    # on PostgreSQL) and no query needs it. The member list filters by ethnicity as it does by
    # sex or household, among the members of the area it reads anyway; the composition counts
    # test it on each member they count. Only deleting an ethnic group would look members up
    # by it (PROTECT), and the groups are the fixed national list the application never deletes.
    ethnicity = models.ForeignKey(
        "geo.EthnicGroup",
        models.PROTECT,
        verbose_name=_("ethnicity"),
        related_name="+",
        db_index=False,
    )
    household = models.CharField(
        _("household status"), max_length=12, choices=Household.choices, default=Household.AVERAGE
    )
    disabled = models.BooleanField(_("disability"), default=False)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    health_insurance = models.BooleanField(_("health-insurance card"), default=False)
    allowance = models.CharField(
        _("pension or social allowance"), max_length=8, choices=Allowance.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # No index either: the club page counts a group's members among the club's (member_club_name),
    # and only deleting a group would look members up by it (SET_NULL), which the application
    # never does (an admin deleting a club would scan the members once).
    group = models.ForeignKey(
        "Group",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("group"),
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]
        # Each index is paid on every imported member: these are the ones a page uses.
        indexes = [
            models.Index(fields=["club", "search_name"], name="member_club_name"),
            models.Index(fields=["search_name"], name="member_search_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="member_code_unique"),
            # "Not in the future" moves with the calendar: forms, the importer and the services
            # check it; the database keeps what cannot be a living member's birth out.
            models.CheckConstraint(
                condition=Q(birth_year__gte=FIRST_BIRTH_YEAR, birth_year__lte=2100),
                name="member_birth_year_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True)
                | Q(birth_date__gte=datetime.date(FIRST_BIRTH_YEAR, 1, 1)),
                name="member_birth_date_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = clean_name(self.full_name)
        self.search_name = fold(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)

    @property
    def birth_is_approximate(self) -> bool:
        return self.birth_date is None

    def age_on(self, on: datetime.date) -> int:
        if self.birth_date is None:
            return on.year - self.birth_year
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - int(before_birthday)

    def is_older(self, on: datetime.date, age: int | None = None) -> bool:
        return self.age_on(on) >= (age or settings.ISHC["OLDER_AGE"])

    @property
    def is_minority(self) -> bool:
        return self.ethnicity.is_minority


class MembershipQuerySet(models.QuerySet["Membership"]):
    def on(self, day: datetime.date) -> "MembershipQuerySet":
        """Periods covering `day`: joined on or before it, not yet left (leaving day excluded)."""
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))

    def overlapping(self, start: datetime.date, end: datetime.date) -> "MembershipQuerySet":
        """Periods with at least one day in [start, end]."""
        return self.filter(joined_on__lte=end).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=start)
        )


class Membership(models.Model):
    """One period of a member in a club: join, and leave with a reason. Re-joining or moving to
    another club opens a new period; old periods are never rewritten."""

    SCOPE_CLUB = "club"

    # No index of its own: membership_member_club starts with the member.
    member = models.ForeignKey(Member, models.CASCADE, related_name="periods", db_index=False)
    # No index of its own: membership_club_dates starts with the club (see Member.club).
    club = models.ForeignKey(Club, models.PROTECT, related_name="memberships", db_index=False)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on"]
        indexes = [
            # Composition at a date: periods of one club covering that date.
            models.Index(fields=["club", "joined_on", "left_on"], name="membership_club_dates"),
            # "Is this member current in their club?" for each row of the member list: with
            # only the member's own index, SQLite's planner preferred membership_club_dates
            # (two usable columns against one) and walked the whole club's periods per row —
            # 12.4 s for a list of 10,737 members. This one answers it from member and club.
            models.Index(fields=["member", "club", "joined_on"], name="membership_member_club"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]


class Group(models.Model):
    """A group (*tổ*) of a club, led by a group leader (*tổ trưởng*) chosen among its members."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey(Club, models.CASCADE, related_name="groups", verbose_name=_("club"))
    name = models.CharField(_("group name"), max_length=100)
    leader = models.ForeignKey(
        Member,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group leader"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["club", "name"], name="group_club_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    ACCOUNTANT = "accountant", _("Accountant / treasurer")
    AREA = "area", _("Member in charge of an activity area")


class BoardTermQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        """Terms running on `day` (the end day is the last day served)."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )


class BoardPosition(models.Model):
    """A term on the club board (*Ban chủ nhiệm*). Ending a term keeps it: the board at any past
    date stays known."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey(Club, models.CASCADE, related_name="board", verbose_name=_("club"))
    member = models.ForeignKey(
        Member, models.CASCADE, related_name="board_terms", verbose_name=_("member")
    )
    position = models.CharField(_("position"), max_length=12, choices=Position.choices)
    area = models.CharField(_("activity area"), max_length=120, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = BoardTermQuerySet.as_manager()

    class Meta:
        ordering = ["position", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="board_end_after_start",
            ),
        ]


class VolunteerKind(models.TextChoices):
    HOME_CARE = "home_care", _("Home care")
    ECONOMIC = "economic", _("Economic development")
    CULTURE = "culture", _("Culture team")


class VolunteerRole(models.Model):
    """A member volunteering in one of the club's teams between two dates (the activity areas
    count volunteers, e.g. "at least 5 home-care volunteers")."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey(
        Club, models.CASCADE, related_name="volunteers", verbose_name=_("club")
    )
    member = models.ForeignKey(
        Member, models.CASCADE, related_name="volunteer_roles", verbose_name=_("member")
    )
    kind = models.CharField(_("volunteer role"), max_length=12, choices=VolunteerKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = BoardTermQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="volunteer_end_after_start",
            ),
        ]


class PendingImport(models.Model):
    """An uploaded file that passed its checks and waits for the uploader's confirmation.

    Kept in the database rather than on one server's disk, and confirmed by one UPDATE that
    only succeeds while `confirmed_at` is empty: two confirmations sent together (a double tap,
    two tabs, two servers) import the file once — the second waits for the first one's row
    lock, then finds it confirmed. Unconfirmed files are removed after a day.
    """

    token = models.CharField(max_length=32, primary_key=True)
    kind = models.CharField(max_length=10)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
