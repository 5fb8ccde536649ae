from django.contrib import admin

from .models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "level", "code"]
    list_filter = ["scheme", "level"]
    search_fields = ["name", "search_name"]
