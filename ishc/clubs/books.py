"""The club's paper register, printable (see ishc.core.printing)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible, visible_or_404
from ishc.core.printing import club_heading, render_book

from .models import Club, Membership


@scoped
def member_register(request, pk: int):
    """The whole register: every period of membership of the club, in the order people joined
    (the order of the paper book), with those who left and why; landscape, one line a member."""
    club = visible_or_404(request.user, Club.objects.select_related("commune", "province"), pk=pk)
    today = timezone.localdate()
    periods = (
        visible(request.user, Membership.objects.filter(club=club))
        .select_related("member__ethnicity", "member__group")
        .order_by("joined_on", "pk")
    )
    return render_book(
        request,
        "clubs/print_register.html",
        title=_("Member register"),
        period=_("As of %(date)s") % {"date": today.strftime("%d/%m/%Y")},
        heading=club_heading(club),
        signatures=[_("Prepared by"), _("Club chair")],
        landscape=True,
        place=club.commune.name if club.commune else club.province.name,
        day=today,
        club=club,
        periods=periods,
        today=today,
    )
