"""Pages of the monthly report and its approval, completeness and the late list, quarterly and
yearly reports, and the rubric. Views are thin: access through the _get_* helpers (scope),
changes through services."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.accounts.permissions import can
from ishc.accounts.scope import (
    editable,
    editable_or_404,
    scope_name,
    scope_of,
    visible,
    visible_or_404,
)
from ishc.clubs.models import Club, ClubStatus
from ishc.core import xlsx
from ishc.core.breadcrumbs import trail
from ishc.core.forms import put_errors
from ishc.core.text import UNCONFIRMED_COMMUNE
from ishc.geo.models import Level, Unit

from . import aggregate, inbox, rubric, services
from .derived import FLOWS, LABELS, MONEY, STOCKS, attendance_share, derive
from .figures import late_clubs, reporting_figures
from .forms import NarrativeForm, NewReportForm, OverrideForm
from .models import CommuneSetting, MonthlyReport, RubricResult, Status, due_date


def _get_report_for_user(request, pk: int, edit: bool = False) -> MonthlyReport:
    qs = MonthlyReport.objects.select_related("club", "club__commune", "club__province")
    if edit:
        return editable_or_404(request.user, qs, pk=pk)
    return visible_or_404(request.user, qs, pk=pk)


def _get_club_for_user(request, club_id: int, edit: bool = False) -> Club:
    if edit:
        return editable_or_404(request.user, Club.objects, pk=club_id)
    return visible_or_404(request.user, Club.objects, pk=club_id)


def _month(request) -> datetime.date:
    """The month asked for (?month=YYYY-MM), by default last month: the one being reported."""
    raw = request.GET.get("month", "")
    try:
        return datetime.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _page(request, qs, size: int = 100):
    """One page of a list of clubs: a province has hundreds, the nation thousands."""
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _crumbs(*items) -> list[dict]:
    return trail((_("Monthly reports"), reverse("reports:index")), *items)


@scoped
def index(request):
    """Completeness for the month, and each club with the status of its report."""
    month = _month(request)
    clubs = visible(request.user, Club.objects.filter(status=ClubStatus.ACTIVE))
    if scope_of(request.user).club_ids and clubs.count() == 1:
        return redirect("reports:club", clubs.get().pk)
    report = MonthlyReport.objects.filter(club=OuterRef("pk"), month=month)
    rows = clubs.select_related("commune").annotate(
        report_id=Subquery(report.values("pk")[:1]),
        report_status=Subquery(report.values("status")[:1]),
        first_submitted_on=Subquery(report.values("first_submitted_on")[:1]),
    )
    totals = reporting_figures(clubs, month)[None]
    # Per unit one level down: provinces for the nation, communes for a province.
    scope = scope_of(request.user)
    by_unit = []
    if scope.national or scope.province_ids:
        group_by = "club__province_id" if scope.national else "club__commune_id"
        figures = reporting_figures(clubs, month, group_by)
        names = dict(Unit.objects.filter(pk__in=figures).values_list("pk", "name"))
        by_unit = sorted(
            # Clubs whose 2025 commune is still to be confirmed have no commune yet.
            ({"name": names.get(k) or str(UNCONFIRMED_COMMUNE), **v} for k, v in figures.items()),
            key=lambda row: row["name"],
        )
    return render(
        request,
        "reports/index.html",
        {
            "month": month,
            "due": due_date(month),
            "rows": _page(request, rows),
            "totals": totals,
            "by_unit": by_unit,
            "statuses": dict(Status.choices),
            "prev": (month - datetime.timedelta(days=1)).replace(day=1),
            "next": (month + datetime.timedelta(days=32)).replace(day=1),
            "is_province": can(request.user, "reports.commune_setting"),
        },
    )


@scoped
def club(request, club_id: int):
    club = _get_club_for_user(request, club_id)
    can_edit = editable(request.user, Club.objects.filter(pk=club.pk)).exists()
    form = NewReportForm(request.POST or None) if can_edit else None
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            report = services.create_report(request.user, club, form.cleaned_data["month"])
        except ValidationError as e:
            put_errors(form, e)
        else:
            return redirect("reports:detail", report.pk)
    return render(
        request,
        "reports/club.html",
        {
            "club": club,
            "reports": visible(request.user, club.monthly_reports.all()),
            "year": _year(request),
            "form": form,
            "blocked": services.blocked_reasons(club),
            "breadcrumbs": _crumbs((club.name, None)),
        },
    )


@scoped
def detail(request, pk: int):
    report = _get_report_for_user(request, pk)
    can_edit = editable(request.user, MonthlyReport.objects.filter(pk=pk)).exists()
    form = None
    if report.status == Status.DRAFT and can_edit:
        form = NarrativeForm(request.POST or None, instance=report)
        if request.method == "POST" and form.is_valid():
            services.update_narrative(request.user, report, **form.cleaned_data)
            messages.success(request, _("Report saved."))
            return redirect("reports:detail", report.pk)
    if report.figures:
        figures = report.figures
    else:
        figures = derive(Club.objects.filter(pk=report.club_id), report.month)[report.club_id]
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "figures": [(LABELS[k], figures.get(k, 0), k in MONEY) for k in LABELS],
            "attendance": attendance_share(figures),
            "frozen": bool(report.figures),
            "drift": [
                (LABELS.get(d.key, d.key), d.frozen, d.now, d.difference, d.key in MONEY)
                for d in services.drift(report)
            ],
            "form": form,
            "missing": services.missing_fields(report) if report.status == Status.DRAFT else [],
            "actions": services.available_actions(request.user, report),
            "waiting_for": _waiting_text(report),
            "sent_back": _sent_back(report),
            "timeline": report.transitions.select_related("user"),
            "statuses": dict(Status.choices),
            "breadcrumbs": _crumbs(
                (report.club.name, reverse("reports:club", args=[report.club_id])),
                (f"{report.month:%m/%Y}", None),
            ),
        },
    )


def _sent_back(report: MonthlyReport):
    """The step that sent a draft back (its reason is what the club must change), if that is
    how it became a draft again."""
    if report.status != Status.DRAFT:
        return None
    last = report.transitions.select_related("user").order_by("-at", "-pk").first()
    return last if last and last.action == "reject" else None


def _waiting_text(report: MonthlyReport) -> str:
    """Who takes the next step, said on the page, so that nobody wonders why a button is
    missing; for a locked report, who may reopen it."""
    direct = services.province_approves_directly(report.club)
    level = services.waiting_for(report, direct)
    if level is None:
        return ""
    name = services.LEVEL_NAMES[level]
    if report.status == Status.LOCKED:
        return _("Locked. Only %(level)s may reopen it, with a reason.") % {"level": name}
    if report.status == Status.DRAFT:
        return _("Waiting for %(level)s to submit it.") % {"level": name}
    if direct and report.status == Status.SUBMITTED:
        if report.club.commune_id is None:
            return _(
                "Waiting for %(level)s: the club's 2025 commune is not confirmed yet, so the "
                "province approves directly."
            ) % {"level": name}
        return _(
            "Waiting for %(level)s: the commune has no association yet, so the province "
            "approves directly."
        ) % {"level": name}
    return _("Waiting for %(level)s.") % {"level": name}


@scoped
def act(request, pk: int):
    report = _get_report_for_user(request, pk, edit=True)
    if request.method != "POST":
        return redirect("reports:detail", pk)
    action = request.POST.get("action", "")
    try:
        report = services.transition(request.user, report, action, request.POST.get("reason", ""))
    except ValidationError as e:
        for msg in e.messages:
            messages.error(request, msg)
    else:
        messages.success(
            request, _("The report is now “%(status)s”.") % {"status": report.get_status_display()}
        )
    return redirect("reports:detail", pk)


@scoped
def inbox_view(request):
    """What waits for the user, one kind at a time (?kind=); selected reports are approved in
    one go, each through transition() and so each checked and audited on its own."""
    kinds = inbox.counts(request.user)
    if not kinds:
        raise Http404
    codes = [k["kind"].code for k in kinds]
    kind = request.GET.get("kind") if request.GET.get("kind") in codes else codes[0]
    if request.method == "POST" and kind == "decide":
        ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
        done = 0
        for report in editable(request.user, MonthlyReport.objects.filter(pk__in=ids)):
            try:
                services.transition(request.user, report, "approve")
            except ValidationError as e:
                messages.error(request, f"{report}: {' '.join(e.messages)}")
            else:
                done += 1
        if done:
            messages.success(request, _("Approved: %(n)s reports.") % {"n": done})
        return redirect(f"{reverse('reports:inbox')}?kind=decide")
    rows = inbox.querysets(request.user)[kind]
    return render(
        request,
        "reports/inbox.html",
        {
            "kinds": kinds,
            "kind": kind,
            "rows": _page(request, rows),
            "breadcrumbs": _crumbs((_("Waiting for you"), None)),
        },
    )


@scoped
def late(request):
    """Clubs that had not reported by the due day (or, before it, have not reported yet)."""
    month = _month(request)
    today = timezone.localdate()
    clubs = late_clubs(visible(request.user, Club.objects.all()), month, today).select_related(
        "commune", "province"
    )
    if request.GET.get("format") == "xlsx":
        statuses = dict(Status.choices)
        book = xlsx.Book()
        book.sheet(
            _("Late clubs"),
            [
                xlsx.Col(_("Club code"), "code"),
                xlsx.Col(_("Club"), "name"),
                xlsx.Col(_("Commune"), "name", 22),
                xlsx.Col(_("Province"), "name", 22),
                xlsx.Col(_("Status"), "text", 16),
                xlsx.Col(_("Sent on"), "date"),
            ],
            title=_("Clubs late with their report for %(month)s") % {"month": f"{month:%m/%Y}"},
            unit=scope_name(request.user),
            period=_("Month %(month)s, due %(due)s")
            % {"month": f"{month:%m/%Y}", "due": f"{due_date(month):%d/%m/%Y}"},
        ).rows(
            [
                c.code,
                c.name,
                str(c.commune or ""),
                str(c.province),
                str(statuses.get(c.report_status, _("No report"))),
                c.first_submitted_on,
            ]
            for c in clubs
        )
        return book.response(xlsx.filename("CLB nop bao cao muon", f"{month:%Y-%m}"))
    return render(
        request,
        "reports/late.html",
        {
            "month": month,
            "due": due_date(month),
            "past_due": today > due_date(month),
            "clubs": _page(request, clubs),
            "statuses": dict(Status.choices),
            "breadcrumbs": _crumbs((_("Late clubs"), None)),
        },
    )


@scoped
def communes(request):
    """Province officers mark the communes whose association is not re-established yet."""
    if not can(request.user, "reports.commune_setting"):
        raise Http404
    units = editable(request.user, Unit.objects.current().filter(level=Level.COMMUNE))
    if request.method == "POST":
        commune = editable_or_404(
            request.user, Unit.objects.filter(level=Level.COMMUNE), pk=request.POST.get("commune")
        )
        try:
            services.set_commune_setting(request.user, commune, request.POST.get("direct") == "1")
        except ValidationError as e:
            for msg in e.messages:
                messages.error(request, msg)
        return redirect("reports:communes")
    direct = set(
        CommuneSetting.objects.filter(
            province_approves_directly=True, commune__in=units
        ).values_list("commune_id", flat=True)
    )
    # Only communes with clubs: a province has hundreds of communes, most without a club yet.
    units = units.filter(clubs__isnull=False).distinct().order_by("name")
    return render(
        request,
        "reports/communes.html",
        {
            "units": units,
            "direct": direct,
            "breadcrumbs": _crumbs((_("Commune associations"), None)),
        },
    )


@scoped
def period(request):
    """Quarterly or yearly report of a commune, a province or the nation."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", 0))
    except ValueError:
        raise Http404 from None
    if not 0 <= quarter <= 4:
        raise Http404
    scope = scope_of(request.user)
    unit = None
    if request.GET.get("unit"):
        unit = visible_or_404(request.user, Unit.objects.current(), pk=request.GET["unit"])
    elif not scope.national:
        # Without a national scope, the report is of the user's own province or commune.
        own = (
            scope.province_ids
            or scope.commune_ids
            or set(Club.objects.filter(pk__in=scope.club_ids).values_list("commune_id", flat=True))
        )
        unit = Unit.objects.filter(pk__in=own).order_by("name").first()
        if unit is None:
            raise Http404
    clubs = visible(request.user, Club.objects.all())
    if unit is not None and unit.level == Level.PROVINCE:
        clubs, group_by = clubs.filter(province=unit), "club__commune_id"
    elif unit is not None:
        clubs, group_by = clubs.filter(commune=unit), "club_id"
    else:
        group_by = "club__province_id"
    first, last = aggregate.period_months(year, quarter)
    data = aggregate.period_report(clubs, first, last, group_by)
    if request.GET.get("format") == "xlsx":
        return aggregate.export(data, unit, year, quarter)
    return render(
        request,
        "reports/period.html",
        {
            "data": data,
            "unit": unit,
            "year": year,
            "quarter": quarter,
            "first": first,
            "last": last,
            "running": last >= today.replace(day=1),
            "today": today,
            "flows": FLOWS,
            "stocks": STOCKS,
            "money": MONEY,
            "units": _period_units(request.user),
            "national": scope.national,
            "breadcrumbs": _crumbs((_("Quarterly and yearly reports"), None)),
        },
    )


