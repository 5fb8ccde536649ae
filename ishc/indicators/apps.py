from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "ishc.indicators"
    verbose_name = _("Targets and indicators")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        MENU.append(MenuItem("indicators:dashboard", _("Dashboard"), "speedometer2"))

        # The targets template goes through the one Excel importer of ishc.clubs.
        from .imports import register

        register()
