"""Cluster pages: the list of clusters, and one cluster with its capabilities and companies."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from clusters.models import Cluster
from directory.pagination import forgiving_page
from members.cards import company_cards
from members.models import Company

COMPANIES_PER_PAGE = 20
PUBLISHED = Q(companies__status=Company.Status.PUBLISHED)
ACTIVE_CAPABILITIES = Q(capabilities__is_active=True)
# Said again after each count: a grouped query leaves Meta.ordering out.
IN_STAFF_ORDER = ("position", "name")


@require_safe
def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = (
        Cluster.objects.active()
        .annotate(
            company_count=Count("companies", filter=PUBLISHED, distinct=True),
            capability_count=Count("capabilities", filter=ACTIVE_CAPABILITIES, distinct=True),
        )
        .order_by(*IN_STAFF_ORDER)
    )
    return render(request, "clusters/cluster_list.html", {"clusters": clusters})


@require_safe
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_object_or_404(Cluster.objects.active(), slug=slug)
    capabilities = (
        cluster.capabilities.active()
        .annotate(company_count=Count("companies", filter=PUBLISHED, distinct=True))
        .order_by(*IN_STAFF_ORDER)
    )
    companies = Company.objects.published().in_cluster(cluster).values_list("pk", flat=True)
    page = forgiving_page(companies, COMPANIES_PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "capabilities": capabilities,
            "page_obj": page,
            "companies": company_cards(page.object_list),
        },
    )
