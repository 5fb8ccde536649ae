"""The club funds: two funds per club, immutable entries, loans and their schedules.

The money rule: no balance is stored anywhere. A fund's balance is the sum of its entries' cash
amounts; a loan's outstanding principal is the sum of its entries' principal effects; interest
due and arrears compare the loan's schedule with its entries. All of it is computed in
ishc.finance.ledger. Entries are written once and never updated or deleted; a mistake is
corrected by a reversing entry (same kind, opposite amounts), so that every sum by kind nets out.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ishc.clubs.models import LoanMethod


class FundKind(models.TextChoices):
    IGF = "igf", _("Income Generation Fund")
    ACTIVITY = "activity", _("Activity Fund")


class Fund(models.Model):
    """One of the club's two funds. The row holds no money: it names the fund and is the row that
    is locked (select_for_update) while a balance is checked and an entry written."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="funds")
    kind = models.CharField(_("fund"), max_length=10, choices=FundKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["club", "kind"], name="fund_club_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.club}"


class EntryKind(models.TextChoices):
    CAPITAL = "capital", _("Capital received")
    DISBURSEMENT = "disbursement", _("Loan disbursed")
    PRINCIPAL = "principal", _("Principal repaid")
    INTEREST = "interest", _("Interest / fee received")
    INCOME = "income", _("Other income")
    EXPENSE = "expense", _("Expense")
    TRANSFER_OUT = "transfer_out", _("Transfer to the other fund")
    TRANSFER_IN = "transfer_in", _("Transfer from the other fund")
    WRITE_OFF = "write_off", _("Loan written off")


class Category(models.TextChoices):
    # Capital sources (domain §5).
    COMMUNE_PC = "commune_pc", _("Commune People's Committee")
    ASSOCIATION = "association", _("Association of the Elderly")
    DONOR = "donor", _("Project / donor")
    COMMUNITY = "community", _("Community mobilisation")
    # Other income.
    MEMBER_FEES = "member_fees", _("Member fees")
    GOLDEN_HEART = "golden_heart", _("Golden-heart donations")
    COLLECTIVE_WORK = "collective_work", _("Collective work")
    SUPPORT = "support", _("Support from authorities and donors")
    # Expenses.
    VISITS = "visits", _("Visits and gifts")
    HARDSHIP = "hardship", _("Hardship support")
    HEALTH = "health", _("Health")
    CULTURE = "culture", _("Culture")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")


CAPITAL_SOURCES = [Category.COMMUNE_PC, Category.ASSOCIATION, Category.DONOR, Category.COMMUNITY]
INCOME_CATEGORIES = [
    Category.MEMBER_FEES,
    Category.GOLDEN_HEART,
    Category.COLLECTIVE_WORK,
    Category.SUPPORT,
    Category.OTHER,
]
EXPENSE_CATEGORIES = [
    Category.VISITS,
    Category.HARDSHIP,
    Category.HEALTH,
    Category.CULTURE,
    Category.EQUIPMENT,
    Category.OTHER,
]


class ImmutableQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass Entry.save(): refuse them too."""

    def update(self, **kwargs):
        raise TypeError("finance entries are immutable; post a reversing entry")

    def delete(self):
        raise TypeError("finance entries are never deleted; post a reversing entry")


class Immutable(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are never deleted")


class Entry(Immutable):
    """One line of a fund's cash book.

    `amount` is the signed effect on the fund's cash (in +, out −); `principal` is the signed
    effect on the loan's outstanding principal (disbursement +, repayment −, write-off −). A
    write-off moves no cash (amount 0); interest moves cash but no principal.
    """

    SCOPE_CLUB = "club"

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="entries")
    # Copied from the fund, so that scoping and per-club figures need no join.
    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=EntryKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    amount = models.BigIntegerField(_("amount (VND)"))
    principal = models.BigIntegerField(default=0)
    loan = models.ForeignKey("Loan", models.PROTECT, null=True, blank=True, related_name="entries")
    member = models.ForeignKey(
        "clubs.Member",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    counterpart = models.CharField(_("outside party"), max_length=200, blank=True)
    voucher = models.CharField(_("voucher number"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Capital received can name the contribution it comes from (resources mobilised, recorded by
    # the Steering Board's secretariat or the province), so the two books can be reconciled.
    contribution = models.ForeignKey(
        "board.Contribution",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="capital_entries",
        verbose_name=_("from contribution"),
    )
    reverses = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    sheet = models.ForeignKey(
        "CollectionSheet", models.PROTECT, null=True, blank=True, related_name="entries"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [
            # Balances and cash books: entries of one fund up to a date.
            models.Index(fields=["fund", "date"], name="entry_fund_date"),
            # Outstanding principal and paid amounts of one loan up to a date.
            models.Index(fields=["loan", "date"], name="entry_loan_date"),
            # Figures by club and period.
            models.Index(fields=["club", "kind", "date"], name="entry_club_kind_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.date:%d/%m/%Y} {self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        from . import monthly

        # The entry and its month's sums commit together or not at all.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            monthly.add(self)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def money(self) -> int:
        """The amount shown in books: cash for cash entries, principal for a write-off."""
        return self.amount if self.kind != EntryKind.WRITE_OFF else -self.principal


class ClubMonth(models.Model):
    """One club's entries of one month, summed: a projection of the entries kept by
    ishc.finance.monthly, never a second truth.

    Why: a national dashboard asks every club's fund balances and loan flows. From the entries
    that is a scan of millions of rows (2.6 million at 10,000 clubs, seconds on either
    database, docs/benchmarks.md); from this table it is one row per club and month (about 8
    times fewer). Each entry adds itself to its month's row in the transaction that writes it
    (Entry.save), so the row is never behind its entries; `manage.py verify_figures` compares
    every row with the entries and rebuilds it from them. The columns are sums of entry
    columns, nothing else: a balance on a day is the sum of the months up to that day
    (monthly.covers says when the months answer exactly)."""

    club = models.ForeignKey("clubs.Club", models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()  # its first day
    igf_entries = models.IntegerField(default=0)
    activity_entries = models.IntegerField(default=0)
    igf_amount = models.BigIntegerField(default=0)
    activity_amount = models.BigIntegerField(default=0)
    igf_capital = models.BigIntegerField(default=0)
    activity_capital = models.BigIntegerField(default=0)
    # Disbursements counted +1, their reversals −1, so that a corrected mistake is no loan.
    loans_disbursed = models.IntegerField(default=0)
    amount_disbursed = models.BigIntegerField(default=0)
    principal_repaid = models.BigIntegerField(default=0)
    interest_received = models.BigIntegerField(default=0)
    # The entries' effect on loans' outstanding principal.
    loan_principal = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index every figure reads: one club's months in order.
            models.UniqueConstraint(fields=["club", "month"], name="club_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.club_id} {self.month:%m/%Y}"


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Disbursed, being repaid")
    CLOSED = "closed", _("Repaid and closed")
    WRITTEN_OFF = "written_off", _("Written off")


class Loan(models.Model):
    """A loan from the Income Generation Fund to a member.

    The row holds the terms and where the loan is in its life; it never holds money. Its status
    moves forward only through ishc.finance.loans, each step audited.
    """

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="loans")
    member = models.ForeignKey(
        "clubs.Member", models.PROTECT, related_name="loans", verbose_name=_("member")
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    purpose = models.CharField(_("purpose"), max_length=200)
    months = models.PositiveSmallIntegerField(_("term (months)"))
    annual_rate = models.DecimalField(_("annual rate (%)"), max_digits=7, decimal_places=4)
    method = models.CharField(_("repayment method"), max_length=16, choices=LoanMethod.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_meeting = models.CharField(_("approved at meeting"), max_length=120, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The schedule in force: rescheduling adds a new version and moves this forward.
    schedule_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        indexes = [models.Index(fields=["club", "status"], name="loan_club_status")]

    def __str__(self) -> str:
        return _("Loan #%(n)s · %(member)s") % {"n": self.pk, "member": self.member}

    @property
    def monthly_rate_percent(self):
        return self.annual_rate / 12


class Instalment(Immutable):
    """One line of one version of a loan's schedule, with running totals stored so that arrears
    are one indexed comparison ("the oldest instalment whose cumulative amount exceeds what was
    paid"). Rescheduling writes a new version; old versions stay as history."""

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="instalments")
    version = models.PositiveSmallIntegerField()
    # 0 is the settled past carried into a rescheduled version (what was due before it).
    no = models.PositiveSmallIntegerField()
    due_date = models.DateField(_("due date"))
    principal = models.BigIntegerField(_("principal"))
    interest = models.BigIntegerField(_("interest"))
    cum_principal = models.BigIntegerField()
    cum_interest = models.BigIntegerField()
    cum_total = models.BigIntegerField()

    class Meta:
        ordering = ["loan", "version", "no"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "version", "no"], name="instalment_unique"),
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0), name="instalment_not_negative"
            ),
        ]
        indexes = [
            # Arrears: the schedule in force of one loan, by due date.
            models.Index(fields=["loan", "version", "due_date"], name="instalment_loan_due"),
        ]

    @property
    def total(self) -> int:
        return self.principal + self.interest


