from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .forms import ThrottledAdminAuthenticationForm
from .models import Assignment, User

# The admin's log-in counts failures and honours the lock-out exactly like the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 1
    autocomplete_fields = ["unit", "club"]


@admin.register(User)
class ISHCUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("ISHC", {"fields": ("role", "organisation", "phone")}),)
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    inlines = [AssignmentInline]
