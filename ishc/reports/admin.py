"""The rubric's criteria are settings with no service: superusers change them, audited. The
commune setting has its service (reports.services.set_commune_setting): read-only here."""

from django.contrib import admin

from ishc.audit.admin import AuditedAdmin, ReadOnlyAdmin

from .models import CommuneSetting, RubricCriterion


@admin.register(RubricCriterion)
class RubricCriterionAdmin(AuditedAdmin):
    """The rubric is configuration: which criteria count, their thresholds and order."""

    list_display = ["code", "threshold", "active", "order"]
    list_editable = ["threshold", "active", "order"]


@admin.register(CommuneSetting)
class CommuneSettingAdmin(ReadOnlyAdmin):
    list_display = ["commune", "province_approves_directly"]
    raw_id_fields = ["commune"]
