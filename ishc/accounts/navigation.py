"""The main menu. Each app adds its entries to MENU; an entry that needs a capability shows only
to the users who hold it (ishc.accounts.permissions), so the menu and the pages never disagree."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: str
    icon: str
    capability: str = ""  # empty: every user with an area


# Order is the order on screen. Apps append their entries from their AppConfig.ready().
MENU: list[MenuItem] = [
    MenuItem("home", _("Home"), "house"),
]


def menu_for(user) -> list[dict]:
    items = []
    for item in MENU:
        if item.capability and not can(user, item.capability):
            continue
        items.append(
            {
                "url": reverse(item.url_name),
                "label": item.label,
                "icon": item.icon,
                "name": item.url_name,
            }
        )
    return items
