"""Breadcrumbs of units: Cả nước › province › commune › club.

Pages pass `breadcrumbs=unit_crumbs(...)` to base.html. Each step links to `url_name` with the
unit (or club) as a query parameter, so a list or dashboard page can offer the same drill-down.
"""

from django.urls import reverse
from django.utils.translation import gettext as _


def unit_crumbs(unit=None, club=None, url_name: str | None = None, tail: str | None = None):
    """Crumbs from the country down to `club` (or `unit`), then an optional last label."""
    steps: list[tuple[str, dict]] = [(_("Whole country"), {})]
    if club is not None:
        province, commune = club.province, club.commune
    elif unit is not None:
        province = unit if unit.province_id is None else unit.province
        commune = unit if unit.province_id is not None else None
    else:
        province = commune = None
    if province is not None:
        steps.append((province.name, {"unit": province.pk}))
    if commune is not None:
        steps.append((commune.name, {"unit": commune.pk}))
    if club is not None:
        steps.append((club.name, {"club": club.pk}))
    crumbs = []
    for label, params in steps:
        url = None
        if url_name:
            query = "&".join(f"{k}={v}" for k, v in params.items())
            url = reverse(url_name) + (f"?{query}" if query else "")
        crumbs.append({"label": label, "url": url})
    if tail:
        crumbs.append({"label": tail, "url": None})
    return crumbs
