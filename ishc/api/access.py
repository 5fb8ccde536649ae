"""Finding the object a write acts on, through the scope module only.

Outside what the caller can see: 404, as on the web (an id reveals nothing). Visible but not
changeable — a viewer, a Steering Board member, a read-only role — 403, so a partner learns that
it is the role, not the id, that is wrong.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ishc.accounts.scope import editable, visible


def for_change(user, qs: QuerySet, **lookup) -> Model:
    found = editable(user, qs).filter(**lookup).first()
    if found is not None:
        return found
    if visible(user, qs).filter(**lookup).exists():
        raise PermissionDenied(_("Your role may see this but not change it."))
    raise Http404
