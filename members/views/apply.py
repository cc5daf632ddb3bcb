"""Applying to be listed: a public form that makes a pending company for staff to review."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from directory.limits import rate_limited
from members import services
from members.forms import ApplicationForm, grouped_capabilities


@require_http_methods(["GET", "POST"])
@rate_limited("apply", methods=["POST"])  # enough for an honest retry, not for a flood of fakes
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
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
