from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from ishc.accounts.decorators import scoped
from ishc.accounts.navigation import menu_for
from ishc.accounts.scope import scope_of, visible
from ishc.clubs.models import Club, ClubStatus, Membership


@scoped
def home(request):
    """Each role lands here and sees its own area: what it was assigned and what is in it."""
    today = timezone.localdate()
    counts = {
        "clubs": visible(request.user, Club.objects.filter(status=ClubStatus.ACTIVE)).count(),
        "members": visible(request.user, Membership.objects.on(today))
        .filter(~Q(club__status=ClubStatus.DISSOLVED))
        .count(),
    }
    return render(
        request,
        "core/home.html",
        {
            "assignments": request.user.assignments.select_related("unit", "club"),
            "can_enter": scope_of(request.user).can_enter,
            "counts": counts,
            "shortcuts": [m for m in menu_for(request.user) if m["name"] != "home"],
        },
    )
