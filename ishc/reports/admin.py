from django.contrib import admin

from .models import CommuneSetting, RubricCriterion


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    """The rubric is configuration: which criteria count, their thresholds and order."""

    list_display = ["code", "threshold", "active", "order"]
    list_editable = ["threshold", "active", "order"]


@admin.register(CommuneSetting)
class CommuneSettingAdmin(admin.ModelAdmin):
    list_display = ["commune", "province_approves_directly"]
    raw_id_fields = ["commune"]
