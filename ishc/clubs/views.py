"""Pages of the club and member registry. Views are thin: they find the object through the
scoping helpers below, call one service, and render. Access is decided only in the _get_*
helpers and ishc.accounts.scope."""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ishc.accounts.decorators import scoped
from ishc.accounts.permissions import can
from ishc.accounts.scope import editable_or_404, scope_name, visible_or_404
from ishc.audit.models import PersonalDataAccess
from ishc.audit.services import personal_data
from ishc.core.forms import run_service
from ishc.core.uploads import send_file

from . import forms, importer, services, spreadsheets
from .composition import card, club_card
from .listing import ClubFilterForm, MemberFilterForm, with_composition
from .models import BoardPosition, Club, Group, Member, VolunteerRole

PAGE_SIZE = 25


def _on(request) -> datetime.date:
    """The date the page is about (?on=dd/mm/yyyy or yyyy-mm-dd); today by default."""
    raw = request.GET.get("on") or ""
    try:
        if "/" in raw:
            return datetime.datetime.strptime(raw, "%d/%m/%Y").date()
        return parse_date(raw) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _get_club_for_user(request, pk) -> Club:
    return visible_or_404(
        request.user,
        Club.objects.select_related("commune", "province", "registered_unit"),
        pk=pk,
    )


def _get_club_for_editing(request, pk) -> Club:
    return editable_or_404(
        request.user, Club.objects.select_related("commune", "province", "registered_unit"), pk=pk
    )


def _get_member_for_user(request, pk) -> Member:
    return visible_or_404(
        request.user,
        Member.objects.select_related("club__commune", "club__province", "ethnicity", "group"),
        pk=pk,
    )


def _get_member_for_editing(request, pk) -> Member:
    return editable_or_404(
        request.user,
        Member.objects.select_related("club__commune", "club__province", "ethnicity", "group"),
        pk=pk,
    )


def _may_edit(user, club: Club) -> bool:
    return can(user, "clubs.edit", club)


def _may_confirm(user, club: Club) -> bool:
    """Choosing a club's 2025 commune is a province officer's call (or the centre's)."""
    return club.commune_id is None and can(user, "clubs.confirm_commune", club)


def _may_create_club(user) -> bool:
    return can(user, "clubs.create")


def _form_page(request, form, title, *, cancel="", submit="", intro="", crumbs=None, **extra):
    return render(
        request,
        extra.pop("template", "clubs/form_page.html"),
        {
            "form": form,
            "title": title,
            "cancel": cancel,
            "submit": submit,
            "intro": intro,
            "breadcrumbs": crumbs or [],
            **extra,
        },
    )


def breadcrumbs(club: Club | None = None, member: Member | None = None, unit=None) -> list:
    """Country › province › commune › club [› member], each linking to the club list filtered by
    that unit."""
    url = reverse("clubs:list")
    crumbs = [{"label": _("Viet Nam"), "url": url}]
    province = club.province if club else (unit.province if unit and unit.province_id else unit)
    commune = club.commune if club else (unit if unit and unit.province_id else None)
    if province is not None:
        crumbs.append({"label": province.name, "url": f"{url}?province={province.pk}"})
    if commune is not None:
        crumbs.append(
            {
                "label": commune.name,
                "url": f"{url}?province={province.pk}&commune={commune.pk}",
            }
        )
    elif club is not None:
        crumbs.append(
            {"label": _("Commune to confirm"), "url": f"{url}?province={province.pk}&pending=on"}
        )
    if club is not None:
        crumbs.append({"label": club.name, "url": reverse("clubs:detail", args=[club.pk])})
    if member is not None:
        crumbs.append({"label": member.full_name, "url": ""})
    return crumbs


def _filtered(request) -> bool:
    """Whether filters beyond the search box are set (the filter panel then opens)."""
    return any(v for k, v in request.GET.items() if k not in ("q", "page", "club", "format"))


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


