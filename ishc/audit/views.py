from django.core.paginator import Paginator
from django.shortcuts import render

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible

from .models import AuditEntry


@scoped
def entries(request):
    """The audit log of the user's area, newest first, optionally narrowed to one kind of action
    (e.g. "finance." or "reports.report.approved")."""
    qs = visible(request.user, AuditEntry.objects.select_related("club"))
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/entries.html", {"page": page, "action": action})
