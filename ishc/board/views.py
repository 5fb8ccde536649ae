"""Thin views: find the object through ishc.board.access, check who may act, call one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from ishc.accounts.decorators import scoped
from ishc.accounts.permissions import can
from ishc.accounts.scope import visible
from ishc.core import xlsx
from ishc.core.breadcrumbs import trail
from ishc.core.forms import put_errors
from ishc.core.text import fold
from ishc.core.uploads import send_file
from ishc.geo.models import Unit

from . import access, figures, services
from .export import workplan_xlsx
from .forms import (
    AgencyForm,
    AgencyTaskForm,
    ConclusionForm,
    ConclusionTaskForm,
    ContributionForm,
    DocumentForm,
    EventForm,
    MeetingForm,
    MemberForm,
    NoteForm,
    TaskForm,
    VersionForm,
)
from .models import (
    ActivityGroup,
    Agency,
    BoardMember,
    Conclusion,
    DocumentType,
    DocumentVersion,
    Event,
    Meeting,
    ProgressNote,
    SourceType,
    Task,
    TaskStatus,
)


def _crumbs(*pairs):
    return trail((_("Steering Board"), reverse("board:index")), *pairs)


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page(request, qs, size: int = 50):
    """One page of a long list; the page number comes from ?page= and a wrong one gives the
    last page rather than an error."""
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _pager_query(request) -> str:
    """The list's filters, to keep on the previous/next links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode() + "&" if params else ""


def _form_page(request, form, title, crumbs, *, multipart=False, intro="", status=200):
    return render(
        request,
        "board/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs,
            "multipart": multipart,
            "intro": intro,
        },
        status=status,
    )


def _tasks(user):
    latest = ProgressNote.objects.filter(task=OuterRef("pk")).order_by("-written_on", "-pk")
    return (
        access.national(user, Task.objects.all())
        .select_related("responsible")
        .prefetch_related("supporting")
        .annotate(
            last_note=Subquery(latest.values("text")[:1]),
            last_note_on=Subquery(latest.values("written_on")[:1]),
        )
    )


def _task_counts(qs, today):
    return qs.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Task.objects.late_q(today)),
        at_risk=Count("pk", filter=Q(status=TaskStatus.AT_RISK) & ~Task.objects.late_q(today)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
    )


# Workplan ---------------------------------------------------------------------------------------


@scoped
def index(request):
    """The year's workplan, late and at-risk tasks first."""
    year, today = _year(request), timezone.localdate()
    qs = _tasks(request.user).filter(year=year)
    group = request.GET.get("group", "")
    if group in ActivityGroup.values:
        qs = qs.filter(group=group)
    return render(
        request,
        "board/index.html",
        {
            "tasks": qs.urgent_first(today),
            "counts": _task_counts(qs, today),
            "year": year,
            "years": sorted(
                {
                    year,
                    today.year,
                    *access.national(request.user, Task.objects.order_by())
                    .values_list("year", flat=True)
                    .distinct(),
                }
            ),
            "group": group,
            "groups": ActivityGroup.choices,
            "can_admin": access.is_board_admin(request.user),
            "has_agency": bool(access.agency_ids(request.user)),
            "breadcrumbs": _crumbs((_("Workplan %(year)s") % {"year": year}, "")),
        },
    )


@scoped
def my_tasks(request):
    """The tasks of the agency the Board member sits for: those it leads, then those it
    supports, late ones first."""
    mine, today = access.agency_ids(request.user), timezone.localdate()
    base = _tasks(request.user).exclude(status=TaskStatus.DONE)
    leading = base.filter(responsible__in=mine)
    return render(
        request,
        "board/my_tasks.html",
        {
            "agencies": Agency.objects.filter(pk__in=mine),
            "leading": leading.urgent_first(today),
            "supporting": base.filter(supporting__in=mine)
            .exclude(responsible__in=mine)
            .distinct()
            .urgent_first(today),
            "counts": _task_counts(_tasks(request.user).filter(responsible__in=mine), today),
            "breadcrumbs": _crumbs((_("My agency's tasks"), "")),
        },
    )


