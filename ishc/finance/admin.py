"""Read-only admin for the funds: entries and schedules are immutable, and every change to a loan
goes through ishc.finance.services (which checks cash, locks rows and audits)."""

from django.contrib import admin

from ishc.audit.admin import ReadOnlyAdmin

from .models import CollectionSheet, Entry, Fund, Instalment, Loan, Reschedule, WriteOff


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "date", "club", "fund", "kind", "category", "amount", "principal", "loan"]
    list_filter = ["kind", "fund__kind"]
    search_fields = ["voucher", "note", "club__name", "member__full_name"]
    date_hierarchy = "date"


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["pk", "club", "member", "amount", "months", "annual_rate", "method", "status"]
    list_filter = ["status", "method"]
    search_fields = ["member__full_name", "club__name"]


for model in (Fund, Instalment, Reschedule, WriteOff, CollectionSheet):
    admin.site.register(model, ReadOnlyAdmin)
