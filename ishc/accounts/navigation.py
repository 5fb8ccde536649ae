"""The main menu, by role. Each app adds its entries to MENU; an entry shows when the user's role
is in its roles."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

ALL = frozenset(Role.values)
OFFICERS = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE})


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: str
    icon: str
    roles: frozenset = ALL


# Order is the order on screen. Apps append their entries from their AppConfig.ready().
MENU: list[MenuItem] = [
    MenuItem("home", _("Home"), "house"),
]


def menu_for(user) -> list[dict]:
    items = []
    for item in MENU:
        if user.role not in item.roles and not user.is_superuser:
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
