from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ishc.core.forms import MoneyField

from .models import ActivityRecord, CareReason, HelpType, Kind, Outcome
from .services import ReadingInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    topic = forms.CharField(label=gettext_lazy("Topic presented"), max_length=300, required=False)
    culture_item = forms.BooleanField(label=gettext_lazy("Culture item performed"), required=False)
    decisions = forms.CharField(
        label=gettext_lazy("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan = forms.CharField(
        label=gettext_lazy("Plan for next month"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def parse_grid(post, members) -> tuple[list[int], list[ReadingInput], list[str]]:
    """Attendance ticks and readings from the posted grid (fields present, sys_<id>, dia_<id>,
    wt_<id>), with a message naming the member for every value that is not a number."""
    present = []
    for raw in post.getlist("present"):
        try:
            present.append(int(raw))
        except ValueError:
            continue
    readings, errors = [], []
    for m in members:
        values = {}
        for prefix, label in (("sys", _("systolic")), ("dia", _("diastolic")), ("wt", _("weight"))):
            raw = (post.get(f"{prefix}_{m.pk}") or "").strip().replace(",", ".")
            if not raw:
                values[prefix] = None
                continue
            try:
                values[prefix] = Decimal(raw) if prefix == "wt" else int(raw)
            except (ValueError, InvalidOperation):
                errors.append(
                    _("%(name)s: %(label)s “%(raw)s” is not a number.")
                    % {"name": m.full_name, "label": label, "raw": raw}
                )
                values[prefix] = None
        if any(v is not None for v in values.values()):
            readings.append(ReadingInput(m.pk, values["sys"], values["dia"], values["wt"]))
    return present, readings, errors


# Which fields each kind of record shows (the rest keep their defaults).
KIND_FIELDS = {
    Kind.SELF_HELP: ["member", "person_name", "help_type", "value_vnd", "labour_days"],
    Kind.ENTITLEMENT: ["member", "person_name", "entitlement", "outcome"],
    Kind.DIALOGUE: ["proposals", "proposals_resolved"],
    Kind.COMMUNICATION: [],
    Kind.EXCHANGE: [],
    Kind.COMMUNITY_WORK: [],
    Kind.FUNDRAISING: ["value_vnd"],
}


class ActivityForm(forms.ModelForm):
    # Text read as people write money ("300.000" is 300,000 ₫), never a number input.
    value_vnd = MoneyField(label=gettext_lazy("Value (VND)"), required=False, allow_zero=True)

    class Meta:
        model = ActivityRecord
        fields = [
            "on",
            "title",
            "participants",
            "member",
            "person_name",
            "help_type",
            "value_vnd",
            "labour_days",
            "entitlement",
            "outcome",
            "proposals",
            "proposals_resolved",
        ]
        widgets = {"on": DATE}

    def __init__(self, *args, kind: str, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = {"on", "title", "participants", *KIND_FIELDS[kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "member" in self.fields:
            self.fields["member"].queryset = members
            self.fields["member"].required = False
        if "help_type" in self.fields:
            self.fields["help_type"].choices = [("", "—"), *HelpType.choices]
        if "outcome" in self.fields:
            self.fields["outcome"].choices = Outcome.choices
        if kind == Kind.FUNDRAISING:
            self.fields["value_vnd"].label = gettext_lazy("Amount raised (VND)")

    def clean_value_vnd(self):
        return self.cleaned_data.get("value_vnd") or 0


class VolunteerForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=None)
    since = forms.DateField(label=gettext_lazy("Since"), widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CaredPersonForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=None, required=False)
    full_name = forms.CharField(
        label=gettext_lazy("Or name (not a member)"), max_length=120, required=False
    )
    reason = forms.ChoiceField(label=gettext_lazy("Why cared for"), choices=CareReason.choices)
    since = forms.DateField(label=gettext_lazy("Since"), widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class VisitForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("Person visited"), queryset=None)
    volunteer = forms.ModelChoiceField(label=gettext_lazy("Volunteer"), queryset=None)
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    services = forms.CharField(label=gettext_lazy("Services done"), max_length=300)

    def __init__(self, *args, people, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["volunteer"].queryset = volunteers.select_related("member")
        self.fields["volunteer"].label_from_instance = lambda role: role.member.full_name