@scoped
def club_list(request, outside: bool = False, pending: bool = False):
    on = _on(request)
    data = request.GET.copy()
    if outside and not data.get("problem"):
        data["problem"] = "any"
    if pending:
        data["pending"] = "on"
    form = ClubFilterForm(data, request.user)
    if request.GET.get("format") == "xlsx":
        return spreadsheets.export_clubs(form, form.queryset(on), on, scope_name(request.user))
    # The page's clubs first (counted and sliced without composition when the filters allow),
    # then the composition of those rows only.
    page = _page(request, form.queryset(on, composition=False))
    for club in with_composition(list(page.object_list), on):
        club.card = {line.name: line for line in card(club.__dict__)}
    return render(
        request,
        "clubs/club_list.html",
        {
            "form": form,
            "page": page,
            "on": on,
            "outside": outside,
            "pending": pending,
            "filtered": _filtered(request),
            "query": _query_without_page(request),
            "can_create": _may_create_club(request.user),
            "can_confirm": can(request.user, "clubs.confirm_commune"),
            "breadcrumbs": breadcrumbs(
                unit=form.cleaned_data.get("commune") or form.cleaned_data.get("province")
            )
            if form.is_valid()
            else [],
        },
    )


def _group_size(club: Club):
    """Members per group, counted among the club's own members (a group's members are always
    in its club: moving a member clears the group). clubs_member has no index on the group,
    which every imported member would pay for; the club's index finds these few hundred."""
    members = Member.objects.filter(club=club, group=OuterRef("pk")).order_by()
    return Coalesce(Subquery(members.values("group").annotate(n=Count("pk")).values("n")), 0)


@scoped
def club_detail(request, pk):
    club = _get_club_for_user(request, pk)
    on = _on(request)
    return render(
        request,
        "clubs/club_detail.html",
        {
            "club": club,
            "on": on,
            "lines": club_card(club, on),
            "history": club.status_history.select_related("merged_into"),
            "board": club.board.on(on).select_related("member"),
            "groups": club.groups.select_related("leader").annotate(size=_group_size(club)),
            "volunteers": club.volunteers.on(on).select_related("member"),
            "can_edit": _may_edit(request.user, club),
            "can_confirm": _may_confirm(request.user, club),
            "breadcrumbs": breadcrumbs(club),
        },
    )


def _filter_unit(form):
    if not form.is_valid():
        return None
    return form.cleaned_data.get("commune") or form.cleaned_data.get("province")


@scoped
def member_list(request):
    on = _on(request)
    form = MemberFilterForm(request.GET, request.user)
    club = form.cleaned_data.get("club") if form.is_valid() else None
    where = {"club": club, "unit": _filter_unit(form) if club is None else None}
    if request.GET.get("format") == "xlsx":
        qs = form.queryset(on)
        personal_data(request, PersonalDataAccess.Action.EXPORT, rows=qs.count(), **where)
        return spreadsheets.export_members(form, qs, on, scope_name(request.user))
    page = _page(request, form.pages(on))
    for member in page.object_list:
        member.age_on_page = member.age_on(on)
    personal_data(request, PersonalDataAccess.Action.LIST, rows=page.paginator.count, **where)
    return render(
        request,
        "clubs/member_list.html",
        {
            "form": form,
            "page": page,
            "on": on,
            "club": club,
            "can_add": club is not None and _may_edit(request.user, club),
            "can_import": can(request.user, "clubs.import"),
            "filtered": _filtered(request),
            "query": _query_without_page(request),
            "breadcrumbs": breadcrumbs(club) if club else [],
        },
    )


@scoped
@require_http_methods(["GET", "POST"])
def club_create(request):
    if not _may_create_club(request.user):
        raise Http404
    form = forms.ClubForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        club = None

        def create():
            nonlocal club
            club = services.create_club(
                request.user, registered=form.cleaned_data["commune"], **fields
            )

        if run_service(form, create):
            messages.success(request, _("Club %(code)s created.") % {"code": club.code})
            return redirect("clubs:detail", club.pk)
    return _form_page(
        request,
        form,
        _("New club"),
        cancel=reverse("clubs:list"),
        crumbs=breadcrumbs() + [{"label": _("New club"), "url": ""}],
    )


