"""Club composition at a date, aggregated in SQL.

Decision 1336 wants each club to have 50–70 members, 60–70 % women, 60–70 % older persons and
30–40 % younger people (bands in settings.ISHC). The check warns, it never blocks saving: a club
that is outside a band is still a club, and its officers need to see it, not be stopped.

Everything here is one query for any number of clubs: `composition()` annotates a club queryset
with conditional counts over the membership periods covering the date, so a dashboard can count
"clubs within each band" for 10,000 clubs without loading a single member.

Shares are compared as integers (value × 100 against bound × total), so exactly 60 % of 50 is
inside the band and no float rounding moves a club across an edge.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, When
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from ishc.geo.models import EthnicGroup

from .models import Club, Sex, difficult_q, older_q

OK = "ok"
LOW = "low"
HIGH = "high"
EMPTY = "empty"  # no members: a share has no denominator

# Name of the annotated count → its band in settings.ISHC (None: shown, no band).
BANDS = {
    "size": "CLUB_SIZE_BAND",
    "women": "WOMEN_BAND",
    "older": "OLDER_BAND",
    "younger": "YOUNGER_BAND",
}
FIELDS = ["size", "women", "older", "older_local", "younger", "difficult", "minority"]


def _period_q(on: datetime.date, prefix: str = "memberships__") -> Q:
    return Q(**{f"{prefix}joined_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})
    )


def annotate_composition(clubs_qs: QuerySet[Club], on: datetime.date) -> QuerySet[Club]:
    """The clubs with size, women, older, older_local, younger, difficult and minority on `on`
    annotated (counts of members whose period covers the date; the leaving day is excluded)."""
    period = _period_q(on)
    m = "memberships__member__"
    older_age = settings.ISHC["OLDER_AGE"]
    local_age = settings.ISHC["OLDER_AGE_LOCAL"]

    def count(extra: Q | None = None) -> Count:
        return Count("memberships", filter=period & extra if extra is not None else period)

    return clubs_qs.annotate(
        size=count(),
        women=count(Q(**{f"{m}sex": Sex.FEMALE})),
        older=count(older_q(older_age, on, m)),
        older_local=count(older_q(local_age, on, m)),
        difficult=count(difficult_q(m)),
        # Kinh and foreigners are not ethnic minorities (codes 01 and 55).
        minority=count(~Q(**{f"{m}ethnicity__code__in": [EthnicGroup.KINH, EthnicGroup.FOREIGN]})),
    ).annotate(younger=F("size") - F("older"))


def composition(clubs_qs: QuerySet[Club], on: datetime.date) -> QuerySet:
    """One row of values per club: club_id and the counts of FIELDS on `on`."""
    return (
        annotate_composition(clubs_qs, on)
        .order_by()
        .values("size", "women", "older", "older_local", "younger", "difficult", "minority")
        .annotate(club_id=F("pk"))
    )


def band(name: str) -> tuple[int, int]:
    return settings.ISHC[BANDS[name]]


def band_status(value: int, total: int, band: tuple[int, int]) -> str:
    """Where a share value/total stands against a percentage band: ok, low, high, or empty."""
    if not total:
        return EMPTY
    low, high = band
    if value * 100 < low * total:
        return LOW
    if value * 100 > high * total:
        return HIGH
    return OK


def size_status(size: int, band: tuple[int, int] | None = None) -> str:
    low, high = band or settings.ISHC["CLUB_SIZE_BAND"]
    if size < low:
        return LOW
    if size > high:
        return HIGH
    return OK


def within_q(name: str, band_: tuple[int, int] | None = None) -> Q:
    """Condition on an annotate_composition() queryset: the count `name` is within its band
    (size against absolute bounds, the others as a share of size)."""
    low, high = band_ or band(name)
    if name == "size":
        return Q(size__gte=low, size__lte=high)
    value = F(name) * 100
    return (
        Q(size__gt=0)
        & Q(GreaterThanOrEqual(value, F("size") * low))
        & Q(LessThanOrEqual(value, F("size") * high))
    )


def outside_q(names: list[str] | None = None) -> Q:
    """Clubs outside at least one of the bands `names` (all banded counts by default)."""
    q = Q(pk__in=[])
    for name in names or list(BANDS):
        q |= ~within_q(name)
    return q


def band_counts(clubs_qs: QuerySet[Club], on: datetime.date) -> dict[str, int]:
    """Number of clubs within each band on `on`, plus the total, in one query:
    {"clubs": n, "size": …, "women": …, "older": …, "younger": …, "all": within every band}.

    Django cannot aggregate over aggregates, so the per-club flags are computed by the ORM and
    summed by one outer SELECT around that query (plain SQL, the same on SQLite and PostgreSQL).
    """
    names = list(BANDS)
    all_q = Q()
    flags = {}
    for name in names:
        flags[f"in_{name}"] = Case(
            When(within_q(name), then=1), default=0, output_field=IntegerField()
        )
        all_q &= within_q(name)
    flags["in_all"] = Case(When(all_q, then=1), default=0, output_field=IntegerField())
    inner = annotate_composition(clubs_qs, on).order_by().annotate(**flags).values(*flags)
    sql, params = inner.query.sql_with_params()
    sums = ", ".join(f"COALESCE(SUM(t.{flag}), 0)" for flag in flags)
    with connections[inner.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {sums} FROM ({sql}) t", params)
        row = cursor.fetchone()
    return dict(zip(["clubs", *names, "all"], (int(v) for v in row), strict=True))


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    value: int
    total: int
    band: tuple[int, int] | None
    status: str

    @property
    def share(self) -> float | None:
        return self.value / self.total if self.total else None

    @property
    def css(self) -> str:
        # Bootstrap's contextual table classes: a plain background on a row is hidden by the
        # table's own cell background.
        return {
            OK: "table-success",
            LOW: "table-danger",
            HIGH: "table-danger",
            EMPTY: "table-warning",
        }.get(self.status, "")


LABELS = {
    "size": _("Members"),
    "women": _("Women"),
    "older": _("Older persons (%(age)s+)"),
    "older_local": _("Aged %(age)s+"),
    "younger": _("Younger members"),
    "difficult": _("In difficult circumstances"),
    "minority": _("Ethnic minorities"),
}


def card(values: dict, on: datetime.date | None = None) -> list[Line]:
    """The composition card of one club from a composition() row: every count with its band and
    status. Counts without a band (55+, difficult, minorities) are shown with status ''."""
    total = values["size"]
    lines = []
    for name in FIELDS:
        label = LABELS[name]
        if name == "older":
            label = label % {"age": settings.ISHC["OLDER_AGE"]}
        elif name == "older_local":
            label = label % {"age": settings.ISHC["OLDER_AGE_LOCAL"]}
        if name == "size":
            lines.append(Line(name, str(label), total, total, band(name), size_status(total)))
        elif name in BANDS:
            b = band(name)
            lines.append(
                Line(name, str(label), values[name], total, b, band_status(values[name], total, b))
            )
        else:
            lines.append(Line(name, str(label), values[name], total, None, ""))
    return lines


def club_card(club: Club, on: datetime.date) -> list[Line]:
    """One query: the card of one club on `on`."""
    return card(composition(Club.objects.filter(pk=club.pk), on).get(), on)
