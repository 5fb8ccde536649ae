from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ishc.core.once import remember_as

from . import services
from .decorators import scoped
from .people_forms import PersonForm
from .permissions import can
from .scope import manageable_users


def _get_person_for_user(request, pk: int):
    """The one place that decides whether this officer may manage that account (404 if not)."""
    return get_object_or_404(manageable_users(request.user), pk=pk)


def _may_manage(request) -> bool:
    return can(request.user, "accounts.manage_people")


@scoped
def people(request):
    if not _may_manage(request):
        return render(request, "accounts/people_forbidden.html", status=403)
    qs = manageable_users(request.user).prefetch_related("assignments__unit", "assignments__club")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    page = Paginator(qs.order_by("role", "last_name", "username"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/people.html", {"page": page, "q": q})


@scoped
def person_add(request):
    if not _may_manage(request):
        return render(request, "accounts/people_forbidden.html", status=403)
    form = PersonForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in PersonForm.Meta.fields}
        user, password = services.create_person(
            request.user, unit=data["unit"], club=data["club"], **fields
        )
        page = render(
            request, "accounts/person_password.html", {"person": user, "password": password}
        )
        # The password is shown once: a repeated submit lands on the list, not a new account.
        return remember_as(page, reverse("people"))
    return render(request, "accounts/person_form.html", {"form": form})


@require_POST
@scoped
def person_reset(request, pk: int):
    person = _get_person_for_user(request, pk)
    password = services.reset_password(request.user, person)
    return render(
        request, "accounts/person_password.html", {"person": person, "password": password}
    )


@require_POST
@scoped
def person_active(request, pk: int):
    person = _get_person_for_user(request, pk)
    active = request.POST.get("active") == "1"
    services.set_active(request.user, person, active)
    if active:
        messages.success(request, _("%(name)s can log in again.") % {"name": person.display_name})
    else:
        messages.success(
            request, _("%(name)s can no longer log in.") % {"name": person.display_name}
        )
    return redirect("people")
