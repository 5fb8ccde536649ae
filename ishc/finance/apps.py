from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "ishc.finance"
    verbose_name = _("Club funds")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        from . import checks  # noqa: F401  (registers the start-up checks of the settings)

        MENU.append(MenuItem("finance:index", _("Funds and loans"), "cash-coin"))
        MENU.append(MenuItem("finance:arrears", _("Arrears"), "hourglass-split"))
        MENU.append(
            MenuItem(
                "finance:write_offs",
                _("Write-offs to decide"),
                "check2-square",
                "finance.approve_write_off",
            )
        )