@scoped
@require_http_methods(["GET", "POST"])
def club_edit(request, pk):
    club = _get_club_for_editing(request, pk)
    form = forms.ClubForm(
        request.POST or None, request.FILES or None, instance=club, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        commune = form.cleaned_data.get("commune")
        registered = commune if commune is not None and commune.pk != club.commune_id else None
        fields = form.service_fields()
        # The form wrote the values onto its instance while validating; compare against the
        # stored row so the audit entry shows the real before/after.
        club = Club.objects.get(pk=club.pk)
        if run_service(
            form, lambda: services.update_club(request.user, club, registered=registered, **fields)
        ):
            messages.success(request, _("Saved."))
            return redirect("clubs:detail", club.pk)
    return _form_page(
        request,
        form,
        _("Edit club"),
        cancel=reverse("clubs:detail", args=[club.pk]),
        crumbs=breadcrumbs(club),
    )


@scoped
def club_regulations(request, pk):
    club = _get_club_for_user(request, pk)
    if not club.regulations_file:
        raise Http404
    suffix = Path(club.regulations_file.name).suffix
    return send_file(request, club.regulations_file, f"quy-che-{club.code}{suffix}")


@scoped
@require_http_methods(["GET", "POST"])
def club_status(request, pk):
    club = _get_club_for_editing(request, pk)
    form = forms.StatusForm(request.POST or None, club=club, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(
            form,
            lambda: services.set_status(
                request.user,
                club,
                d["status"],
                since=d["since"],
                reason=d["reason"],
                merged_into=d["merged_into"],
            ),
        ):
            messages.success(request, _("Status changed."))
            return redirect("clubs:detail", club.pk)
    return _form_page(
        request,
        form,
        _("Change status"),
        cancel=reverse("clubs:detail", args=[club.pk]),
        crumbs=breadcrumbs(club),
    )


@scoped
@require_http_methods(["GET", "POST"])
def club_confirm(request, pk):
    club = _get_club_for_editing(request, pk)
    if not _may_confirm(request.user, club):
        raise Http404
    resolution = services.candidates(club)
    form = forms.ConfirmCommuneForm(request.POST or None, candidates=resolution.candidates)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.confirm_commune(request.user, club, form.cleaned_data["commune"]),
        ):
            messages.success(request, _("Commune confirmed."))
            return redirect("clubs:to_confirm")
    if resolution.status == resolution.CHOOSE:
        intro = _(
            "%(old)s was split in 2025. Choose the commune the club's village now belongs to."
        ) % {"old": club.registered_name}
    else:
        intro = _(
            "%(old)s has no official successor in the 2025 conversion table. Choose the commune "
            "the club's village now belongs to."
        ) % {"old": club.registered_name or club.registered_code}
    return _form_page(
        request,
        form,
        _("Choose the commune of %(club)s") % {"club": club.name},
        intro=intro,
        submit=_("Confirm"),
        cancel=reverse("clubs:to_confirm"),
        crumbs=breadcrumbs(club),
    )


# Members


@scoped
def member_detail(request, pk):
    member = _get_member_for_user(request, pk)
    personal_data(request, PersonalDataAccess.Action.VIEW, member=member)
    today = timezone.localdate()
    periods = member.periods.select_related("club")
    return render(
        request,
        "clubs/member_detail.html",
        {
            "member": member,
            "today": today,
            "age": member.age_on(today),
            "older_age": settings.ISHC["OLDER_AGE"],
            "local_age": settings.ISHC["OLDER_AGE_LOCAL"],
            "periods": periods,
            "current": any(p.left_on is None for p in periods),
            "board": member.board_terms.all(),
            "volunteering": member.volunteer_roles.all(),
            "can_edit": _may_edit(request.user, member.club),
            "breadcrumbs": breadcrumbs(member.club, member),
        },
    )


def _duplicates_or_none(form, club, exclude=None):
    d = form.cleaned_data
    if not d.get("birth_year") or form.data.get("confirm_duplicate"):
        return None
    duplicates = list(
        services.likely_duplicates(d["full_name"], d["birth_year"], club, exclude=exclude)
    )
    return duplicates or None


@scoped
@require_http_methods(["GET", "POST"])
def member_add(request, pk):
    club = _get_club_for_editing(request, pk)
    form = forms.MemberForm(request.POST or None, club=club)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_or_none(form, club)
        if duplicates is None:
            member = None

            def add():
                nonlocal member
                member = services.add_member(
                    request.user,
                    club,
                    joined_on=form.cleaned_data["joined_on"],
                    **form.service_fields(),
                )

            if run_service(form, add):
                messages.success(request, _("%(name)s added.") % {"name": member.full_name})
                if request.POST.get("another"):
                    return redirect("clubs:member_add", club.pk)
                return redirect("clubs:member", member.pk)
    return _form_page(
        request,
        form,
        _("Add a member"),
        intro=club.name,
        cancel=reverse("clubs:detail", args=[club.pk]),
        crumbs=breadcrumbs(club),
        template="clubs/member_form.html",
        duplicates=duplicates,
        submit=_("It is a different person: save") if duplicates else "",
        adding=True,
    )


@scoped
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _get_member_for_editing(request, pk)
    form = forms.MemberForm(request.POST or None, instance=member, club=member.club)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_or_none(form, member.club, exclude=member)
        if duplicates is None:
            stored = Member.objects.get(pk=member.pk)
            if run_service(
                form, lambda: services.update_member(request.user, stored, **form.service_fields())
            ):
                messages.success(request, _("Saved."))
                return redirect("clubs:member", member.pk)
    return _form_page(
        request,
        form,
        _("Edit member"),
        cancel=reverse("clubs:member", args=[member.pk]),
        crumbs=breadcrumbs(member.club, member),
        template="clubs/member_form.html",
        duplicates=duplicates,
        submit=_("It is a different person: save") if duplicates else "",
    )


def _member_action(request, pk, form_class, title, action, **form_kwargs):
    member = _get_member_for_editing(request, pk)
    kwargs = {k: (v(member) if callable(v) else v) for k, v in form_kwargs.items()}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: action(member, form.cleaned_data)):
            messages.success(request, _("Saved."))
            return redirect("clubs:member", member.pk)
    return _form_page(
        request,
        form,
        title,
        intro=member.full_name,
        cancel=reverse("clubs:member", args=[member.pk]),
        crumbs=breadcrumbs(member.club, member),
    )


