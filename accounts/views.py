from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """The signed-in person's account: their address, password and two-factor sign-in."""
    user = request.user
    return render(
        request,
        "account/overview.html",
        {
            "has_totp": is_mfa_enabled(user, [Authenticator.Type.TOTP]),
            "mfa_required": user.is_staff and settings.STAFF_REQUIRE_MFA,
        },
    )


@require_safe
def email_addresses(request: HttpRequest) -> HttpResponse:
    """Stands in for allauth's page for adding and changing email addresses: not offered here.

    An account's address is the one its invitation was sent to (its link proved it); staff change
    it in the admin. Members adding addresses nobody has proved would let one claim another's.
    """
    return redirect("account_overview")
