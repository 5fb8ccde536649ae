"""Read-only: clubs change through ishc.clubs.services (see ishc.audit.admin)."""

from django.contrib import admin

from ishc.audit.admin import ReadOnlyAdmin

from .models import Club


@admin.register(Club)
class ClubAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province", "commune", "status"]
    search_fields = ["name", "code", "search_name"]
    raw_id_fields = ["registered_unit", "commune", "province"]
