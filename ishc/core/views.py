from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.accounts.navigation import menu_for
from ishc.accounts.scope import scope_of, visible
from ishc.clubs.models import Club, ClubStatus
from ishc.indicators.cache import Results
from ishc.reports.inbox import counts as inbox_counts


@scoped
def home(request):
    """Each role lands here and sees its own area: what it was assigned and what is in it."""
    # Counting a whole country's members is a scan of every membership period: the counts come
    # from the shared cache, current while the user's area is unchanged (ishc.indicators.cache).
    today = timezone.localdate()
    counts = Results(today).headcount(
        scope_of(request.user), visible(request.user, Club.objects.all())
    )
    return render(
        request,
        "core/home.html",
        {
            "assignments": request.user.assignments.select_related("unit", "club"),
            "can_enter": scope_of(request.user).can_enter,
            "counts": counts,
            "inbox": inbox_counts(request.user),
            "club_tasks": _club_tasks(request.user),
            "shortcuts": [m for m in menu_for(request.user) if m["name"] != "home"],
        },
    )


def _club_tasks(user) -> list[dict]:
    """A club board's monthly round, as big buttons: the meeting, the money collected at it, and
    the report. Only for the clubs the user is assigned to directly (a board has one)."""
    scope = scope_of(user)
    if not scope.can_enter or not scope.club_ids:
        return []
    clubs = Club.objects.filter(pk__in=scope.club_ids, status=ClubStatus.ACTIVE).order_by("name")
    return [
        {
            "club": club,
            "links": [
                (
                    # One flow for the whole meeting: attendance, health, repayments and fees,
                    # working with no network (the old two screens stay for corrections).
                    _("Meeting day: attendance, health, repayments, fees"),
                    "calendar-check",
                    reverse("meetingday:current", args=[club.pk]),
                ),
                (
                    _("Monthly report"),
                    "file-earmark-check",
                    reverse("reports:club", args=[club.pk]),
                ),
                (_("Add a member"), "person-plus", reverse("clubs:member_add", args=[club.pk])),
            ],
        }
        for club in clubs
    ]
