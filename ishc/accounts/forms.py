from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import lockout


class ThrottleMixin:
    """The lock-out on every log-in page (the site's and the admin's), so that a guesser cannot
    move to the page that does not count. What is counted and when it locks is decided in
    ishc.accounts.lockout and django-axes; this form only turns a refusal into a message."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed log-ins. This account is locked for a few minutes; try again later "
            "or ask your officer to reset the password."
        ),
    }

    def clean(self):
        locked = forms.ValidationError(self.error_messages["locked"], code="locked")
        # Before authenticate(): an address spraying many names is refused without a hash.
        if self.request is not None and lockout.address_throttled(self.request):
            raise locked
        try:
            return super().clean()
        except forms.ValidationError:
            # axes' backend marks the request when the pair is (or has just become) locked.
            if getattr(self.request, "axes_locked_out", False):
                raise locked from None
            raise


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """Django's log-in form with the lock-out."""


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's log-in form with the same lock-out; the admin's own staff check still runs."""

    error_messages = {**ThrottleMixin.error_messages, **AdminAuthenticationForm.error_messages}
