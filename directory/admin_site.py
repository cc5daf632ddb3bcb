"""The curation admin: Django's admin site, with the staff's work queues on its index page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


class DirectoryAdminSite(admin.AdminSite):
    site_header = "Capability directory: curation"
    site_title = "Directory curation"
    index_title = "Clusters, companies and reference lists"
    # The company list needs the width for its columns; the index lists every model anyway.
    enable_nav_sidebar = False

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {"work_queues": work_queues(request), **(extra_context or {})}
        return super().index(request, extra_context=context)


def work_queues(request: HttpRequest) -> list[Queue]:
    """What is waiting for staff, each linking to the company list filtered to it."""
    from members.models import Company  # the admin site is built before the apps' models

    if not request.user.has_perm("members.view_company"):
        return []
    changelist = reverse("admin:members_company_changelist")
    published = Company.objects.published()
    queues = [
        (
            "Applications waiting for approval",
            Company.objects.filter(status="pending"),
            "status__exact=pending",
        ),
        (
            "Published profiles changed by members since the last review",
            published.changed_by_member_since_review(),
            "status__exact=published&changed=yes",
        ),
        (
            "Published profiles not verified for 12 months",
            published.stale(),
            "status__exact=published&stale=yes",
        ),
        (
            "Published profiles with certificates expired or expiring soon",
            published.with_certificates_expiring(),
            "status__exact=published&expiring=yes",
        ),
    ]
    return [
        Queue(label, queryset.count(), f"{changelist}?{query}") for label, queryset, query in queues
    ]


class DirectoryAdminConfig(AdminConfig):
    default_site = "directory.admin_site.DirectoryAdminSite"
