from django.contrib import admin

from .models import Club


@admin.register(Club)
class ClubAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "commune", "status"]
    search_fields = ["name", "code", "search_name"]
    raw_id_fields = ["registered_unit", "commune", "province"]
