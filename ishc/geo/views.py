from django.shortcuts import render

from ishc.accounts.decorators import scoped
from ishc.accounts.scope import visible

from .models import Unit

LIMIT = 50


@scoped
def search(request):
    """Communes matching the typed text (diacritics ignored) within the chosen province, limited
    to the units the user can see. Returns the option list for the picker."""
    field = request.GET.get("field", "commune")
    province = request.GET.get(f"{field}__province") or request.GET.get("province")
    text = request.GET.get(f"{field}__q") or request.GET.get("q") or ""
    units = visible(request.user, Unit.objects.communes()).select_related("province")
    if province and province.isdigit():
        units = units.filter(province_id=province)
    elif not text.strip():
        units = units.none()
    units = list(units.search(text).order_by("search_name")[: LIMIT + 1])
    return render(
        request,
        "geo/unit_options.html",
        {
            "field": field,
            "units": units[:LIMIT],
            "more": len(units) > LIMIT,
            "searched": bool(text.strip() or province),
        },
    )
