"""The cash books, the loan ledger and the golden-heart book, printable (see
ishc.core.printing). Figures come from the same helpers as the screen pages, objects through
ishc.accounts.scope."""

import datetime

from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible, visible_or_404
from ishc.clubs.models import Club
from ishc.core.printing import club_heading, render_book

from .models import Category, Entry, FundKind
from .views import _month_end, _month_or_404, _on, cash_book_rows, ledger_loans, ledger_totals


def _club(request, pk: int) -> Club:
    return visible_or_404(request.user, Club.objects.select_related("commune", "province"), pk=pk)


def _place(club: Club) -> str:
    return club.commune.name if club.commune else club.province.name


@scoped
def cash_book(request, pk: int, fund: str, year: int, month: int):
    club = _club(request, pk)
    if fund not in FundKind.values:
        raise Http404
    month = _month_or_404(year, month)
    opening, rows, closing = cash_book_rows(club, fund, month)
    end = _month_end(month)
    return render_book(
        request,
        "finance/print_cash_book.html",
        title=_("Cash book · %(fund)s") % {"fund": FundKind(fund).label},
        period=_("Month %(month)s") % {"month": f"{month:%m/%Y}"},
        heading=club_heading(club),
        signatures=[_("Treasurer"), _("Club chair")],
        place=_place(club),
        day=min(end, timezone.localdate()),
        month=month,
        end=end,
        opening=opening,
        rows=rows,
        closing=closing,
        total_in=sum(e.amount for e in rows if e.amount > 0),
        total_out=-sum(e.amount for e in rows if e.amount < 0),
    )


@scoped
def loan_ledger(request, pk: int):
    club = _club(request, pk)
    on = _on(request)
    loans = ledger_loans(club, on)
    return render_book(
        request,
        "finance/print_loan_ledger.html",
        title=_("Loan ledger"),
        period=_("As of %(date)s") % {"date": on.strftime("%d/%m/%Y")},
        heading=club_heading(club),
        signatures=[_("Treasurer"), _("Club chair")],
        landscape=True,
        place=_place(club),
        day=on,
        loans=loans,
        totals=ledger_totals(loans),
        # From Python: a "%" in a template's translate tag is written "%%" by makemessages.
        rate_label=_("Rate (% a month)"),
    )


@scoped
def golden_heart(request, pk: int):
    """The golden-heart book: the donations of a year, whoever gave them, in both funds."""
    club = _club(request, pk)
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        raise Http404 from None
    entries = (
        visible(request.user, Entry.objects.filter(club=club, category=Category.GOLDEN_HEART))
        .filter(date__range=(first, last))
        .select_related("member", "fund")
        .order_by("date", "pk")
    )
    return render_book(
        request,
        "finance/print_golden_heart.html",
        title=_("Golden-heart book"),
        period=_("Year %(year)s") % {"year": year},
        heading=club_heading(club),
        signatures=[_("Treasurer"), _("Club chair")],
        place=_place(club),
        day=min(last, timezone.localdate()),
        entries=entries,
        total=entries.aggregate(total=Sum("amount"))["total"] or 0,
    )
