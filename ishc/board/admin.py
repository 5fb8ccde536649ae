"""Django admin for the secretariat's rare corrections; day-to-day work goes through the board
pages, whose services write the audit trail."""

from django.contrib import admin

from .models import Agency, BoardMember, Conclusion, Contribution, Document, Event, Meeting, Task


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind"]


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "agency", "position", "term_start", "term_end", "user"]
    list_select_related = ["agency", "user"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "responsible", "deadline", "status"]
    list_filter = ["year", "status", "group"]
    list_select_related = ["responsible"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "held_on", "chair"]


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number", "text"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["received_on", "source_type", "source_name", "amount", "unit", "club"]
    list_select_related = ["unit", "club"]
    raw_id_fields = ["unit", "club"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_type", "issuer", "number", "issued_on", "public", "unit"]
    raw_id_fields = ["unit"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["held_on", "event_type", "topic", "unit", "participants"]
    raw_id_fields = ["unit"]
