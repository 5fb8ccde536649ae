"""Programmes, their phases, and targets, as data.

Targets change with every decision and every provincial plan, so none of them is code: a target
is (programme, phase or year, indicator, unit, comparison, value). The indicators themselves are
code (ishc.indicators.catalogue), because each one is a computation.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A national decision (1533, 1336, 1648, a national strategy) or a provincial plan."""

    SCOPE_UNIT = "unit"
    # National programmes are visible to everybody with a scope: every province works under them.
    SCOPE_NATIONAL = True

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=80, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Null for a national programme; a 2025 province for a provincial plan.
    unit = models.ForeignKey(
        "geo.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )

    class Meta:
        ordering = ["starts_on", "code"]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    SCOPE_UNIT = "programme__unit"
    SCOPE_NATIONAL = True

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.name}"


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")
    BAND = "band", _("within the band")


class Target(models.Model):
    """One target. Its period is its year if given, else its phase, else the whole programme.

    The value is in the indicator's own unit as people say it: a count of clubs, or a percentage
    (95 for "95 %") for a ratio indicator.
    """

    SCOPE_UNIT = "unit"
    SCOPE_NATIONAL = True

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="targets", verbose_name=_("programme")
    )
    phase = models.ForeignKey(
        Phase,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("phase"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    indicator = models.CharField(_("indicator"), max_length=40)
    # Null for the nation; a 2025 province or commune otherwise.
    unit = models.ForeignKey(
        "geo.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    value_high = models.DecimalField(
        _("upper bound of the band"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme__starts_on", "phase__starts_on", "year", "pk"]
        indexes = [models.Index(fields=["programme", "unit"], name="target_programme_unit")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(comparison="band") | Q(value_high__isnull=False),
                name="target_band_has_upper_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.indicator} {self.value}"

    @property
    def period_bounds(self) -> tuple[datetime.date, datetime.date]:
        if self.year:
            return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        if self.phase_id:
            return self.phase.starts_on, self.phase.ends_on
        return self.programme.starts_on, self.programme.ends_on

    def clean(self):
        if self.comparison == Comparison.BAND:
            if self.value_high is None:
                raise ValidationError({"value_high": _("A band needs an upper bound.")})
            if self.value_high < self.value:
                raise ValidationError(
                    {"value_high": _("The upper bound must not be below the lower bound.")}
                )
        if self.phase_id and self.phase.programme_id != self.programme_id:
            raise ValidationError({"phase": _("This phase belongs to another programme.")})
        if self.year and not (
            self.programme.starts_on.year <= self.year <= self.programme.ends_on.year
        ):
            raise ValidationError({"year": _("The year lies outside the programme.")})
