"""Pages of the meeting minutes, health-tracking, activity and home-care books. Views are thin:
access is decided by the _get_* helpers (through ishc.accounts.scope), changes by services."""

import datetime
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import editable, editable_or_404, visible, visible_or_404
from ishc.clubs.models import Club, ClubStatus, VolunteerKind, VolunteerRole
from ishc.core.breadcrumbs import trail
from ishc.core.forms import put_errors
from ishc.core.text import by_vietnamese_name

from . import offline, services
from .figures import expected_visits
from .forms import (
    KIND_FIELDS,
    ActivityForm,
    CaredPersonForm,
    MeetingForm,
    VisitForm,
    VolunteerForm,
    parse_grid,
)
from .models import (
    KIND_AREA,
    ActivityArea,
    ActivityRecord,
    AreaStandard,
    CaredPerson,
    Kind,
    Measure,
    Meeting,
    Outcome,
    Reading,
    Visit,
    active_on_q,
    bp_flag_q,
)
from .offline import meeting_day_strings


def _get_club_for_user(request, club_id: int, edit: bool = False) -> Club:
    qs = Club.objects.select_related("commune", "province")
    if edit:
        return editable_or_404(request.user, qs, pk=club_id)
    return visible_or_404(request.user, qs, pk=club_id)


def _get_meeting_for_user(request, pk: int, edit: bool = False) -> Meeting:
    qs = Meeting.objects.select_related("club")
    if edit:
        return editable_or_404(request.user, qs, pk=pk)
    return visible_or_404(request.user, qs, pk=pk)


def _can_edit(request, club: Club) -> bool:
    return editable(request.user, Club.objects.filter(pk=club.pk)).exists()


def _crumbs(club: Club, *rest) -> list[dict]:
    return trail(
        (_("Meetings and activities"), reverse("activities:index")),
        (club.name, reverse("activities:club", args=[club.pk])),
        *rest,
    )


@scoped
def index(request):
    """The clubs the user may see; a club board member goes straight to their club."""
    clubs = visible(request.user, Club.objects.filter(status=ClubStatus.ACTIVE)).select_related(
        "commune"
    )
    if len(ids := list(clubs.values_list("pk", flat=True)[:2])) == 1:
        return redirect("activities:club", ids[0])
    month_start = timezone.localdate().replace(day=1)
    clubs = clubs.order_by("name").annotate(
        meetings_this_month=Count("meetings", filter=Q(meetings__held_on__gte=month_start))
    )
    # A province has hundreds of clubs, the nation thousands.
    page = Paginator(clubs, 100).get_page(request.GET.get("page"))
    return render(request, "activities/index.html", {"clubs": page})


@scoped
def club(request, club_id: int):
    club = _get_club_for_user(request, club_id)
    # Meta.ordering does not apply to aggregating queries: order explicitly, newest first.
    meetings = club.meetings.order_by("-held_on").annotate(
        present=Count("attendance", distinct=True),
        measured=Count("readings", filter=Q(readings__systolic__isnull=False), distinct=True),
        flagged=Count("readings", filter=bp_flag_q("readings__"), distinct=True),
    )[:12]
    records = club.activity_records.select_related("member")[:20]
    return render(
        request,
        "activities/club.html",
        {
            "club": club,
            "meetings": meetings,
            "records": records,
            "kinds": Kind.choices,
            "outcomes": Outcome.choices,
            "can_edit": _can_edit(request, club),
            "breadcrumbs": _crumbs(club),
        },
    )


def _grid_rows(members, meeting, post=None):
    """One row per member for the attendance and readings grid, pre-filled from the meeting or
    from the posted values (so that nothing typed is lost when the form is refused)."""
    present, readings = set(), {}
    if post is not None:
        present = set(post.getlist("present"))
    elif meeting is not None:
        present = {str(i) for i in meeting.attendance.values_list("member_id", flat=True)}
        readings = {r.member_id: r for r in meeting.readings.all()}
    rows = []
    for m in members:
        r = readings.get(m.pk)
        if post is not None:
            values = [post.get(f"{p}_{m.pk}", "") for p in ("sys", "dia", "wt")]
        else:
            values = [
                "" if r is None or v is None else str(v)
                for v in ((r.systolic, r.diastolic, r.weight_kg) if r else (None, None, None))
            ]
        rows.append({"member": m, "present": str(m.pk) in present, "values": values})
    return rows