@scoped
def workplan_export(request):
    year, today = _year(request), timezone.localdate()
    tasks = _tasks(request.user).filter(year=year).urgent_first(today)
    content = workplan_xlsx(tasks, year, today)
    response = HttpResponse(content, content_type=xlsx.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename("Ke hoach", year)}"'
    return response


@scoped
def task_detail(request, pk):
    return _task_page(request, pk)


def _task_page(request, pk, note_form=None, status=200):
    task = access.national_or_404(
        request.user,
        Task.objects.select_related("responsible", "conclusion__meeting").prefetch_related(
            "supporting"
        ),
        pk=pk,
    )
    supporting = {a.pk for a in task.supporting.all()}
    notes = task.notes.select_related("author", "document")
    doc_ids = {n.document_id for n in notes if n.document_id}
    readable = (
        set(access.documents(request.user).filter(pk__in=doc_ids).values_list("pk", flat=True))
        if doc_ids
        else set()
    )
    can_note = access.may_note_task(request.user, task, supporting)
    if can_note and note_form is None:
        note_form = NoteForm(initial={"written_on": timezone.localdate(), "status": task.status})
    return render(
        request,
        "board/task_detail.html",
        {
            "task": task,
            "notes": notes,
            "readable_docs": readable,
            "can_edit": access.may_edit_task(request.user, task),
            "can_note": can_note,
            "form": note_form,
            "breadcrumbs": _crumbs(
                (
                    _("Workplan %(year)s") % {"year": task.year},
                    reverse("board:index") + f"?year={task.year}",
                ),
                (task.title[:40], ""),
            ),
        },
        status=status,
    )


