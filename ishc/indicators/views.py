"""Dashboards, the indicator catalogue, targets and exports. Thin: the numbers come from
ishc.indicators.dashboard (built on the one indicator service), the rows from the scope."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ishc.accounts.decorators import scoped
from ishc.accounts.permissions import can
from ishc.accounts.scope import editable, scope_of, visible, visible_or_404
from ishc.clubs import importer
from ishc.clubs.models import Club
from ishc.core import xlsx
from ishc.core.replica import replica_ok
from ishc.geo.models import Unit

from . import catalogue, exports, imports, services
from .dashboard import Where, build, loans_section
from .forms import ImportForm, TargetForm
from .models import Target


def _where(request, level: str, pk: int | None) -> Where:
    """The unit of a dashboard, through the scope: outside it, 404."""
    user = request.user
    if level == "nation":
        if not scope_of(user).national:
            raise Http404
        return Where("nation")
    if level == "club":
        return Where("club", visible_or_404(user, Club.objects, pk=pk))
    qs = Unit.objects.provinces() if level == "province" else Unit.objects.communes()
    return Where(level, visible_or_404(user, qs, pk=pk))


def _breadcrumbs(where: Where, user) -> list[dict]:
    crumbs = []
    national = scope_of(user).national
    obj = where.obj
    if national:
        crumbs.append({"label": _("Whole country"), "url": reverse("indicators:nation")})
    chain = []
    if where.level == "club":
        chain = [("province", obj.province), ("commune", obj.commune), ("club", obj)]
    elif where.level == "commune":
        chain = [("province", obj.province), ("commune", obj)]
    elif where.level == "province":
        chain = [("province", obj)]
    for level, unit in chain:
        if unit is None:
            continue
        if (
            visible(user, Club.objects.all() if level == "club" else Unit.objects.all())
            .filter(pk=unit.pk)
            .exists()
        ):
            crumbs.append(
                {"label": str(unit), "url": reverse(f"indicators:{level}", args=[unit.pk])}
            )
    return crumbs


@scoped
def home(request):
    """Each user lands on the widest dashboard of their scope."""
    scope = scope_of(request.user)
    if scope.national:
        return redirect("indicators:nation")
    for level, ids in (
        ("province", scope.province_ids),
        ("commune", scope.commune_ids),
        ("club", scope.club_ids),
    ):
        if ids:
            return redirect(f"indicators:{level}", min(ids))
    raise Http404


@replica_ok
@scoped
def dashboard(request, level="nation", pk=None):
    where = _where(request, level, pk)
    ctx = build(where, request.GET, defer_loans=level == "nation")
    ctx["breadcrumbs"] = _breadcrumbs(where, request.user)
    ctx["query"] = request.GET.urlencode()
    without_sort = request.GET.copy()
    without_sort.pop("sort", None)
    ctx["sort_base"] = without_sort.urlencode()
    return render(request, "indicators/dashboard.html", ctx)


@replica_ok
@scoped
def loans(request, level="nation", pk=None):
    """The national page's loan section, fetched by htmx once the rest of the page is shown."""
    where = _where(request, level, pk)
    return render(request, "indicators/_section.html", loans_section(where, request.GET))


@replica_ok
@scoped
def report(request, level="nation", pk=None):
    """The printable A4 progress report: headline table, target cards, charts, time of data."""
    where = _where(request, level, pk)
    ctx = build(where, request.GET)
    return render(request, "indicators/report.html", ctx)


@replica_ok
@scoped
def export(request, level="nation", pk=None):
    """Every table and chart of the dashboard as sheets of one workbook (?sheet= for one)."""
    where = _where(request, level, pk)
    ctx = build(where, request.GET)
    data = exports.workbook(ctx, request.GET.get("sheet"))
    name = xlsx.filename("Bang theo doi", where.name, timezone.localdate().strftime("%Y-%m-%d"))
    response = HttpResponse(data, content_type=xlsx.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@scoped
def indicator_list(request):
    return render(
        request,
        "indicators/catalogue.html",
        {"indicators": catalogue.INDICATORS, "breadcrumbs": [{"label": _("Indicators")}]},
    )


@scoped
def target_list(request):
    targets = visible(
        request.user, Target.objects.select_related("programme", "phase", "unit")
    ).order_by("programme__starts_on", "unit__name", "pk")
    return render(
        request,
        "indicators/targets.html",
        {
            "targets": targets,
            "can_enter": can(request.user, "indicators.edit_targets"),
            "names": {i.code: i.name for i in catalogue.INDICATORS},
            "breadcrumbs": [{"label": _("Targets")}],
        },
    )


def _unit_choices(user):
    return editable(user, Unit.objects.current()).select_related("province")


@scoped
def target_new(request):
    if not can(request.user, "indicators.edit_targets"):
        raise Http404
    form = TargetForm(request.POST or None, units=_unit_choices(request.user), user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("province", "commune")}
        services.create_target(request.user, unit=form.instance.unit, **fields)
        messages.success(request, _("Target saved."))
        return redirect("indicators:targets")
    return render(
        request,
        "indicators/target_form.html",
        {
            "form": form,
            "breadcrumbs": [
                {"label": _("Targets"), "url": reverse("indicators:targets")},
                {"label": _("New target")},
            ],
        },
    )


def _import_crumbs():
    return [
        {"label": _("Targets"), "url": reverse("indicators:targets")},
        {"label": _("Import from Excel")},
    ]


def _import_result(request, report, filename: str, token: str = ""):
    """The importer's own result page: every error with sheet, row and column, or the rows to
    confirm."""
    return render(
        request,
        "clubs/import_result.html",
        {
            "report": report,
            "token": token,
            "kind": "targets",
            "title": _("Import targets from Excel"),
            "filename": filename,
            "upload_url": reverse("indicators:target_import"),
            "confirm_url": reverse("indicators:target_import_confirm", args=[token])
            if token
            else "",
            "breadcrumbs": _import_crumbs(),
        },
    )


@scoped
@require_http_methods(["GET", "POST"])
def target_import(request):
    """Upload → every row checked by the importer → every error, or a summary to confirm. The
    checked file waits in the database until its uploader confirms it (once)."""
    if not can(request.user, "indicators.edit_targets"):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = importer.validate("targets", request.user, data)
        token = (
            importer.store_upload(request.user, "targets", upload.name, data) if report.ok else ""
        )
        return _import_result(request, report, upload.name, token)
    return render(
        request,
        "indicators/target_import.html",
        {"form": form, "breadcrumbs": _import_crumbs()},
    )


@scoped
@require_http_methods(["POST"])
def target_import_confirm(request, token):
    """Confirm (once: see importer.confirm_upload) or cancel a checked upload."""
    if not can(request.user, "indicators.edit_targets"):
        raise Http404
    upload = importer.pending_upload(request.user, "targets", token)
    if upload is None:
        raise Http404
    if "cancel" in request.POST:
        importer.cancel_upload(request.user, "targets", token)
        messages.info(request, _("Import cancelled: nothing was saved."))
        return redirect("indicators:targets")
    # Checked again: units, programmes or the user's area may have changed since the preview.
    report = importer.confirm_upload(request.user, "targets", token)
    if report is None:
        messages.info(request, _("This file has already been imported."))
        return redirect("indicators:targets")
    if not report.ok:
        return _import_result(request, report, upload.filename)
    messages.success(request, _("%(n)d targets imported.") % {"n": report.created})
    return redirect("indicators:targets")


@scoped
def target_template(request):
    """The import template with one example row, the indicator codes and the instructions."""
    response = HttpResponse(imports.template(), content_type=xlsx.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename("Mau chi tieu")}"'
    return response
