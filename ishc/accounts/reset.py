"""Password-reset mails, rate-limited.

Django's reset view mails whoever owns the address typed, as often as asked. Here, within an hour:
one mailbox gets at most PASSWORD_RESET_MAX_PER_EMAIL mails (more requests show the same "sent"
page, so the page never says whether an address is known), and one network address may ask for
at most PASSWORD_RESET_MAX_PER_ADDRESS different mailboxes (then it is told to wait).
"""

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .lockout import client_ip
from .models import ResetRequest


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        now = timezone.now()
        ResetRequest.objects.filter(requested_at__lt=now - datetime.timedelta(days=1)).delete()
        email = form.cleaned_data["email"].strip().lower()
        address = client_ip(self.request)
        recent = ResetRequest.objects.filter(requested_at__gte=now - datetime.timedelta(hours=1))
        asked_here = set(recent.filter(address=address).values_list("email", flat=True))
        if email not in asked_here and len(asked_here) >= settings.PASSWORD_RESET_MAX_PER_ADDRESS:
            form.add_error(
                None,
                _(
                    "Too many password resets were asked from this place. Try again in an hour, "
                    "or ask your officer to reset the password."
                ),
            )
            return self.form_invalid(form)
        already = recent.filter(email=email).count()
        ResetRequest.objects.create(email=email, address=address)
        if already >= settings.PASSWORD_RESET_MAX_PER_EMAIL:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
