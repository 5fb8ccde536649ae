from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ishc.audit"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from ishc.accounts.navigation import MENU, MenuItem

        MENU.append(MenuItem("audit:entries", _("Change log"), "clock-history", "audit.read"))
