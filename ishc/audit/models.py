"""The audit log: who changed what, when, from which values to which.

Entries are written by ishc.audit.record() inside the same transaction as the change they
describe, so that a change and its entry land or fail together. Entries are never edited.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("who")
    )
    # Kept as text too: the entry must still say who acted after the account is removed.
    user_name = models.CharField(max_length=150, blank=True)
    # Namespaced, e.g. "clubs.member.created", "finance.loan.written_off".
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The club or 2025 unit the object belongs to, so the log itself can be scoped.
    club = models.ForeignKey("clubs.Club", models.SET_NULL, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("geo.Unit", models.SET_NULL, null=True, blank=True, related_name="+")
    data = models.JSONField(_("changes"), default=dict, blank=True)

    # Through its club when it has one, else through its unit (a commune's setting, a
    # province's target), so that a unit's officers see the unit's own entries too.
    SCOPE_CLUB = "club"
    SCOPE_UNIT = "unit"

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # An object's history page lists its entries newest first.
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"


class PersonalDataAccess(models.Model):
    """Who looked at or exported members' personal data, as Decree 13/2023/NĐ-CP on personal
    data protection asks a controller to be able to show.

    Kept apart from AuditEntry on purpose: reading changes nothing, and the audit log's highest
    id is the dashboards' data version (ishc.indicators.cache), which a page view must not move.
    Scoped like the audit log, through the club when the access concerned one club, else through
    the unit (the filter's commune or province, or the reader's own unit)."""

    class Action(models.TextChoices):
        LIST = "list", _("viewed a member list")
        VIEW = "view", _("viewed a member's page")
        EXPORT = "export", _("exported a member list")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("who")
    )
    user_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    club = models.ForeignKey("clubs.Club", models.SET_NULL, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("geo.Unit", models.SET_NULL, null=True, blank=True, related_name="+")
    member = models.ForeignKey(
        "clubs.Member", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many members' rows the list or export held.
    rows = models.PositiveIntegerField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    SCOPE_CLUB = "club"
    SCOPE_UNIT = "unit"

    class Meta:
        ordering = ["-at", "-pk"]