class Reschedule(Immutable):
    """Why and when a loan's schedule was replaced."""

    SCOPE_CLUB = "loan__club"

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="reschedules")
    version = models.PositiveSmallIntegerField()
    on = models.DateField(_("rescheduled on"))
    months = models.PositiveSmallIntegerField(_("new term (months)"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class WriteOffStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class WriteOff(models.Model):
    """A write-off request (maker) and its decision (checker, a different person). Only an
    approved request posts the write-off entry that reduces the outstanding principal."""

    SCOPE_CLUB = "loan__club"

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="write_offs")
    on = models.DateField(_("write-off date"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WriteOffStatus.choices, default=WriteOffStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    # A request to reverse an approved write-off (the same maker–checker rule undoes it).
    undo = models.BooleanField(_("reverse the write-off"), default=False)

    class Meta:
        constraints = [
            # One open request per loan: a second one would ask the checker to decide twice.
            models.UniqueConstraint(
                fields=["loan"], condition=Q(status="pending"), name="writeoff_one_pending"
            )
        ]


class CollectionSheet(Immutable):
    """The meeting-day collection of one club and month; its entries point back to it. Unique per
    club and month, so a second submission is refused by the database as well as the form."""

    SCOPE_CLUB = "club"

    club = models.ForeignKey("clubs.Club", models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # first day of the month
    meeting_date = models.DateField(_("meeting date"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["club", "month"], name="collection_club_month")
        ]
