"""Site-wide pages: home, about, accessibility statement, health, robots, error pages."""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clusters.models import Cluster
from members.cards import company_cards
from members.models import Company

RECENT_COMPANIES = 6


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    clusters = (
        Cluster.objects.active()
        .annotate(
            company_count=Count(
                "companies", filter=Q(companies__status=Company.Status.PUBLISHED), distinct=True
            )
        )
        .order_by("position", "name")
    )  # a grouped query leaves Meta.ordering out
    recent = Company.objects.published().order_by("-updated_at").values_list("pk", flat=True)
    return render(
        request,
        "directory/home.html",
        {
            "clusters": clusters,
            "recent_companies": company_cards(recent[:RECENT_COMPANIES]),
            "company_total": Company.objects.published().count(),
        },
    )


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/about.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/accessibility.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /members/",
        "Disallow: /companies/export.csv",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseNotFound(
        loader.render_to_string("404.html", {"request_path": request.path}, request)
    )


# A database that is down, restarting or unreachable (psycopg raises these for a refused or lost
# connection): the service is unavailable for a while, not broken.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The friendly error page: 503 (try again later) while the database is unavailable, else 500.

    Django calls this while it handles the exception, so ``sys.exception()`` is that exception.
    """
    # Rendered without a request context: whatever broke must not break the error page too.
    page = loader.render_to_string("500.html")
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(page)
