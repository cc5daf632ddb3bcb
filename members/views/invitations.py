"""Accepting an invitation: the link in the email adds the company to an account.

The token is looked up by its hash. A mistyped or tampered link, a used one and an expired one
each get a page that says so and what to do. Someone without an account chooses a name and a
password (the address is the one invited); someone with one signs in first, then accepts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from members import services
from members.forms import NewAccountForm
from members.models import User

# The one backend in AUTHENTICATION_BACKENDS: a session names its backend, and one not listed there
# is signed out on the next request.
LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invited = services.invitation_for(token)
    except services.InvitationUnusable as unusable:
        status = 404 if unusable.reason == "unknown" else 410
        return render(
            request,
            "members/area/invitation_unusable.html",
            {"reason": unusable.reason},
            status=status,
        )
    context = {"invitation": invited}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invited.email:
            return render(request, "members/area/invitation_other_account.html", context)
        if request.method == "POST":
            membership = services.invitation_accept(token=token, user=user)
            messages.success(request, f"You can now update {membership.company.name}.")
            return redirect("area:dashboard")
        return render(request, "members/area/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invited.email).exists():
        sign_in = reverse("login") + "?" + urlencode({"next": request.path})
        return render(
            request, "members/area/invitation_sign_in.html", context | {"sign_in": sign_in}
        )
    form = NewAccountForm(request.POST or None, email=invited.email)
    if request.method == "POST" and form.is_valid():
        new_user, membership = services.account_create_and_accept(
            token=token,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
        )
        login(request, new_user, backend=LOGIN_BACKEND)
        messages.success(request, f"Welcome. You can now update {membership.company.name}.")
        return redirect("area:dashboard")
    return render(request, "members/area/invitation_new_account.html", context | {"form": form})
