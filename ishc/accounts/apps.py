from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ishc.accounts"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from .navigation import MENU, MenuItem

        MENU.append(MenuItem("people", _("People"), "person-badge", "accounts.manage_people"))
