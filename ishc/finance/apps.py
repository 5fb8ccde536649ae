from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "ishc.finance"
    verbose_name = _("Club funds")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        MENU.append(MenuItem("finance:index", _("Funds and loans"), "cash-coin"))
