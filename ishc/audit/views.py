from django.core.paginator import Paginator
from django.shortcuts import render

from ishc.accounts.decorators import scoped
from ishc.accounts.models import Role
from ishc.accounts.scope import visible

from . import readable
from .models import AuditEntry, PersonalDataAccess

# Decree 13/2023: the log of who read members' personal data is for those who answer for the
# data of a whole province or of the country.
PERSONAL_DATA_READERS = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE}


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
            "personal_data": request.user.role in PERSONAL_DATA_READERS,
        },
    )


@scoped
def personal_data(request):
    """Who viewed or exported members' personal data in the user's area, newest first."""
    if request.user.role not in PERSONAL_DATA_READERS:
        return render(request, "audit/personal_data_forbidden.html", status=403)
    qs = visible(
        request.user, PersonalDataAccess.objects.select_related("user", "club", "unit", "member")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/personal_data.html", {"page": page})
