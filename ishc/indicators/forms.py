from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ishc.accounts.scope import scope_of
from ishc.geo.models import Level
from ishc.geo.widgets import CommuneField, UnitPickerWidget

from . import catalogue
from .models import Phase, Programme, Target


class TargetForm(forms.ModelForm):
    """A target for the nation (central officers only), a province or a commune. The province is
    a short list; the commune is chosen with the commune picker (3,321 of them)."""

    indicator = forms.ChoiceField(label=_("Indicator"), choices=())
    province = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False)
    commune = CommuneField(label=_("Commune"), required=False)

    class Meta:
        model = Target
        fields = [
            "programme",
            "phase",
            "year",
            "indicator",
            "comparison",
            "value",
            "value_high",
            "note",
        ]

    def __init__(self, *args, units, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.national = scope_of(user).national
        provinces = units.filter(level=Level.PROVINCE)
        self.fields["indicator"].choices = catalogue.choices()
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = (
            _("Whole country") if self.national else _("— province —")
        )
        self.fields["commune"].queryset = units.filter(level=Level.COMMUNE)
        self.fields["commune"].widget = UnitPickerWidget(provinces=provinces)
        self.fields["commune"].help_text = _("Leave empty for a target of the whole province.")
        self.fields["programme"].queryset = Programme.objects.all()
        self.fields["phase"].queryset = Phase.objects.select_related("programme")
        order = ["programme", "phase", "year", "indicator", "province", "commune"]
        self.order_fields(order)

    def clean(self):
        data = super().clean()
        unit = data.get("commune") or data.get("province")
        if unit is None and not self.national:
            raise ValidationError(_("Choose your province or one of your communes."))
        self.instance.unit = unit
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
