from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import LoginThrottle


class ThrottleMixin:
    """Refuses a user name locked after repeated failures. Every log-in page uses it (the site's
    and the admin's), so that a guesser cannot move to the page that does not count."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed log-ins. This account is locked for a few minutes; try again later "
            "or ask your officer to reset the password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and LoginThrottle.is_locked(username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                LoginThrottle.record_failure(username)
            raise
        LoginThrottle.record_success(username)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """Django's log-in form with the lock-out."""


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's log-in form with the same lock-out; the admin's own staff check still runs."""

    error_messages = {**ThrottleMixin.error_messages, **AdminAuthenticationForm.error_messages}
