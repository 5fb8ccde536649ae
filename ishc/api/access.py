"""Finding the object a write acts on, and asking the one capability table whether the caller
may act on it.

Outside what the caller can see: 404, as on the web (an id reveals nothing). Visible but not the
caller's to change — a viewer, a Steering Board member, a commune officer recording a club's
money — 403 with the capability table's own sentence.
"""

from django.db.models import Model, QuerySet

from ishc.accounts.permissions import require
from ishc.accounts.scope import visible_or_404


def for_change(user, qs: QuerySet, capability: str, **lookup) -> Model:
    found = visible_or_404(user, qs, **lookup)
    require(user, capability, found)
    return found
