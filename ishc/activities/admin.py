from django.contrib import admin

from .models import ActivityArea, AreaStandard


class StandardInline(admin.TabularInline):
    model = AreaStandard
    extra = 0


@admin.register(ActivityArea)
class ActivityAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name_vi", "name_en", "active"]
    inlines = [StandardInline]
