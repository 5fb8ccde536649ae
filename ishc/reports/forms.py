from django import forms
from django.utils.translation import gettext_lazy

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
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(
        label=gettext_lazy("Grade"), choices=[("", "—"), *Grade.choices], required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
