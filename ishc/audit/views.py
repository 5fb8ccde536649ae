from django.core.paginator import Paginator
from django.shortcuts import render

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible

from . import readable
from .models import AuditEntry


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
        request, "audit/entries.html", {"page": page, "kind": kind, "kinds": readable.KINDS}
    )
