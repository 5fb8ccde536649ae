"""Making, finding and revoking personal API tokens; every change is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.audit.services import record

from .models import ApiToken, hash_key, new_key


def create_token(
    user, *, name: str, read_only: bool = False, expires_on: datetime.date | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user` and the token itself, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that uses it.")})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": _("Choose a date after today.")})
    raw = new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            hint=raw[:10],
            key_hash=hash_key(raw),
            read_only=read_only,
            expires_on=expires_on,
        )
        record(
            user,
            "api.token.created",
            token,
            data={"name": token.name, "read_only": read_only, "expires_on": expires_on},
        )
    return token, raw


def revoke_token(user, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens: from now on it answers 401."""
    if token.user_id != user.pk:
        raise ValidationError(_("This is not your token."))
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(user, "api.token.revoked", token, data={"name": token.name})
    return token


def find_token(raw: str) -> ApiToken | None:
    """The token matching `raw`, whatever its state (the caller says why it is refused)."""
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(raw)).first()


def touch(token: ApiToken) -> None:
    # One narrow UPDATE, not save(): two requests with the same token at once must not write
    # each other's columns back.
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
