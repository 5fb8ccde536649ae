from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "ishc.activities"
    verbose_name = _("Activities")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        MENU.append(MenuItem("activities:index", _("Meetings and activities"), "calendar-check"))
