"""The meeting minutes, health-tracking and home-care books, printable (see ishc.core.printing).
Objects come through ishc.accounts.scope, as on the screen pages."""

import datetime

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible, visible_or_404
from ishc.clubs.models import Club, Member, Membership
from ishc.core.printing import club_heading, render_book

from .models import CaredPerson, Meeting, Reading, Visit


def _club(request, club_id: int) -> Club:
    return visible_or_404(
        request.user, Club.objects.select_related("commune", "province"), pk=club_id
    )


def _place(club: Club) -> str:
    return club.commune.name if club.commune else club.province.name


@scoped
def minutes(request, pk: int):
    """The minutes of one meeting: what was presented and decided, who came, who did not."""
    meeting = visible_or_404(
        request.user, Meeting.objects.select_related("club__commune", "club__province"), pk=pk
    )
    club = meeting.club
    present = set(meeting.attendance.values_list("member_id", flat=True))
    on_roll = visible(
        request.user,
        Member.objects.filter(
            pk__in=Membership.objects.on(meeting.held_on).filter(club=club).values("member_id")
        ),
    ).order_by("full_name")
    attendees = [m for m in on_roll if m.pk in present]
    # Someone recorded as present who has since left the roll still came.
    attendees += list(
        Member.objects.filter(pk__in=present - {m.pk for m in attendees}).order_by("full_name")
    )
    absentees = [m for m in on_roll if m.pk not in present]
    readings = (
        meeting.readings.filter(systolic__isnull=False)
        .select_related("member")
        .order_by("member__full_name")
    )
    return render_book(
        request,
        "activities/print_minutes.html",
        title=_("Minutes of the monthly meeting"),
        period=meeting.held_on.strftime("%d/%m/%Y"),
        heading=club_heading(club),
        signatures=[_("Secretary"), _("Club chair")],
        place=_place(club),
        day=meeting.held_on,
        meeting=meeting,
        attendees=attendees,
        absentees=absentees,
        readings=readings,
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@scoped
def health_book(request, club_id: int):
    """Blood pressure and weight of each member at each meeting of a year, by member."""
    club = _club(request, club_id)
    year = _year(request)
    readings = (
        visible(request.user, Reading.objects.filter(meeting__club=club))
        .filter(meeting__held_on__year=year)
        .filter(Q(systolic__isnull=False) | Q(weight_kg__isnull=False))
        .select_related("member", "meeting")
        .order_by("member__full_name", "member_id", "meeting__held_on")
    )
    return render_book(
        request,
        "activities/print_health.html",
        title=_("Health-tracking book"),
        period=_("Year %(year)s") % {"year": year},
        heading=club_heading(club),
        signatures=[_("Health volunteer"), _("Club chair")],
        place=_place(club),
        day=timezone.localdate(),
        readings=readings,
    )


@scoped
def homecare_book(request, club_id: int):
    """The people cared for at home in a month, the visits they had and who made them."""
    club = _club(request, club_id)
    try:
        month = datetime.datetime.strptime(
            request.GET.get("month", f"{timezone.localdate():%Y-%m}"), "%Y-%m"
        ).date()
    except ValueError:
        raise Http404 from None
    end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    people = (
        visible(request.user, CaredPerson.objects.filter(club=club))
        .filter(since__lte=end)
        .filter(Q(until__isnull=True) | Q(until__gte=month))
        .select_related("member")
        .annotate(visits_month=Count("visits", filter=Q(visits__on__range=(month, end))))
        .order_by("pk")
    )
    visits = (
        visible(request.user, Visit.objects.filter(person__club=club))
        .filter(on__range=(month, end))
        .select_related("person__member", "volunteer__member")
        .order_by("on", "pk")
    )
    return render_book(
        request,
        "activities/print_homecare.html",
        title=_("Home-care book"),
        period=_("Month %(month)s") % {"month": f"{month:%m/%Y}"},
        heading=club_heading(club),
        signatures=[_("Home-care team leader"), _("Club chair")],
        place=_place(club),
        day=min(end, timezone.localdate()),
        people=people,
        visits=visits,
    )