def _period_units(user):
    """The units a period report can be asked for: provinces, and the communes that have clubs
    (for a national user only the provinces: a list of 3,321 communes helps nobody)."""
    units = visible(user, Unit.objects.current())
    communes = Q(level=Level.COMMUNE, clubs__isnull=False)
    if not scope_of(user).national:
        return (
            units.filter(Q(level=Level.PROVINCE) | communes).distinct().order_by("-level", "name")
        )
    return units.filter(level=Level.PROVINCE).order_by("name")


def _year(request) -> int:
    """The year asked for, by default that of last month (in January: the year just ended)."""
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    try:
        return int(request.GET.get("year", last_month.year))
    except ValueError:
        raise Http404 from None


@scoped
def rubric_view(request):
    year = _year(request)
    clubs = visible(request.user, Club.objects.filter(status=ClubStatus.ACTIVE))
    if request.method == "POST":
        editable_clubs = editable(request.user, clubs)
        if not can(request.user, "reports.rubric") or not editable_clubs.exists():
            raise Http404
        n = rubric.compute(request.user, editable_clubs, year)
        messages.success(request, _("Rubric computed for %(n)s clubs.") % {"n": n})
        return redirect(f"{reverse('reports:rubric')}?year={year}")
    page = _page(request, clubs.select_related("commune"))
    results = {
        r.club_id: r
        for r in visible(request.user, RubricResult.objects.filter(year=year)).filter(
            club__in=[c.pk for c in page]
        )
    }
    rows = [(c, results.get(c.pk)) for c in page]
    return render(
        request,
        "reports/rubric.html",
        {
            "year": year,
            "rows": rows,
            "page": page,
            "can_compute": can(request.user, "reports.rubric")
            and editable(request.user, clubs).exists(),
            "breadcrumbs": _crumbs((_("Rubric"), None)),
        },
    )


@scoped
def rubric_club(request, club_id: int, year: int):
    club = _get_club_for_user(request, club_id)
    result = RubricResult.objects.filter(club=club, year=year).first()
    may_override = result is not None and can(request.user, "reports.rubric", club)
    form = OverrideForm(request.POST or None) if may_override else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            rubric.override(
                request.user, result, form.cleaned_data["grade"], form.cleaned_data["reason"]
            )
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Grade saved."))
            return redirect("reports:rubric_club", club.pk, year)
    return render(
        request,
        "reports/rubric_club.html",
        {
            "club": club,
            "year": year,
            "result": result,
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Rubric"), f"{reverse('reports:rubric')}?year={year}"), (club.name, None)
            ),
        },
    )
