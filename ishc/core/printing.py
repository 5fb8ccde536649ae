"""The printable books: every one is an A4 page rendered from core/print.html, with the club's or
unit's header, the period, page numbers (CSS @page), a signature block and no web control.

Views of the books live in their apps (clubs/books.py, activities/books.py, finance/books.py,
reports/books.py) and reach their objects through ishc.accounts.scope like the screen pages; this
module only puts the page together, so that the books look alike.
"""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def club_heading(club) -> list[str]:
    """The club's name, then where it is, as the top-left corner of a paper book says."""
    where = [club.village, club.commune.name if club.commune else club.registered_name]
    where.append(club.province.name)
    return [club.name, ", ".join(w for w in where if w)]


def unit_heading(unit) -> list[str]:
    if unit is None:
        return [_("Vietnam Association of the Elderly"), _("Whole country")]
    return [_("Association of the Elderly"), unit.name]


def place_date(place: str, day: datetime.date | None) -> str:
    """ "Xã Ngọc Đường, ngày 05 tháng 04 năm 2026"; with no day, the blanks a person fills in."""
    if day is None:
        return _("%(place)s, day …… month …… year ……") % {"place": place}
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}",
        "year": day.year,
    }


def render_book(
    request,
    template: str,
    *,
    title: str,
    period: str,
    heading: list[str],
    signatures: list[str],
    landscape: bool = False,
    place: str = "",
    day: datetime.date | None = None,
    nation_line: bool = False,
    **context,
):
    return render(
        request,
        template,
        {
            "title": title,
            "period": period,
            "heading": heading,
            "signatures": signatures,
            "landscape": landscape,
            "place_date": place_date(place, day) if place else "",
            "nation_line": nation_line,
            "printed_at": timezone.localtime(),
            **context,
        },
    )
