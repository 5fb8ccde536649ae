from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ishc.audit.admin import AuditedAdmin
from ishc.audit.services import record

from .forms import ThrottledAdminAuthenticationForm
from .models import Assignment, User

# The admin's log-in counts failures and honours the lock-out exactly like the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 1
    autocomplete_fields = ["unit", "club"]


@admin.register(User)
class ISHCUserAdmin(AuditedAdmin, UserAdmin):
    """Superusers only (AuditedAdmin); officers manage the people below them on the site."""

    fieldsets = UserAdmin.fieldsets + (("ISHC", {"fields": ("role", "organisation", "phone")}),)
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    inlines = [AssignmentInline]

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record(request.user, "admin.accounts.user.password_set", self.get_object(request, id))
        return response
