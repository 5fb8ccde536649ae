import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ishc.accounts.models import Role, User
from ishc.accounts.scope import scope_of, visible
from ishc.clubs.models import Club
from ishc.core.uploads import check_document
from ishc.geo.models import Unit
from ishc.geo.widgets import CommuneField

from .models import (
    Agency,
    BoardMember,
    Contribution,
    Document,
    DocumentType,
    Event,
    Meeting,
    Task,
    TaskStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VNDField(forms.CharField):
    """Whole dong. People type "1.500.000" or "1,500,000" or "1500000"; a fraction or a minus
    sign is refused rather than silently rounded."""

    _GROUPED = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+")

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().replace("₫", "").strip()
        if value in self.empty_values:
            return None
        if value.startswith("-"):
            raise ValidationError(_("The value cannot be negative."), code="negative")
        if self._GROUPED.fullmatch(value):
            value = re.sub(r"[.,\s]", "", value)
        if not value.isdigit():
            raise ValidationError(
                _("Enter a whole number of dong, without decimals (e.g. 1.500.000)."),
                code="fraction",
            )
        amount = int(value)
        if amount <= 0:
            raise ValidationError(_("The value must be more than zero."), code="zero")
        return amount


class PlaceMixin(forms.Form):
    """Province, then optionally a commune: the 2025 unit a record belongs to; none = national."""

    province = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Province"),
        empty_label=_("— whole country —"),
        help_text=_("The province as a whole; choose a commune below to be more precise."),
    )
    commune = CommuneField(
        required=False, label=_("Commune"), help_text=_("Leave empty for the whole province.")
    )

    def setup_place(self, user):
        # A commune officer sees her commune but not its province as a unit; she still needs to
        # pick the province first in the commune picker.
        provinces = Unit.objects.provinces().filter(
            Q(pk__in=visible(user, Unit.objects.provinces()).values("pk"))
            | Q(pk__in=visible(user, Unit.objects.communes()).values("province_id"))
        )
        self.fields["province"].queryset = provinces
        self.fields["commune"].widget.provinces = provinces
        scope = scope_of(user)
        if not scope.national:
            self.fields["province"].empty_label = _("— choose —")
            # One assigned unit: start from it, as that is where nearly everything is recorded.
            if len(scope.province_ids) == 1 and not scope.commune_ids:
                self.initial.setdefault("province", next(iter(scope.province_ids)))
            elif len(scope.commune_ids) == 1 and not scope.province_ids:
                self.initial.setdefault("commune", next(iter(scope.commune_ids)))

    def clean_place(self):
        return self.cleaned_data.get("commune") or self.cleaned_data.get("province")


class UploadField(forms.FileField):
    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            check_document(data)
        return data


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = [
            "year",
            "title",
            "description",
            "group",
            "responsible",
            "supporting",
            "deadline",
            "status",
        ]
        widgets = {
            "deadline": DATE,
            "supporting": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class AgencyTaskForm(forms.ModelForm):
    """What a Board member may change on her agency's task."""

    class Meta:
        model = Task
        fields = ["description", "deadline", "status"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class NoteForm(forms.Form):
    written_on = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status now"), choices=TaskStatus.choices)
    file = UploadField(
        label=_("Evidence document"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint or a photo."),
    )


class ConclusionTaskForm(forms.Form):
    title = forms.CharField(
        label=_("Task"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the conclusion's text."),
    )
    responsible = forms.ModelChoiceField(Agency.objects.all(), label=_("Responsible agency"))
    group = forms.ChoiceField(
        label=_("Activity group"), choices=Task._meta.get_field("group").choices
    )
    supporting = forms.ModelMultipleChoiceField(
        Agency.objects.all(),
        label=_("Supporting agencies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "held_on",
            "title",
            "place",
            "chair",
            "participants",
            "other_participants",
            "agenda",
            "minutes",
        ]
        widgets = {
            "held_on": DATE,
            "participants": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "other_participants": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = BoardMember.objects.select_related("agency")
        self.fields["chair"].queryset = members
        self.fields["participants"].queryset = members


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "short_name", "kind"]


class MemberForm(forms.ModelForm):
    class Meta:
        model = BoardMember
        fields = ["full_name", "agency", "position", "is_chair", "term_start", "term_end", "user"]
        widgets = {"term_start": DATE, "term_end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=Role.BOARD, is_active=True)


class ContributionForm(PlaceMixin, forms.ModelForm):
    amount = VNDField(
        label=_("Value (VND)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 30}),
    )
    club_code = forms.CharField(
        label=_("or club code"),
        max_length=20,
        required=False,
        help_text=_("For a contribution to one club, e.g. 08-00012."),
    )

    class Meta:
        model = Contribution
        fields = [
            "received_on",
            "source_type",
            "source_name",
            "kind",
            "amount",
            "in_kind_description",
            "purpose",
            "note",
        ]
        widgets = {"received_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_place(user)
        self.user = user
        if user.role == Role.CLUB:
            club = visible(user, Club.objects.all()).first()
            if club:
                self.initial.setdefault("club_code", club.code)

    def clean(self):
        data = super().clean()
        data["unit"] = self.clean_place()
        data["club"] = None
        code = (data.get("club_code") or "").strip()
        if code:
            # Any club that exists is found here; whether the user may record for it is the
            # service's decision, which answers with the club's name.
            data["club"] = Club.objects.filter(code__iexact=code).first()
            if data["club"] is None:
                self.add_error("club_code", _("No club has the code %(code)s.") % {"code": code})
            data["unit"] = None
        return data


class DocumentForm(PlaceMixin, forms.ModelForm):
    file = UploadField(label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint or an image."))

    class Meta:
        model = Document
        fields = ["title", "doc_type", "issuer", "number", "issued_on", "language", "public"]
        widgets = {"issued_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_place(user)
        self.fields["doc_type"].choices = [
            c for c in DocumentType.choices if c[0] != DocumentType.EVIDENCE
        ]


class VersionForm(forms.Form):
    file = UploadField(label=_("File"))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class EventForm(PlaceMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "held_on",
            "event_type",
            "topic",
            "organiser",
            "participants",
            "women",
            "older",
            "materials",
            "note",
        ]
        widgets = {
            "held_on": DATE,
            "materials": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_place(user)
        self.fields["materials"].queryset = materials

    def clean(self):
        data = super().clean()
        total = data.get("participants")
        for name in ("women", "older"):
            value = data.get(name)
            if total is not None and value is not None and value > total:
                self.add_error(
                    name,
                    _("Cannot be more than the number of participants (%(n)d).") % {"n": total},
                )
        return data
