from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .scope import scope_of


def scoped(view):
    """Log-in required, and a user with no assigned unit gets an explanatory page instead of empty
    lists or an error."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if scope_of(request.user).empty:
            return render(request, "core/no_scope.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
