"""The commune picker: province first, then type a few letters of the commune (with or without
diacritics) and tap it. Works without a keyboard-heavy dropdown on a 360-px phone; without
JavaScript the list still shows the province's first communes."""

from django import forms
from django.urls import reverse

from .models import Unit


class UnitPickerWidget(forms.Widget):
    template_name = "geo/unit_picker.html"

    def __init__(self, provinces=None, attrs=None):
        super().__init__(attrs)
        self.provinces = provinces

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        selected = None
        if value not in (None, ""):
            selected = Unit.objects.filter(pk=value).select_related("province").first()
        province_id = selected.province_id if selected else None
        provinces = self.provinces if self.provinces is not None else Unit.objects.provinces()
        context["widget"].update(
            {
                "selected": selected,
                "provinces": provinces,
                "province_id": province_id,
                "search_url": reverse("geo:search"),
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class CommuneField(forms.ModelChoiceField):
    """A 2025 commune, limited to the queryset given (normally the user's editable communes)."""

    def __init__(self, queryset=None, **kwargs):
        queryset = queryset if queryset is not None else Unit.objects.communes()
        kwargs.setdefault("widget", UnitPickerWidget())
        super().__init__(queryset=queryset, **kwargs)
