from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "ishc.board"
    verbose_name = _("Steering Board")

    def ready(self):
        from ishc.accounts.navigation import MENU, MenuItem

        MENU.append(MenuItem("board:index", _("Steering Board"), "diagram-3"))
        MENU.append(MenuItem("board:documents", _("Documents"), "folder2-open"))