def _meeting_form(request, club: Club, meeting: Meeting | None):
    day = meeting.held_on if meeting else timezone.localdate()
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["held_on"]
        members = services.roster_on(club, day)
        if form.is_valid():
            present, readings, errors = parse_grid(request.POST, members)
            if not errors:
                try:
                    meeting = services.save_meeting(
                        request.user,
                        club,
                        meeting=meeting,
                        attendee_ids=present,
                        readings=readings,
                        **form.cleaned_data,
                    )
                except ValidationError as e:
                    errors = e.messages
            if not errors:
                messages.success(request, _("Meeting saved."))
                return redirect("activities:meeting", meeting.pk)
            for e in errors:
                form.add_error(None, e)
        rows = _grid_rows(members, meeting, request.POST)
    else:
        if meeting is None:
            # A meeting entered late lists the members of its own date (?held_on=…), not today's.
            try:
                day = min(datetime.date.fromisoformat(request.GET.get("held_on", "")), day)
            except ValueError:
                pass
        initial = {"held_on": day}
        if meeting:
            initial.update(
                topic=meeting.topic,
                culture_item=meeting.culture_item,
                decisions=meeting.decisions,
                plan=meeting.plan,
            )
        form = MeetingForm(initial=initial)
        rows = _grid_rows(services.roster_on(club, day), meeting)
    title = _("Edit meeting") if meeting else _("New monthly meeting")
    return render(
        request,
        "activities/meeting_form.html",
        {
            "club": club,
            "form": form,
            "rows": rows,
            "meeting": meeting,
            "title": title,
            "breadcrumbs": _crumbs(club, (title, None)),
        },
    )


@scoped
def meeting_new(request, club_id: int):
    return _meeting_form(request, _get_club_for_user(request, club_id, edit=True), None)


@scoped
def meeting_edit(request, pk: int):
    meeting = _get_meeting_for_user(request, pk, edit=True)
    return _meeting_form(request, meeting.club, meeting)


@scoped
def meeting(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    readings = by_vietnamese_name(
        meeting.readings.select_related("member"), name=lambda r: r.member.full_name
    )
    return render(
        request,
        "activities/meeting.html",
        {
            "meeting": meeting,
            "club": meeting.club,
            "attendees": by_vietnamese_name(meeting.attendees.all()),
            "readings": readings,
            "flagged": [r for r in readings if r.flagged],
            "can_edit": _can_edit(request, meeting.club),
            "breadcrumbs": _crumbs(meeting.club, (f"{meeting.held_on:%d/%m/%Y}", None)),
        },
    )


@scoped
def followup(request, club_id: int):
    """Members whose latest reading in the last three months is above the thresholds."""
    club = _get_club_for_user(request, club_id)
    since = timezone.localdate() - datetime.timedelta(days=92)
    flagged = (
        visible(request.user, Reading.objects.filter(bp_flag_q()))
        .filter(meeting__club=club, meeting__held_on__gte=since)
        .select_related("member", "meeting")
        .order_by("member__full_name", "-meeting__held_on")
    )
    return render(
        request,
        "activities/followup.html",
        {
            "club": club,
            "flagged": flagged,
            "breadcrumbs": _crumbs(club, (_("Blood pressure follow-up"), None)),
        },
    )


@scoped
def record_new(request, club_id: int, kind: str):
    club = _get_club_for_user(request, club_id, edit=True)
    if kind not in KIND_FIELDS:
        return redirect("activities:club", club.pk)
    members = services.members_on(club, timezone.localdate())
    form = ActivityForm(request.POST or None, kind=kind, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(request.user, club, kind=kind, **form.cleaned_data)
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("activities:club", club.pk)
    label = Kind(kind).label
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "club": club,
            "title": label,
            "area": ActivityArea.objects.filter(number=KIND_AREA[Kind(kind)]).first(),
            "breadcrumbs": _crumbs(club, (label, None)),
        },
    )


@scoped
def outcome(request, pk: int):
    activity = editable_or_404(
        request.user, ActivityRecord.objects.filter(kind=Kind.ENTITLEMENT), pk=pk
    )
    if request.method == "POST":
        try:
            services.set_outcome(request.user, activity, request.POST.get("outcome", ""))
        except ValidationError as e:
            for msg in e.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Saved."))
    return redirect("activities:club", activity.club_id)


