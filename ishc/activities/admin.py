"""Activity areas and their standards are settings with no service: superusers change them,
audited (see ishc.audit.admin)."""

from django.contrib import admin

from ishc.audit.admin import AuditedAdmin

from .models import ActivityArea, AreaStandard


class StandardInline(admin.TabularInline):
    model = AreaStandard
    extra = 0


@admin.register(ActivityArea)
class ActivityAreaAdmin(AuditedAdmin):
    list_display = ["number", "name_vi", "name_en", "active"]
    inlines = [StandardInline]
