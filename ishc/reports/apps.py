from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ishc.reports"
    verbose_name = _("Reports")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        MENU.append(MenuItem("reports:index", _("Monthly reports"), "file-earmark-check"))
