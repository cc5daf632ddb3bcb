"""Public views of member companies: the list (buyer search) and the profile."""

from __future__ import annotations

import json

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from clusters.models import Capability, Certification
from directory.http import HtmxHttpRequest
from directory.pagination import forgiving_page
from members.models import Company, CompanyCertification
from members.search.engine import page_cards, run_search
from members.search.forms import parse_search
from members.search.index import current_snapshot

RESULTS_PER_PAGE = 20


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def company_list(request: HtmxHttpRequest) -> HttpResponse:
    """The search page; to htmx, only the parts a new search changes (same fragments).

    A history restore (Back or Forward to a URL htmx pushed) asks for the whole page, as a
    first visit would. The partial is never stored, so no cache can serve it as the page.
    """
    search = parse_search(request.GET, current_snapshot())
    result = run_search(search.params, search.snapshot)
    page = forgiving_page(result.ordered_ids, RESULTS_PER_PAGE, request.GET.get("page"))
    context = {
        "search": search,
        "result": result,
        "page_obj": page,
        "companies": page_cards(result, page.object_list, search.snapshot),
        "query_without_page": search.query_string,  # what pagination links keep
        "next_url": request.get_full_path(),  # where each card's shortlist button returns
    }
    if request.htmx and not request.htmx.history_restore_request:
        context["facet_counts_json"] = json.dumps(result.facet_counts, separators=(",", ":"))
        response = render(request, "members/_search_update.html", context)
        add_never_cache_headers(response)
        return response
    return render(request, "members/company_list.html", context)


def profile_queryset() -> QuerySet[Company]:
    """Published companies with every part a profile (or the shortlist) shows."""
    return Company.objects.published().with_profile_data()


@require_safe
def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(profile_queryset(), slug=slug)
    capabilities_by_cluster: dict[object, list[Capability]] = {}
    for capability in company.capabilities.all():
        capabilities_by_cluster.setdefault(capability.cluster, []).append(capability)
    return render(
        request,
        "members/company_detail.html",
        {
            "company": company,
            "capabilities_by_cluster": capabilities_by_cluster,
            "certifications": _with_inclusions(company.current_certifications),  # type: ignore[attr-defined]
        },
    )


def _with_inclusions(held: list[CompanyCertification]) -> list[tuple[CompanyCertification, str]]:
    """Each current certificate, and the names of the certifications it includes ("Cyber
    Essentials" for Cyber Essentials Plus): the company is found under those too."""
    if not held:
        return []
    inclusions = {c.pk: names for c, names in Certification.objects.active().inclusions().items()}
    return [
        (item, " and ".join(c.name for c in inclusions.get(item.certification_id, [])))
        for item in held
    ]
