"""Staff reach the admin only after a second factor, when ``STAFF_REQUIRE_MFA`` is on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether the signed-in user entered an authenticator or recovery code in this session.

    allauth records every step of a sign-in (password, emailed code, authenticator code) in the
    session, for the user who took it; signing out flushes the session and the record with it.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_mfa_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where a staff member must go before the admin: set up an authenticator app, or use it."""
    if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
        step = "mfa_activate_totp"
    elif not session_passed_mfa(request):
        # Signed in before the app was set up, or by a route without the second step.
        step = "mfa_reauthenticate"
    else:
        return None
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(step)}?{query}")


class StaffMFAMiddleware:
    """Sends a staff member without a second factor in this session away from the admin.

    Only the admin is guarded: it is where staff rights take effect. A staff member who is also
    a member of a company uses the member area like any other member. The admin's own sign-in
    page is allauth's (``secure_admin_login`` in directory/urls.py), so there is no way round.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != "admin" or match.url_name == "logout":
            return None
        user = request.user
        if not (settings.STAFF_REQUIRE_MFA and user.is_authenticated and user.is_staff):
            return None
        return staff_mfa_redirect(request)


class StaffIdleTimeoutMiddleware:
    """A staff session ends after ``STAFF_SESSION_IDLE_SECONDS`` without a request (8 hours).

    Staff sessions carry curation rights, so a browser left open overnight must not keep them:
    each staff request sets the session to expire that long from now (and so saves it), while
    members and buyers keep the site-wide ``SESSION_COOKIE_AGE``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
