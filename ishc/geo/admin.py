"""Read-only: units come from the official lists (manage.py load_admin_units)."""

from django.contrib import admin

from ishc.audit.admin import ReadOnlyAdmin

from .models import Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "scheme", "level", "code"]
    list_filter = ["scheme", "level"]
    search_fields = ["name", "search_name"]
