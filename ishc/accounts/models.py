"""Users, their roles and the units they are assigned to.

What a user may *see* comes from the units they are assigned (each reaches its whole subtree);
whether they may *enter* data there comes from their role. Both are read in one place:
ishc.accounts.scope.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    CENTRAL = "central", _("Central officer")
    BOARD = "board", _("Steering Board member")
    PROVINCE = "province", _("Province officer")
    COMMUNE = "commune", _("Commune officer")
    CLUB = "club", _("Club board member")
    VIEWER = "viewer", _("Viewer")


# Roles that only read, wherever they are assigned. A Steering Board member edits the Board's own
# workplan (its agency's tasks), which the board app decides; club data stays read-only to them.
READ_ONLY_ROLES = {Role.BOARD, Role.VIEWER}


class ISHCUserManager(UserManager):
    """User names are compared without regard to case, so that "Admin" can never stand beside
    "admin" and an older member typing "Lan" for "lan" still gets in."""

    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` is the deploy step that makes the first account: it must be an
        # administrator of the whole country, never the model's default read-only viewer with no
        # area (which officers could then list and reset).
        extra_fields["role"] = Role.ADMIN
        user = super().create_superuser(username, email, password, **extra_fields)
        Assignment.objects.create(user=user)
        return user


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Agency, association or donor the person works for."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = ISHCUserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message=_("A user with that user name already exists."),
            ),
            # The admin flags and the role say the same thing, so that nothing which reads only
            # the role (scoping, the people page) can mistake a superuser for a viewer.
            models.CheckConstraint(
                condition=models.Q(is_superuser=False, is_staff=False) | models.Q(role="admin"),
                name="user_admin_flags_need_admin_role",
                violation_error_message=_("Only administrators may have access to the admin."),
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Assignment(models.Model):
    """A unit a user is assigned to: the country (no unit, no club), a 2025 province or commune, or
    one club. Legacy units are never assigned: people work in today's units."""

    user = models.ForeignKey(User, models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("geo.Unit", models.PROTECT, null=True, blank=True)
    club = models.ForeignKey("clubs.Club", models.CASCADE, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True) | models.Q(club__isnull=True),
                name="assignment_unit_or_club",
            ),
        ]

    def __str__(self) -> str:
        if self.club_id:
            return str(self.club)
        if self.unit_id:
            return str(self.unit)
        return str(_("Whole country"))

    def clean(self):
        if self.unit_id and not self.unit.is_current:
            raise ValidationError(_("Assign 2025 units only."))


class ResetRequest(models.Model):
    """A password reset someone asked for, kept a day to limit the mails: an address that asks
    for many people's resets, or many resets for one mailbox, is a nuisance or a probe."""

    email = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=45, db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
