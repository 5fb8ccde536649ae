"""Forms of the registry. They check what a form can check (required fields, formats); the
services check the rules (dates in order, one chair at a time …) and their messages are shown on
the form too."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ishc.accounts.scope import editable
from ishc.geo.models import EthnicGroup, Unit
from ishc.geo.widgets import CommuneField, UnitPickerWidget

from .models import Club, ClubStatus, Cohort, Member, Position, VolunteerKind


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends yyyy-mm-dd, which the input formats accept."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)


def _commune_field(user, required=True) -> CommuneField:
    communes = editable(user, Unit.objects.communes())
    provinces = Unit.objects.provinces().filter(pk__in=communes.values("province_id"))
    return CommuneField(
        queryset=communes,
        required=required,
        label=_("Commune (2025)"),
        widget=UnitPickerWidget(provinces=provinces),
    )


class ClubForm(forms.ModelForm):
    class Meta:
        model = Club
        fields = [
            "name",
            "village",
            "cohort",
            "donor_project_code",
            "supporting_org",
            "decision_number",
            "decision_date",
            "decision_issuer",
            "founded_on",
            "meeting_day",
            "regulations_file",
            "regulations_adopted",
            "loan_max_amount",
            "loan_max_months",
            "loan_monthly_rate",
            "loan_method",
            "loan_early_payoff",
            "mountainous",
            "remote",
            "ethnic_minority_area",
            "especially_difficult",
            "border",
            "island",
        ]
        widgets = {
            "decision_date": DateInput,
            "founded_on": DateInput,
            "regulations_adopted": DateInput,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A club still to confirm gets its commune on the confirm page, not here; a club
        # board member edits the club's details but cannot move it to another commune.
        pending = self.instance.pk and self.instance.commune_id is None
        commune = _commune_field(user)
        if not pending and commune.queryset.exists():
            self.fields["commune"] = commune
            self.fields["commune"].initial = self.instance.commune_id
            self.order_fields(["name", "village", "commune"])
        self.fields["meeting_day"].widget.attrs.update({"min": 1, "max": 31})
        self.fields["meeting_day"].help_text = _("Day of the month, 1–31.")
        # Left unanswered, the early-payoff rule stays what the club has (the common practice
        # for a new club): a board that never opened the loan section must not be stopped here.
        self.fields["loan_early_payoff"].required = False

    def clean_loan_early_payoff(self):
        return self.cleaned_data.get("loan_early_payoff") or self.instance.loan_early_payoff

    def clean_meeting_day(self):
        day = self.cleaned_data.get("meeting_day")
        if day is not None and not 1 <= day <= 31:
            raise forms.ValidationError(_("Give a day between 1 and 31."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("cohort") == Cohort.DONOR and not data.get("donor_project_code"):
            self.add_error("donor_project_code", _("Give the donor project's code."))
        return data

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if data["regulations_file"] is None:
            data.pop("regulations_file")  # unchanged
        elif data["regulations_file"] is False:
            data["regulations_file"] = ""  # cleared
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ClubStatus.choices)
    since = _date_field(_("Since"))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea({"rows": 3}))
    merged_into = forms.ModelChoiceField(
        Club.objects.none(), label=_("Merged into"), required=False
    )

    def __init__(self, *args, club: Club, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = editable(
            user, Club.objects.filter(province_id=club.province_id).exclude(pk=club.pk)
        )
        self.fields["since"].initial = timezone.localdate()


class ConfirmCommuneForm(forms.Form):
    commune = forms.ModelChoiceField(
        Unit.objects.none(), label=_("Commune (2025)"), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Unit.objects.filter(pk__in=[u.pk for u in candidates])
        self.fields["commune"].choices = [(u.pk, u.label) for u in candidates]


class MemberForm(forms.ModelForm):
    joined_on = _date_field(_("Joined on"))

    class Meta:
        model = Member
        fields = [
            "full_name",
            "sex",
            "birth_date",
            "birth_year",
            "ethnicity",
            "household",
            "disabled",
            "lives_alone",
            "health_insurance",
            "allowance",
            "phone",
            "group",
        ]
        widgets = {
            "birth_date": DateInput,
            "sex": forms.RadioSelect,
            "phone": forms.TextInput({"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.club = club
        if self.instance.pk:
            del self.fields["joined_on"]
        else:
            self.fields["joined_on"].initial = timezone.localdate()
        self.fields["birth_year"].required = False
        self.fields["birth_year"].help_text = _(
            "If only the year is known, leave the date empty: the age is then approximate."
        )
        self.fields["birth_year"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["ethnicity"].queryset = EthnicGroup.objects.all()
        self.fields["ethnicity"].initial = EthnicGroup.objects.filter(code=EthnicGroup.KINH).first()
        self.fields["group"].queryset = club.groups.all()
        self.fields["sex"].choices = self.fields["sex"].choices[1:]  # no blank radio

    def clean(self):
        data = super().clean()
        birth_date, year = data.get("birth_date"), data.get("birth_year")
        today = timezone.localdate()
        if birth_date:
            data["birth_year"] = birth_date.year
            if birth_date > today:
                self.add_error("birth_date", _("The date of birth is in the future."))
        elif not year:
            self.add_error("birth_year", _("Give the date of birth or at least the birth year."))
        elif not 1900 <= year <= today.year:
            self.add_error("birth_year", _("Give a year between 1900 and this year."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LeaveForm(forms.Form):
    on = _date_field(_("Left on"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200)


class RejoinForm(forms.Form):
    on = _date_field(_("Joined again on"), initial=timezone.localdate)


class MoveForm(forms.Form):
    to_club = forms.ModelChoiceField(Club.objects.none(), label=_("New club"))
    on = _date_field(_("From"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, member: Member, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_club"].queryset = editable(user, Club.objects.all()).exclude(
            pk=member.club_id
        )


class EndForm(forms.Form):
    on = _date_field(_("Until"), initial=timezone.localdate)


def _current_members(club: Club, on):
    return club.members.filter(periods__in=club.memberships.on(on)).distinct()


class BoardForm(forms.Form):
    member = forms.ModelChoiceField(Member.objects.none(), label=_("Member"))
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    area = forms.CharField(
        label=_("Activity area"),
        required=False,
        max_length=120,
        help_text=_("For a member in charge of an activity area, e.g. Health care."),
    )
    started_on = _date_field(_("From"), initial=timezone.localdate)
    ended_on = _date_field(_("Until"), required=False)

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _current_members(club, timezone.localdate())


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=100)
    leader = forms.ModelChoiceField(Member.objects.none(), label=_("Group leader"), required=False)

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _current_members(club, timezone.localdate())


class VolunteerForm(forms.Form):
    member = forms.ModelChoiceField(Member.objects.none(), label=_("Member"))
    kind = forms.ChoiceField(label=_("Volunteer role"), choices=VolunteerKind.choices)
    started_on = _date_field(_("From"), initial=timezone.localdate)
    ended_on = _date_field(_("Until"), required=False)

    def __init__(self, *args, club: Club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _current_members(club, timezone.localdate())


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            {"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "At most %(rows)s rows and %(mb)s MB. Use the template: its headers must stay as "
            "they are."
        ) % {"rows": settings.ISHC["IMPORT_MAX_ROWS"], "mb": settings.MAX_UPLOAD_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB. Split it into several files.")
                % {"mb": settings.MAX_UPLOAD_MB}
            )
        return upload
