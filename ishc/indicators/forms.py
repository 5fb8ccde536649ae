from django import forms
from django.utils.translation import gettext_lazy as _

from ishc.accounts.scope import scope_of

from . import catalogue
from .models import Phase, Programme, Target


class TargetForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("indicator"), choices=())

    class Meta:
        model = Target
        fields = [
            "programme",
            "phase",
            "year",
            "indicator",
            "unit",
            "comparison",
            "value",
            "value_high",
            "note",
        ]

    def __init__(self, *args, units, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = catalogue.choices()
        self.fields["unit"].queryset = units
        # Only central officers set national targets; the others choose one of their units.
        self.fields["unit"].required = not scope_of(user).national
        self.fields["unit"].empty_label = _("Whole country")
        self.fields["programme"].queryset = Programme.objects.all()
        self.fields["phase"].queryset = Phase.objects.select_related("programme")
        self.fields["unit"].label_from_instance = lambda u: u.label


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
