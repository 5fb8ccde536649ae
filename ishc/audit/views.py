from django.core.paginator import Paginator
from django.shortcuts import render

from ishc.accounts.decorators import scoped
from ishc.accounts.permissions import can
from ishc.accounts.scope import visible

from . import readable
from .models import AuditEntry, PersonalDataAccess


@scoped
def entries(request):
    """The audit log of the user's area (entries of its clubs and of its units), newest first,
    in sentences, optionally narrowed to one kind of change."""
    qs = visible(request.user, AuditEntry.objects.select_related("club", "user", "content_type"))
    kind = request.GET.get("kind", "")
    if kind in readable.KINDS:
        qs = qs.filter(action__startswith=kind)
    else:
        kind = ""
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for e in page:
        e.sentence = readable.sentence(e)
        e.changed = readable.changes(e)
    return render(
        request,
        "audit/entries.html",
        {
            "page": page,
            "kind": kind,
            "kinds": readable.KINDS,
            "personal_data": can(request.user, "audit.personal_data"),
        },
    )


@scoped
def personal_data(request):
    """Who viewed or exported members' personal data in the user's area, newest first."""
    if not can(request.user, "audit.personal_data"):
        return render(request, "audit/personal_data_forbidden.html", status=403)
    qs = visible(
        request.user, PersonalDataAccess.objects.select_related("user", "club", "unit", "member")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/personal_data.html", {"page": page})
