"""The buyer's shortlist: add and remove (with or without JavaScript), compare, share, export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from directory.http import HtmxHttpRequest
from members.models import Company, SharedShortlist
from members.search.export import csv_response
from members.search.index import current_snapshot
from members.shortlist import (
    ShortlistFull,
    shortlist_add,
    shortlist_clear,
    shortlist_ids,
    shortlist_remove,
    shortlist_share,
)
from members.views.companies import profile_queryset


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("shortlist:detail")


def _toggle_response(request: HtmxHttpRequest, company: Company) -> HttpResponse:
    if request.htmx:
        # The toggled button, plus the header count and the message out of band.
        in_results = request.POST.get("within") == "results"  # the result list's shared form
        return render(
            request,
            "members/_shortlist_toggled.html",
            {
                "company": company,
                "toggled": True,
                "next_url": _back(request),
                "in_results": in_results,
            },
        )
    return HttpResponseRedirect(_back(request))


@require_POST
def add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.published(), slug=slug)
    try:
        shortlist_add(request.session, company)
    except ShortlistFull as full:
        messages.error(request, str(full))
    else:
        messages.success(request, f"{company.name} is on your shortlist.")
    return _toggle_response(request, company)


@require_POST
def remove(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.all(), slug=slug)
    shortlist_remove(request.session, company)
    messages.success(request, f"{company.name} is off your shortlist.")
    return _toggle_response(request, company)


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    shortlist_clear(request.session)
    messages.success(request, "Your shortlist is empty.")
    return redirect("shortlist:detail")


def _compare_context(company_ids: list[int]) -> dict[str, object]:
    by_id = {c.pk: c for c in profile_queryset().filter(pk__in=company_ids)}
    ordered = [by_id[pk] for pk in company_ids if pk in by_id]
    return {"companies": ordered, "missing_count": len(company_ids) - len(ordered)}


@require_safe
def detail(request: HttpRequest) -> HttpResponse:
    context = _compare_context(shortlist_ids(request.session))
    return render(request, "members/shortlist.html", {**context, "shared": None})


@require_POST
def share(request: HttpRequest) -> HttpResponse:
    ids = shortlist_ids(request.session)
    if not ids:
        messages.error(request, "Add companies to your shortlist before sharing it.")
        return redirect("shortlist:detail")
    shared = shortlist_share(company_ids=ids)
    messages.success(request, "This link will always show these companies. Copy it to share.")
    return redirect(shared)


@require_safe
def shared(request: HttpRequest, key: str) -> HttpResponse:
    saved = get_object_or_404(SharedShortlist, key=key)
    context = _compare_context(saved.company_ids)
    return render(request, "members/shortlist.html", {**context, "shared": saved})


def _csv(request: HttpRequest, company_ids: list[int], label: str) -> StreamingHttpResponse:
    listed = set(
        Company.objects.published().filter(pk__in=company_ids).values_list("pk", flat=True)
    )
    published = [pk for pk in company_ids if pk in listed]
    preamble = [
        [settings.SITE_NAME, "Shortlist export"],
        ["Shortlist", request.build_absolute_uri(label)],
        ["Exported at", timezone.localtime().isoformat(timespec="seconds")],
        ["Companies", str(len(published))],
        [],
    ]
    return csv_response(
        request,
        company_ids=published,
        preamble=preamble,
        filename_label="shortlist",
        snapshot=current_snapshot(),
    )


@require_safe
def export(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(request, shortlist_ids(request.session), reverse("shortlist:detail"))


@require_safe
def shared_export(request: HttpRequest, key: str) -> StreamingHttpResponse:
    saved = get_object_or_404(SharedShortlist, key=key)
    return _csv(request, saved.company_ids, saved.get_absolute_url())
