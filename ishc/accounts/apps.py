from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ishc.accounts"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from .models import Role
        from .navigation import MENU, MenuItem

        managers = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE})
        MENU.append(MenuItem("people", _("People"), "person-badge", managers))