@scoped
def homecare(request, club_id: int):
    """The home-care book: volunteers, people cared for and whether each got the visits the
    standard asks for this month."""
    club = _get_club_for_user(request, club_id)
    today = timezone.localdate()
    start = today.replace(day=1)
    standard = AreaStandard.objects.filter(measure=Measure.HOME_CARE_VISITS).first()
    expected = expected_visits(standard.minimum, start, today) if standard else None
    volunteers = (
        VolunteerRole.objects.on(today)
        .filter(club=club, kind=VolunteerKind.HOME_CARE)
        .select_related("member")
    )
    people = (
        club.cared_people.filter(active_on_q(today))
        .order_by("pk")
        .select_related("member")
        .annotate(visits_month=Count("visits", filter=Q(visits__on__gte=start)))
    )
    visits = Visit.objects.filter(person__club=club).select_related(
        "person__member", "volunteer__member"
    )[:20]
    can_edit = _can_edit(request, club)
    forms = {}
    if can_edit:
        members = services.members_on(club, today)
        forms = {
            "volunteer": VolunteerForm(members=members, prefix="v"),
            "person": CaredPersonForm(members=members, prefix="p"),
            "visit": VisitForm(people=people, volunteers=volunteers, prefix="visit"),
        }
    return render(
        request,
        "activities/homecare.html",
        {
            "club": club,
            "volunteers": volunteers,
            "people": people,
            "visits": visits,
            "expected": expected,
            "standard": standard,
            "can_edit": can_edit,
            "forms": forms,
            "breadcrumbs": _crumbs(club, (_("Home care"), None)),
        },
    )


@scoped
def homecare_add(request, club_id: int, what: str):
    club = _get_club_for_user(request, club_id, edit=True)
    if request.method != "POST":
        return redirect("activities:homecare", club.pk)
    today = timezone.localdate()
    members = services.members_on(club, today)
    if what == "volunteer":
        form = VolunteerForm(request.POST, members=members, prefix="v")
        action = services.add_home_care_volunteer
    elif what == "person":
        form = CaredPersonForm(request.POST, members=members, prefix="p")
        action = services.add_cared_person
    else:
        form = VisitForm(
            request.POST,
            people=CaredPerson.objects.filter(club=club),
            volunteers=VolunteerRole.objects.filter(club=club, kind=VolunteerKind.HOME_CARE),
            prefix="visit",
        )
        action = services.record_visit
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if what == "visit":
                action(request.user, data.pop("person"), **data)
            else:
                action(request.user, club, **data)
        except ValidationError as e:
            for msg in e.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Saved."))
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}: {e}" if label else e)
    return redirect("activities:homecare", club.pk)


@scoped
def areas(request):
    """The catalogue of activity areas and their standards (national configuration)."""
    areas = ActivityArea.objects.prefetch_related(
        Prefetch("standards", queryset=AreaStandard.objects.order_by("pk"))
    )
    return render(
        request,
        "activities/areas.html",
        {"areas": areas},
    )


# Meeting day ----------------------------------------------------------------------------------


@scoped
def meeting_day_current(request, club_id: int):
    today = timezone.localdate()
    return redirect("meetingday:month", club_id, today.year, today.month)


@scoped
def meeting_day(request, club_id: int, year: int, month: int):
    """The shell of the offline meeting-day flow. Everything in it is drawn by
    static/activities/meeting-day.js from the roster the phone keeps, so the same page works
    with the network off (the service worker keeps a copy)."""
    club = _get_club_for_user(request, club_id, edit=True)
    try:
        month_start = datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    title = _("Meeting day %(m)s") % {"m": f"{month_start:%m/%Y}"}
    return render(
        request,
        "activities/meeting_day.html",
        {
            "club": club,
            "month": month_start,
            "title": title,
            "strings": meeting_day_strings(),
            "roster_url": reverse("api-v1:meeting_day_roster", args=[club.pk, year, month]),
            "sync_url": reverse("api-v1:meeting_day_sync", args=[club.pk, year, month]),
            "breadcrumbs": _crumbs(club, (title, None)),
        },
    )


def service_worker(request):
    """The service worker, from the site's root so that its scope covers /clubs/…/meeting-day/.
    Its cache name carries a version made from the files it keeps, so a new release replaces
    the old copies instead of serving them forever."""
    response = render(
        request,
        "activities/sw.js",
        {"version": offline.version(), "shell": json.dumps(offline.shell_urls())},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request):
    return JsonResponse(
        {
            "name": _("Intergenerational Self-Help Clubs"),
            "short_name": "ISHC",
            "start_url": reverse("home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#198754",
            "icons": [
                {
                    "src": static("core/favicon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                }
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