@scoped
@require_http_methods(["GET", "POST"])
def member_leave(request, pk):
    return _member_action(
        request,
        pk,
        forms.LeaveForm,
        _("Leaving the club"),
        lambda m, d: services.leave_club(request.user, m, on=d["on"], reason=d["reason"]),
    )


@scoped
@require_http_methods(["GET", "POST"])
def member_rejoin(request, pk):
    return _member_action(
        request,
        pk,
        forms.RejoinForm,
        _("Joining again"),
        lambda m, d: services.rejoin_club(request.user, m, on=d["on"]),
    )


@scoped
@require_http_methods(["GET", "POST"])
def member_move(request, pk):
    return _member_action(
        request,
        pk,
        forms.MoveForm,
        _("Move to another club"),
        lambda m, d: services.move_member(
            request.user, m, d["to_club"], on=d["on"], reason=d["reason"]
        ),
        member=lambda m: m,
        user=request.user,
    )


# Board, groups, volunteers


def _club_form(request, club: Club, form, title, action):
    """A small form about one club (board term, group, volunteer): on a valid post run the
    service through `action(cleaned_data)`, then back to the club page."""
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: action(form.cleaned_data)):
            messages.success(request, _("Saved."))
            return redirect("clubs:detail", club.pk)
    return _form_page(
        request,
        form,
        title,
        intro=club.name,
        cancel=reverse("clubs:detail", args=[club.pk]),
        crumbs=breadcrumbs(club),
    )


@scoped
@require_http_methods(["GET", "POST"])
def board_add(request, pk):
    club = _get_club_for_editing(request, pk)
    return _club_form(
        request,
        club,
        forms.BoardForm(request.POST or None, club=club),
        _("Board position"),
        lambda d: services.add_board_term(
            request.user,
            club,
            d["member"],
            position=d["position"],
            area=d["area"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
        ),
    )


def _end(request, pk, model, title, action):
    obj = editable_or_404(request.user, model.objects.select_related("club", "member"), pk=pk)
    form = forms.EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: action(obj, form.cleaned_data["on"])):
            messages.success(request, _("Saved."))
            return redirect("clubs:detail", obj.club_id)
    return _form_page(
        request,
        form,
        title,
        intro=obj.member.full_name,
        cancel=reverse("clubs:detail", args=[obj.club_id]),
        crumbs=breadcrumbs(obj.club),
    )


@scoped
@require_http_methods(["GET", "POST"])
def board_end(request, pk):
    return _end(
        request,
        pk,
        BoardPosition,
        _("End the term"),
        lambda term, on: services.end_board_term(request.user, term, on=on),
    )


