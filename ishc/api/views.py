"""The profile page: who I am, and my personal API tokens (make, list, revoke).

A new token is shown on the page that answers the form, once: only its hash is stored, so it
can never be shown again. The form carries a once-only token, so a double tap makes one token.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ishc.core.forms import put_errors

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = tokens.create_token(request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "api/profile.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user),
            "breadcrumbs": [{"label": _("My profile")}],
        },
    )


@login_required
@require_POST
def revoke(request, pk: int):
    # Only one's own tokens: anyone else's id answers 404.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(request.user, token)
    messages.success(
        request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("profile")
