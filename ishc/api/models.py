"""Personal API tokens.

A partner's system (a province's own database, a donor's monitoring, the phone app) acts as one
person: the token carries that person's scope and role, nothing more, so the API can never reach
what the web would not show them. Only a hash of the token is stored; the token itself is shown
once, when it is made, and cannot be recovered — a lost token is revoked and replaced.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Recognisable in logs and secret scanners, and never mistaken for a password.
PREFIX = "ishc_"


def hash_key(raw: str) -> str:
    # A token is 256 random bits, so a fast hash is enough: there is nothing to guess, and a
    # slow hash (argon2) would cost every API request tens of milliseconds.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("token name"), max_length=80)
    # The first characters, kept in clear so the owner can tell two tokens apart on the profile.
    hint = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("The token may read but never change data.")
    )
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Leave empty for no expiry.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired and self.user.is_active
