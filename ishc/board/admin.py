"""Read-only: every change to the Board's records goes through ishc.board.services, which checks
the capability and writes the audit trail (see ishc.audit.admin)."""

from django.contrib import admin

from ishc.audit.admin import ReadOnlyAdmin

from .models import Agency, BoardMember, Conclusion, Contribution, Document, Event, Meeting, Task


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind"]


@admin.register(BoardMember)
class BoardMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "agency", "position", "term_start", "term_end", "user"]
    list_select_related = ["agency", "user"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "responsible", "deadline", "status"]
    list_filter = ["year", "status", "group"]
    list_select_related = ["responsible"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "held_on", "chair"]


@admin.register(Conclusion)
class ConclusionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "text"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "source_type", "source_name", "amount", "unit", "club"]
    list_select_related = ["unit", "club"]
    raw_id_fields = ["unit", "club"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "doc_type", "issuer", "number", "issued_on", "public", "unit"]
    raw_id_fields = ["unit"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "event_type", "topic", "unit", "participants"]
    raw_id_fields = ["unit"]
