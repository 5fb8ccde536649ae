"""Administrative units of Vietnam in both schemes, and how the old ones became the new ones.

On 1 July 2025 the country went from 63 provinces, ~700 districts and ~10,000 communes to 34
provinces and 3,321 communes with no districts. Clubs registered before then carry legacy units;
reports roll up on 2025 units. A code alone is ambiguous (code 4 is a different ward in each
scheme), so every unit is keyed by (scheme, level, code).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ishc.core.text import fold


class Scheme(models.TextChoices):
    LEGACY = "legacy", _("before 1 July 2025")
    CURRENT = "2025", _("since 1 July 2025")


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class UnitQuerySet(models.QuerySet["Unit"]):
    def current(self) -> "UnitQuerySet":
        return self.filter(scheme=Scheme.CURRENT)

    def provinces(self) -> "UnitQuerySet":
        return self.filter(scheme=Scheme.CURRENT, level=Level.PROVINCE)

    def communes(self) -> "UnitQuerySet":
        return self.filter(scheme=Scheme.CURRENT, level=Level.COMMUNE)

    def search(self, text: str) -> "UnitQuerySet":
        """Diacritic-insensitive search: "ha giang" finds "Hà Giang"."""
        folded = fold(text)
        return self.filter(search_name__contains=folded) if folded else self


class Unit(models.Model):
    scheme = models.CharField(max_length=8, choices=Scheme.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    division_type = models.CharField(max_length=40)
    # District for a legacy commune, province for a district or a 2025 commune; null for provinces.
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Province of any unit below province level, kept beside parent so that "all communes of this
    # province" is one indexed filter in both schemes (legacy communes sit two levels down).
    province = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    # Only for legacy provinces: the 2025 province it became part of (every new province is a
    # union of whole old ones, so this is never ambiguous).
    successor = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="predecessors"
    )
    iso_code = models.CharField(max_length=8, blank=True)
    search_name = models.CharField(max_length=120, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "level", "code"], name="unit_key"),
        ]
        indexes = [
            # The commune picker filters communes of one province by folded name.
            models.Index(fields=["scheme", "level", "province"], name="unit_level_province"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.scheme == Scheme.CURRENT

    @property
    def label(self) -> str:
        """Name with its province, as people disambiguate the many "Xã Tân Phú"."""
        if self.province_id and self.level != Level.PROVINCE:
            return f"{self.name}, {self.province.name}"
        return self.name


class Succession(models.Model):
    """One row of the official old→new conversion.

    A legacy commune has one row per successor; several rows mean it was split (partly merged) and
    a person must choose. Legacy island districts without communes became special zones: they
    are recorded here with old_level = district. The old unit may be missing from the legacy
    snapshot (it changed between the snapshot and the merger), so its code is kept on its own.
    """

    old_level = models.CharField(max_length=10, choices=Level.choices)
    old_code = models.PositiveIntegerField()
    old_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="successions"
    )
    new_unit = models.ForeignKey(Unit, models.PROTECT, related_name="predecessions")
    partly_merged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_level", "old_code", "new_unit"], name="succession_pair"
            ),
        ]
        indexes = [models.Index(fields=["old_level", "old_code"], name="succession_old")]

    def __str__(self) -> str:
        return f"{self.old_level} {self.old_code} → {self.new_unit}"


class EthnicGroup(models.Model):
    """The 54 ethnic groups with their NSO codes (01 Kinh … 54 Rơ-măm), plus 55 for foreigners."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=60)

    KINH = "01"
    FOREIGN = "55"

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_minority(self) -> bool:
        return self.code not in (self.KINH, self.FOREIGN)
