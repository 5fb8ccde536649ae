from django import forms
from django.utils.translation import gettext_lazy as _

from ishc.accounts.permissions import manageable_roles
from ishc.accounts.scope import editable, visible
from ishc.clubs.models import Club
from ishc.geo.models import Unit
from ishc.geo.widgets import CommuneField

from .models import Role, User


class PersonForm(forms.ModelForm):
    """A new account: who, which role (only roles below the officer's), and where."""

    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Unit.objects.none(), required=False
    )
    commune = CommuneField(label=_("Commune"), required=False)
    club_code = forms.CharField(label=_("Club code"), required=False, max_length=20)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "role", "organisation", "phone", "email"]
        labels = {
            "username": _("User name"),
            "first_name": _("Family and middle name"),
            "last_name": _("Given name"),
        }

    def __init__(self, *args, manager: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        roles = manageable_roles(manager)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        provinces = visible(manager, Unit.objects.provinces())
        self.fields["province"].queryset = provinces
        self.fields["commune"].queryset = visible(manager, Unit.objects.communes())
        self.fields["commune"].widget.provinces = provinces
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True

    def clean_username(self):
        # The database refuses case variants too; saying it on the field tells the officer which
        # box to change.
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with that user name already exists."))
        return username

    def clean(self):
        data = super().clean()
        role = data.get("role")
        province, commune, code = data.get("province"), data.get("commune"), data.get("club_code")
        club = None
        if code:
            club = editable(self.manager, Club.objects).filter(code=code.strip()).first()
            if club is None:
                self.add_error("club_code", _("No club with this code in your area."))
        data["club"] = club
        needs = {
            Role.PROVINCE: (province, "province", _("Choose the province.")),
            Role.COMMUNE: (commune, "commune", _("Choose the commune.")),
            Role.CLUB: (club, "club_code", _("Enter the club's code.")),
        }
        if role in needs:
            value, field, message = needs[role]
            if value is None and field not in self.errors:
                self.add_error(field, message)
        elif role == Role.VIEWER and not (province or commune or club):
            self.add_error("province", _("Choose the area this viewer may see."))
        # One assignment per new account: the most specific one given for the role.
        if role == Role.PROVINCE:
            data["unit"], data["club"] = province, None
        elif role == Role.COMMUNE:
            data["unit"], data["club"] = commune, None
        elif role == Role.CLUB:
            data["unit"] = None
        elif role == Role.VIEWER:
            data["unit"] = None if club else (commune or province)
        else:
            # Central officers, Board members and administrators see the whole country.
            data["unit"], data["club"] = None, None
        return data
