"""Applying to be listed: a public form that makes a pending company for staff to review."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from members import services
from members.forms import ApplicationForm, grouped_capabilities

# Per address: enough for an honest retry or two, not for a flood of fake companies.
APPLICATIONS_PER_ADDRESS = "5/h"


def client_ip(_group: str, request: HttpRequest) -> str:
    """The visitor's address as sign-in's limits see it: behind proxies, the one
    TRUSTED_PROXY_COUNT hops back in X-Forwarded-For, not the proxy's own."""
    address: str = get_adapter(request).get_client_ip(request)
    return address


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(
            request, group="apply", key=client_ip, rate=APPLICATIONS_PER_ADDRESS, increment=True
        ):
            return render(request, "members/area/apply_limited.html", status=429)
        if form.is_robot():
            return redirect("area:apply_thanks")  # say nothing a robot could learn from
        if form.is_valid():
            data = form.cleaned_data
            services.company_apply(
                company=form.instance,
                clusters=data["clusters"],
                capabilities=data["capabilities"],
                applicant_email=data["applicant_email"],
                link_base=request.build_absolute_uri("/"),
            )
            return redirect("area:apply_thanks")
    return render(
        request,
        "members/area/apply.html",
        {
            "form": form,
            "capability_groups": grouped_capabilities(),
            "chosen_capabilities": {str(v) for v in (form["capabilities"].value() or [])},
        },
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "members/area/apply_thanks.html")
