from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubsConfig(AppConfig):
    name = "ishc.clubs"
    verbose_name = _("Clubs and members")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        MENU.extend(
            [
                MenuItem("clubs:list", _("Clubs"), "house-heart"),
                MenuItem("clubs:members", _("Members"), "people"),
                MenuItem(
                    "clubs:outside", _("Outside bands"), "exclamation-diamond", "clubs.review"
                ),
                MenuItem("clubs:to_confirm", _("Communes to confirm"), "geo-alt", "clubs.review"),
            ]
        )
