from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible
from ishc.clubs.models import Club

from .figures import fund_figures


@scoped
def index(request):
    """The clubs in the user's area with both fund balances today (three queries in all)."""
    today = timezone.localdate()
    clubs = visible(request.user, Club.objects.all())
    figures = {r["key"]: r for r in fund_figures(clubs, today, "club_id")}
    rows = [(club, figures.get(club.pk)) for club in clubs.select_related("commune")]
    return render(
        request,
        "finance/index.html",
        {"rows": rows, "today": today, "breadcrumbs": [{"label": _("Funds and loans")}]},
    )