@scoped
@require_POST
def task_note(request, pk):
    task = access.national_or_404(request.user, Task.objects.all(), pk=pk)
    _require(access.may_note_task(request.user, task))
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_note(
                request.user,
                task,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                written_on=form.cleaned_data["written_on"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Progress note added."))
            return redirect("board:task", pk=task.pk)
    return _task_page(request, pk, note_form=form, status=400)


@scoped
def task_new(request):
    _require(access.is_board_admin(request.user))
    form = TaskForm(request.POST or None, initial={"year": timezone.localdate().year})
    if form.is_valid():
        data = dict(form.cleaned_data)
        supporting = data.pop("supporting")
        try:
            task = services.create_task(request.user, supporting=supporting, **data)
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Task added to the workplan."))
            return redirect("board:task", pk=task.pk)
    return _form_page(
        request,
        form,
        _("New task"),
        _crumbs((_("New task"), "")),
        status=400 if form.errors else 200,
    )


@scoped
def task_edit(request, pk):
    task = access.national_or_404(request.user, Task.objects.all(), pk=pk)
    _require(access.may_edit_task(request.user, task))
    form_class = TaskForm if access.is_board_admin(request.user) else AgencyTaskForm
    form = form_class(request.POST or None, instance=Task.objects.get(pk=task.pk))
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        supporting = data.pop("supporting", None)
        try:
            services.update_task(request.user, task, supporting=supporting, **data)
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Task saved."))
            return redirect("board:task", pk=task.pk)
    return _form_page(
        request,
        form,
        _("Edit task"),
        _crumbs((task.title[:40], reverse("board:task", args=[task.pk])), (_("Edit"), "")),
        status=400 if form.errors else 200,
    )


# Meetings ---------------------------------------------------------------------------------------


@scoped
def meetings(request):
    qs = (
        access.national(request.user, Meeting.objects.select_related("chair"))
        .annotate(
            n_conclusions=Count("conclusions", distinct=True),
            n_tasks=Count("conclusions__task", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )
    return render(
        request,
        "board/meetings.html",
        {
            "meetings": qs,
            "can_admin": access.is_board_admin(request.user),
            "breadcrumbs": _crumbs((_("Meetings"), "")),
        },
    )


@scoped
def meeting_detail(request, pk):
    meeting = access.national_or_404(
        request.user,
        Meeting.objects.select_related("chair__agency").prefetch_related(
            Prefetch("participants", BoardMember.objects.select_related("agency")),
            Prefetch("conclusions", Conclusion.objects.select_related("task__responsible")),
        ),
        pk=pk,
    )
    can_run = access.may_run_meeting(request.user, meeting)
    return render(
        request,
        "board/meeting_detail.html",
        {
            "meeting": meeting,
            "can_run": can_run,
            "can_admin": access.is_board_admin(request.user),
            "conclusion_form": ConclusionForm() if can_run else None,
            "breadcrumbs": _crumbs(
                (_("Meetings"), reverse("board:meetings")),
                (meeting.held_on.strftime("%d/%m/%Y"), ""),
            ),
        },
    )


@scoped
def meeting_form(request, pk=None):
    _require(access.is_board_admin(request.user))
    meeting = access.national_or_404(request.user, Meeting.objects, pk=pk) if pk else None
    form = MeetingForm(request.POST or None, instance=meeting)
    if form.is_valid():
        data = dict(form.cleaned_data)
        participants = data.pop("participants")
        meeting = services.save_meeting(request.user, meeting, participants=participants, **data)
        messages.success(request, pgettext("board meeting", "Meeting saved."))
        return redirect("board:meeting", pk=meeting.pk)
    title = pgettext("board meeting", "Edit meeting") if meeting else _("New meeting")
    return _form_page(
        request,
        form,
        title,
        _crumbs((_("Meetings"), reverse("board:meetings")), (title, "")),
        status=400 if form.errors else 200,
    )


@scoped
@require_POST
def conclusion_add(request, pk):
    meeting = access.national_or_404(request.user, Meeting.objects.select_related("chair"), pk=pk)
    _require(access.may_run_meeting(request.user, meeting))
    form = ConclusionForm(request.POST)
    if form.is_valid():
        services.add_conclusion(request.user, meeting, text=form.cleaned_data["text"])
        messages.success(request, _("Conclusion recorded."))
    else:
        messages.error(request, _("Write the conclusion's text."))
    return redirect("board:meeting", pk=meeting.pk)


@scoped
def conclusion_task(request, pk):
    """The chair (or the secretariat) turns one conclusion into an assigned task in one step."""
    conclusion = access.national_or_404(
        request.user, Conclusion.objects.select_related("meeting__chair"), pk=pk
    )
    _require(access.may_run_meeting(request.user, conclusion.meeting))
    if hasattr(conclusion, "task"):
        messages.info(request, _("This conclusion has already become a task."))
        return redirect("board:task", pk=conclusion.task.pk)
    form = ConclusionTaskForm(request.POST or None)
    if form.is_valid():
        try:
            task = services.conclusion_to_task(request.user, conclusion, **form.cleaned_data)
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("The conclusion is now a task of the workplan."))
            return redirect("board:task", pk=task.pk)
    return _form_page(
        request,
        form,
        _("Make this conclusion a task"),
        _crumbs(
            (_("Meetings"), reverse("board:meetings")),
            (
                conclusion.meeting.held_on.strftime("%d/%m/%Y"),
                reverse("board:meeting", args=[conclusion.meeting_id]),
            ),
            (_("New task"), ""),
        ),
        intro=conclusion.text,
        status=400 if form.errors else 200,
    )


# Agencies and members ---------------------------------------------------------------------------


@scoped
def agencies(request):
    today = timezone.localdate()
    qs = (
        access.national(request.user, Agency.objects.all())
        .prefetch_related(
            Prefetch(
                "members",
                BoardMember.objects.current(today).select_related("user"),
                to_attr="current_members",
            )
        )
        .annotate(
            n_tasks=Count("tasks", filter=Q(tasks__year=today.year), distinct=True),
        )
        .order_by("kind", "name")
    )
    return render(
        request,
        "board/agencies.html",
        {
            "agencies": qs,
            "can_admin": access.is_board_admin(request.user),
            "past": access.national(
                request.user,
                BoardMember.objects.exclude(
                    pk__in=BoardMember.objects.current(today)
                ).select_related("agency"),
            ),
            "breadcrumbs": _crumbs((_("Agencies and members"), "")),
        },
    )


@scoped
def agency_form(request, pk=None):
    _require(access.is_board_admin(request.user))
    agency = access.national_or_404(request.user, Agency.objects, pk=pk) if pk else None
    form = AgencyForm(request.POST or None, instance=agency)
    if form.is_valid():
        services.save_agency(request.user, agency, **form.cleaned_data)
        messages.success(request, _("Agency saved."))
        return redirect("board:agencies")
    title = _("Edit agency") if agency else _("New agency")
    return _form_page(
        request,
        form,
        title,
        _crumbs((_("Agencies and members"), reverse("board:agencies")), (title, "")),
        status=400 if form.errors else 200,
    )


@scoped
def member_form(request, pk=None):
    _require(access.is_board_admin(request.user))
    member = access.national_or_404(request.user, BoardMember.objects, pk=pk) if pk else None
    form = MemberForm(request.POST or None, instance=member)
    if form.is_valid():
        try:
            services.save_member(request.user, member, **form.cleaned_data)
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Board member saved."))
            return redirect("board:agencies")
    title = _("Edit Board member") if member else _("New Board member")
    return _form_page(
        request,
        form,
        title,
        _crumbs((_("Agencies and members"), reverse("board:agencies")), (title, "")),
        status=400 if form.errors else 200,
    )


# Resources mobilised ----------------------------------------------------------------------------


@scoped
def contributions(request):
    qs = access.contributions(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(received_on__year=int(year))
    by_province = figures.resources_by_province(qs)
    names = dict(
        Unit.objects.filter(pk__in=[p for p in by_province if p]).values_list("pk", "name")
    )
    labels = dict(SourceType.choices)
    return render(
        request,
        "board/contributions.html",
        {
            "rows": _page(request, qs.select_related("unit", "club")),
            "pager_query": _pager_query(request),
            "total": qs.aggregate(t=Sum("amount"))["t"] or 0,
            "by_source": sorted(
                ((labels[k], v) for k, v in figures.resources_by_source(qs).items()),
                key=lambda r: -r[1],
            ),
            "by_province": sorted(
                ((names.get(k) or _("National"), v) for k, v in by_province.items()),
                key=lambda r: -r[1],
            ),
            "by_year": sorted(
                figures.resources_by_year(access.contributions(request.user)).items()
            ),
            "year": year,
            "can_add": can(request.user, "board.record"),
            "breadcrumbs": _crumbs((_("Resources mobilised"), "")),
        },
    )


@scoped
def contribution_new(request):
    _require(can(request.user, "board.record"))
    form = ContributionForm(
        request.POST or None, user=request.user, initial={"received_on": timezone.localdate()}
    )
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            services.record_contribution(
                request.user, unit=form.cleaned_data["unit"], club=form.cleaned_data["club"], **data
            )
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Contribution recorded."))
            return redirect("board:contributions")
    return _form_page(
        request,
        form,
        _("Record a contribution"),
        _crumbs((_("Resources mobilised"), reverse("board:contributions")), (_("New"), "")),
        status=400 if form.errors else 200,
    )


# Document library -------------------------------------------------------------------------------


@scoped
def documents(request):
    qs = (
        access.documents(request.user)
        .select_related("unit")
        .annotate(n_versions=Count("versions"))
        .order_by("-issued_on", "-pk")
    )
    q, doc_type = request.GET.get("q", "").strip(), request.GET.get("type", "")
    if q:
        qs = qs.filter(search_text__contains=fold(q))
    if doc_type in DocumentType.values:
        qs = qs.filter(doc_type=doc_type)
    return render(
        request,
        "board/documents.html",
        {
            "documents": _page(request, qs),
            "pager_query": _pager_query(request),
            "q": q,
            "doc_type": doc_type,
            "types": DocumentType.choices,
            "can_add": can(request.user, "board.record"),
            "breadcrumbs": _crumbs((_("Documents"), "")),
        },
    )


@scoped
def document_detail(request, pk):
    qs = access.documents(request.user).select_related("unit", "created_by")
    document = access.national_or_404(request.user, qs, pk=pk)
    can_edit = access.editable_documents(request.user).filter(pk=document.pk).exists()
    return render(
        request,
        "board/document_detail.html",
        {
            "document": document,
            "versions": document.versions.select_related("uploaded_by"),
            "can_edit": can_edit,
            "form": VersionForm() if can_edit else None,
            "breadcrumbs": _crumbs(
                (_("Documents"), reverse("board:documents")), (document.title[:40], "")
            ),
        },
    )


@scoped
def document_new(request):
    _require(can(request.user, "board.record"))
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"issued_on": timezone.localdate()},
    )
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            document = services.create_document(
                request.user, upload=form.cleaned_data["file"], unit=form.clean_place(), **data
            )
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Document added to the library."))
            return redirect("board:document", pk=document.pk)
    return _form_page(
        request,
        form,
        _("Add a document"),
        _crumbs((_("Documents"), reverse("board:documents")), (_("New"), "")),
        multipart=True,
        status=400 if form.errors else 200,
    )


@scoped
@require_POST
def version_new(request, pk):
    document = access.national_or_404(request.user, access.editable_documents(request.user), pk=pk)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_version(
                request.user,
                document,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("New version uploaded."))
            return redirect("board:document", pk=document.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("board:document", pk=document.pk)


@scoped
def download(request, pk):
    """Files leave only through here, after the document's scope is checked."""
    version = access.national_or_404(
        request.user,
        DocumentVersion.objects.filter(document__in=access.documents(request.user)),
        pk=pk,
    )
    response = send_file(request, version.file, version.original_name, version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Training and communication events --------------------------------------------------------------


@scoped
def events(request):
    qs = visible(request.user, Event.objects.all()).select_related("unit", "organiser")
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(held_on__year=int(year))
    docs = access.documents(request.user)
    return render(
        request,
        "board/events.html",
        {
            "events": _page(request, qs.prefetch_related(Prefetch("materials", docs))),
            "pager_query": _pager_query(request),
            "totals": qs.aggregate(
                n=Count("pk"),
                participants=Sum("participants"),
                women=Sum("women"),
                older=Sum("older"),
            ),
            "year": year,
            "can_add": can(request.user, "board.record"),
            "breadcrumbs": _crumbs((_("Training and communication"), "")),
        },
    )


@scoped
def event_new(request):
    _require(can(request.user, "board.record"))
    materials = access.documents(request.user).filter(
        doc_type__in=[DocumentType.TRAINING, DocumentType.COMMUNICATION, DocumentType.GUIDANCE]
    )
    form = EventForm(
        request.POST or None,
        user=request.user,
        materials=materials,
        initial={"held_on": timezone.localdate()},
    )
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        chosen = data.pop("materials")
        try:
            services.record_event(request.user, unit=form.clean_place(), materials=chosen, **data)
        except ValidationError as e:
            put_errors(form, e)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("board:events")
    return _form_page(
        request,
        form,
        _("Record an event"),
        _crumbs((_("Training and communication"), reverse("board:events")), (_("New"), "")),
        status=400 if form.errors else 200,
    )