@scoped
@require_http_methods(["GET", "POST"])
def volunteer_end(request, pk):
    return _end(
        request,
        pk,
        VolunteerRole,
        _("End the volunteer role"),
        lambda role, on: services.end_volunteer(request.user, role, on=on),
    )


@scoped
@require_http_methods(["GET", "POST"])
def group_add(request, pk):
    return _group_form(request, _get_club_for_editing(request, pk), None)


@scoped
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = editable_or_404(request.user, Group.objects.select_related("club"), pk=pk)
    return _group_form(request, group.club, group)


def _group_form(request, club: Club, group: Group | None):
    initial = {"name": group.name, "leader": group.leader_id} if group else None
    return _club_form(
        request,
        club,
        forms.GroupForm(request.POST or None, club=club, initial=initial),
        _("Group"),
        lambda d: services.save_group(
            request.user, club, name=d["name"], leader=d["leader"], group=group
        ),
    )


@scoped
@require_http_methods(["GET", "POST"])
def volunteer_add(request, pk):
    club = _get_club_for_editing(request, pk)
    return _club_form(
        request,
        club,
        forms.VolunteerForm(request.POST or None, club=club),
        _("Volunteer"),
        lambda d: services.add_volunteer(
            request.user,
            club,
            d["member"],
            kind=d["kind"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
        ),
    )


# Excel templates and import

KINDS = ("clubs", "members")


def _may_import(user, kind: str) -> bool:
    return _may_create_club(user) if kind == "clubs" else can(user, "clubs.import")


@scoped
def import_template(request, kind):
    if kind not in KINDS or not _may_import(request.user, kind):
        raise Http404
    return spreadsheets.template(kind, request.user)


@scoped
@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    """Upload → validate every row → a page with every error, or a summary to confirm. The file
    waits on disk under a random token kept in the uploader's session until confirmed."""
    if kind not in KINDS or not _may_import(request.user, kind):
        raise Http404
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    title = _("Import clubs") if kind == "clubs" else _("Import members")
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = importer.validate(kind, request.user, data)
        token = importer.store_upload(request.user, kind, upload.name, data) if report.ok else ""
        return render(
            request,
            "clubs/import_result.html",
            {
                "report": report,
                "token": token,
                "kind": kind,
                "title": title,
                "filename": upload.name,
                "upload_url": reverse("clubs:import", args=[kind]),
                "confirm_url": reverse("clubs:import_confirm", args=[kind, token]) if token else "",
                "breadcrumbs": breadcrumbs(),
            },
        )
    return _form_page(
        request,
        form,
        title,
        submit=_("Check the file"),
        cancel=reverse("clubs:list" if kind == "clubs" else "clubs:members"),
        crumbs=breadcrumbs(),
        template="clubs/import_upload.html",
        kind=kind,
    )


@scoped
@require_http_methods(["POST"])
def import_confirm(request, kind, token):
    """Confirm (once: see importer.confirm_upload) or cancel an upload, with the person's
    choice for each possible same person ("near-<row>": "new" or a member's id)."""
    if kind not in KINDS or not _may_import(request.user, kind):
        raise Http404
    upload = importer.pending_upload(request.user, kind, token)
    if upload is None:
        raise Http404
    back = redirect("clubs:list" if kind == "clubs" else "clubs:members")
    if "cancel" in request.POST:
        importer.cancel_upload(request.user, kind, token)
        messages.info(request, _("Import cancelled: nothing was saved."))
        return back
    decisions = {
        int(name.removeprefix("near-")): value
        for name, value in request.POST.items()
        if name.startswith("near-") and name.removeprefix("near-").isdigit()
    }
    # Validated again: the data may have changed since the preview.
    report = importer.confirm_upload(request.user, kind, token, decisions)
    if report is None:
        messages.info(request, _("This file has already been imported."))
        return back
    if not report.ok:
        return render(
            request,
            "clubs/import_result.html",
            {
                "report": report,
                "token": "",
                "kind": kind,
                "filename": upload.filename,
                "title": _("Import"),
                "upload_url": reverse("clubs:import", args=[kind]),
                "breadcrumbs": breadcrumbs(),
            },
        )
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s updated.")
        % {"created": report.created, "updated": report.updated},
    )
    return back
