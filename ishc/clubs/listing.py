"""The club and member lists: filters, diacritic-free search and sorting, shared by the pages and
their .xlsx exports so that an export always holds exactly what the filtered list shows."""

import datetime

from django import forms
from django.conf import settings
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from ishc.accounts.scope import visible
from ishc.core.text import fold
from ishc.geo.models import EthnicGroup, Unit

from .composition import annotate_composition, outside_q
from .models import (
    AREA_FLAGS,
    Club,
    ClubStatus,
    Cohort,
    Household,
    Member,
    Membership,
    Sex,
    older_q,
)

PROBLEMS = [
    ("any", _("Outside any band")),
    ("size", _("Size outside 50–70")),
    ("women", _("Share of women outside its band")),
    ("older", _("Share of older persons outside its band")),
    ("younger", _("Share of younger members outside its band")),
]


class UnitFilterMixin(forms.Form):
    """Province and commune filters limited to what the user can see. The commune list is only
    offered once a province is chosen (a country has 3,321 communes)."""

    province = forms.ModelChoiceField(
        Unit.objects.none(), required=False, label=_("Province"), empty_label="—"
    )
    commune = forms.ModelChoiceField(Unit.objects.none(), required=False, label=_("Commune"))

    def __init__(self, data, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        provinces = visible(user, Unit.objects.provinces())
        self.fields["province"].queryset = provinces
        communes = visible(user, Unit.objects.communes()).select_related("province")
        province_id = self.data.get("province")
        self.fields["commune"].queryset = communes
        # The choices shown: communes of the chosen province, or the user's own few communes.
        if province_id and str(province_id).isdigit():
            self.commune_choices = communes.filter(province_id=province_id)
        elif not provinces.exists():
            self.commune_choices = communes
        else:
            self.commune_choices = communes.none()
        self.fields["commune"].widget.choices = [("", "—")] + [
            (u.pk, u.name) for u in self.commune_choices
        ]
        selected = self.data.get("commune")
        if (
            selected
            and str(selected).isdigit()
            and not any(
                str(pk) == str(selected) for pk, _label in self.fields["commune"].widget.choices
            )
        ):
            unit = communes.filter(pk=selected).first()
            if unit is not None:
                self.fields["commune"].widget.choices.append((unit.pk, unit.name))

    def unit_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.cleaned_data.get("province"):
            q &= Q(**{f"{prefix}province": self.cleaned_data["province"]})
        if self.cleaned_data.get("commune"):
            q &= Q(**{f"{prefix}commune": self.cleaned_data["commune"]})
        return q


CLUB_SORTS = {
    "name": ("search_name", _("Name")),
    "code": ("code", _("Code")),
    "size": ("size", _("Members")),
    "-size": ("-size", _("Members (most first)")),
    "founded": ("founded_on", _("Launch date")),
    "-founded": ("-founded_on", _("Launch date (newest first)")),
}


class ClubFilterForm(UnitFilterMixin):
    q = forms.CharField(required=False, label=_("Search"))
    status = forms.ChoiceField(
        choices=[("", _("All statuses"))] + ClubStatus.choices, required=False, label=_("Status")
    )
    cohort = forms.ChoiceField(
        choices=[("", _("All programmes"))] + Cohort.choices, required=False, label=_("Programme")
    )
    flag = forms.ChoiceField(
        choices=[("", _("All areas"))] + AREA_FLAGS, required=False, label=_("Area")
    )
    problem = forms.ChoiceField(
        choices=[("", _("Any composition"))] + PROBLEMS, required=False, label=_("Composition")
    )
    pending = forms.BooleanField(required=False, label=_("Commune to confirm"))
    sort = forms.ChoiceField(
        choices=[(k, v[1]) for k, v in CLUB_SORTS.items()], required=False, label=_("Sort by")
    )

    def needs_composition(self) -> bool:
        """Whether choosing the rows needs every club's composition: a composition filter or a
        sort by size. Otherwise the page's rows are chosen first and only they are counted."""
        data = self.cleaned_data if self.is_valid() else {}
        return bool(data.get("problem")) or (data.get("sort") or "").lstrip("-") == "size"

    def queryset(self, on: datetime.date, composition: bool = True) -> QuerySet[Club]:
        """The user's visible clubs with the filters applied and composition on `on` annotated
        (with composition=False, only when needs_composition() says the rows can be chosen
        without it: the caller annotates the page's rows with with_composition()).
        Call after is_valid(); invalid filters are ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        qs = visible(self.user, Club.objects.all())
        if self.is_valid():
            qs = qs.filter(self.unit_q())
        if text := fold(data.get("q") or ""):
            qs = qs.filter(search_name__contains=text)
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("cohort"):
            qs = qs.filter(cohort=data["cohort"])
        if data.get("flag"):
            qs = qs.filter(**{data["flag"]: True})
        if data.get("pending"):
            qs = qs.filter(commune__isnull=True)
        if composition or self.needs_composition():
            qs = annotate_composition(qs, on)
        problem = data.get("problem")
        if problem:
            qs = qs.filter(outside_q(None if problem == "any" else [problem]))
        sort = CLUB_SORTS.get(data.get("sort") or "name", CLUB_SORTS["name"])[0]
        return qs.select_related("commune", "province").order_by(sort, "pk")


def with_composition(clubs: list[Club], on: datetime.date) -> list[Club]:
    """Set the composition counts on `on` on the given clubs (one page of a list), in one query
    over their membership periods only: a national list of 25 rows never counts the country."""
    missing = [c for c in clubs if not hasattr(c, "size")]
    if missing:
        # Grouped by the id alone (not every column of the club, as composition() does for a
        # queryset of clubs): a shorter query to build and to run for a page.
        page = Club.objects.filter(pk__in=[c.pk for c in missing]).values("pk")
        rows = annotate_composition(page, on).order_by()
        by_club = {row.pop("pk"): row for row in rows}
        for club in missing:
            for name, value in by_club[club.pk].items():
                setattr(club, name, value)
    return clubs


AGE_GROUPS = [
    ("older", _("Older persons")),
    ("local", _("Aged 55–59")),
    ("younger", _("Younger members")),
]
MEMBER_STATES = [
    ("", _("Current members")),
    ("left", _("Left")),
    ("all", _("Everyone")),
]
MEMBER_SORTS = {
    "name": ("search_name", _("Name")),
    "birth": ("birth_year", _("Oldest first")),
    "-birth": ("-birth_year", _("Youngest first")),
    "club": ("club__search_name", _("Club")),
}


class MemberFilterForm(UnitFilterMixin):
    q = forms.CharField(required=False, label=_("Search"))
    club = forms.ModelChoiceField(
        Club.objects.none(), required=False, label=_("Club"), widget=forms.HiddenInput
    )
    sex = forms.ChoiceField(
        choices=[("", _("Both sexes"))] + Sex.choices, required=False, label=_("Sex")
    )
    age = forms.ChoiceField(
        choices=[("", _("All ages"))] + AGE_GROUPS, required=False, label=_("Age group")
    )
    ethnicity = forms.ChoiceField(required=False, label=_("Ethnicity"))
    household = forms.ChoiceField(
        choices=[("", _("All households"))] + Household.choices,
        required=False,
        label=_("Household status"),
    )
    state = forms.ChoiceField(choices=MEMBER_STATES, required=False, label=_("Membership"))
    sort = forms.ChoiceField(
        choices=[(k, v[1]) for k, v in MEMBER_SORTS.items()], required=False, label=_("Sort by")
    )

    def __init__(self, data, user, **kwargs):
        super().__init__(data, user, **kwargs)
        self.fields["club"].queryset = visible(user, Club.objects.all())
        self.fields["ethnicity"].choices = [
            ("", _("All ethnicities")),
            ("minority", _("Ethnic minorities")),
        ] + [(g.code, g.name) for g in EthnicGroup.objects.all()]

    def queryset(self, on: datetime.date, *, per_row: bool = False) -> QuerySet[Member]:
        """The members the filters select, ordered, with the flag `current` (in a period of
        their club on `on`). per_row=True tests "current" with a subquery per member read,
        for choosing one page's ids (see pages()): SQLite then evaluates it only for the rows
        it returns after sorting, not for every member of the area."""
        data = self.cleaned_data if self.is_valid() else {}
        qs = visible(self.user, Member.objects.all())
        if self.is_valid():
            qs = qs.filter(self.unit_q("club__"))
        if data.get("club"):
            qs = qs.filter(club=data["club"])
        if text := fold(data.get("q") or ""):
            qs = qs.filter(search_name__contains=text)
        if data.get("sex"):
            qs = qs.filter(sex=data["sex"])
        if data.get("household"):
            qs = qs.filter(household=data["household"])
        ethnicity = data.get("ethnicity")
        if ethnicity == "minority":
            qs = qs.exclude(ethnicity__code__in=[EthnicGroup.KINH, EthnicGroup.FOREIGN])
        elif ethnicity:
            qs = qs.filter(ethnicity__code=ethnicity)
        age = data.get("age")
        older = older_q(settings.ISHC["OLDER_AGE"], on)
        local = older_q(settings.ISHC["OLDER_AGE_LOCAL"], on)
        if age == "older":
            qs = qs.filter(older)
        elif age == "local":
            qs = qs.filter(local).exclude(older)
        elif age == "younger":
            qs = qs.exclude(older)
        # "Current" is a period covering the day. Counting (and exporting) reads the day's
        # periods once, as an uncorrelated IN: a correlated EXISTS over the whole area was
        # evaluated once per member (12.4 s at 10,737 members on SQLite when it used the
        # club's index). A page's ids are chosen with the correlated form instead, through the
        # member's own index (per_row). A member's open period is always in the member's club
        # (move_member closes the old one and changes the club together).
        periods = Membership.objects.on(on)
        state = data.get("state") or ""
        if state in ("", "left"):
            if per_row:
                current = Exists(periods.filter(member=OuterRef("pk")))
            else:
                current = Q(pk__in=periods.values("member"))
            qs = qs.filter(current) if state == "" else qs.exclude(current)
        qs = qs.annotate(current=self._current(on))
        sort = MEMBER_SORTS.get(data.get("sort") or "name", MEMBER_SORTS["name"])[0]
        return qs.select_related("club", "ethnicity", "group").order_by(sort, "pk")

    def _current(self, on: datetime.date):
        """The flag shown per row: a constant when the filter already decided it."""
        state = (self.cleaned_data.get("state") if self.is_valid() else "") or ""
        if state == "all":
            periods = Membership.objects.on(on)
            return Exists(periods.filter(member=OuterRef("pk"), club=OuterRef("club")))
        return Value(state == "", output_field=BooleanField())

    def pages(self, on: datetime.date) -> "MemberPages":
        return MemberPages(self, on)

    def current_periods(self, on: datetime.date) -> QuerySet[Membership] | None:
        """The list's default (current members, filtered by place at most) counted as the
        periods covering the day in the area: one scan of the periods' (club, dates) index
        instead of every member of the area tested against them. The same number because a
        member's open period is always in the member's club (move_member). None when a filter
        looks at the members themselves."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if any(data.get(k) for k in ("q", "sex", "household", "ethnicity", "age", "state")):
            return None
        periods = visible(self.user, Membership.objects.on(on)).filter(self.unit_q("club__"))
        if data.get("club"):
            periods = periods.filter(club=data["club"])
        return periods


class MemberPages:
    """The member list as the Paginator reads it: the count in one query; a page as its ids
    first (ordered and limited, "current" probed per row so only the rows before the page's
    end are tested), then those members alone with their club, ethnicity, group and flag.
    Loading the displayed columns and joins for the whole area before the LIMIT made a page
    of 25 cost as much as sorting every member (issue 12, finding 9)."""

    def __init__(self, form: MemberFilterForm, on: datetime.date):
        self.form, self.on = form, on

    def count(self) -> int:
        periods = self.form.current_periods(self.on)
        if periods is not None:
            return periods.count()
        return self.form.queryset(self.on).count()

    def __getitem__(self, window: slice) -> list[Member]:
        keys = self.form.queryset(self.on, per_row=True).values_list("pk", flat=True)
        ids = list(keys[window])
        rows = (
            Member.objects.filter(pk__in=ids)
            .annotate(current=self.form._current(self.on))
            .select_related("club", "ethnicity", "group")
        )
        by_id = {m.pk: m for m in rows}
        return [by_id[pk] for pk in ids]
