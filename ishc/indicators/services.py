"""Every change to targets goes through here: validated, written and audited in one
transaction. The Excel import of targets is a kind of the one importer (imports.py)."""

from __future__ import annotations

from django.db import transaction

from ishc.accounts.permissions import require
from ishc.audit.services import record, snapshot

from .models import Target


def create_target(user, **fields) -> Target:
    require(user, "indicators.edit_targets", fields.get("unit"))
    with transaction.atomic():
        target = Target(**fields)
        target.full_clean()
        target.save()
        record(user, "indicators.target.created", target, after=snapshot(target), unit=target.unit)
        return target
