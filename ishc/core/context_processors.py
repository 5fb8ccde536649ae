from django.conf import settings

from ishc.accounts.navigation import menu_for


def shell(request):
    """What the base layout needs on every page: the site name and the menu for the user's role."""
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "menu": menu_for(user) if user is not None and user.is_authenticated else [],
    }
