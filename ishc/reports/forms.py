from django import forms
from django.utils.translation import gettext_lazy as _l

from .models import Grade, MonthlyReport


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = MonthlyReport
        fields = ["difficulties", "proposals", "no_meeting_reason"]
        widgets = {
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }


class NewReportForm(forms.Form):
    month = forms.DateField(
        label=_l("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(
        label=_l("Grade"), choices=[("", "—"), *Grade.choices], required=False
    )
    reason = forms.CharField(
        label=_l("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
