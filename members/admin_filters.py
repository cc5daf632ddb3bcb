"""The company list's work filters: each is one of CompanyQuerySet's queues, so the admin index
counts and the filtered list always agree."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from members.models import EXPIRY_WARNING_DAYS


class QueueFilter(admin.SimpleListFilter):
    """A one-choice filter that narrows the list to one queue (a CompanyQuerySet method)."""

    queue: str  # the CompanyQuerySet method
    choice: str

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", self.choice)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() == "yes":
            queue = getattr(queryset, self.queue)
            return queue()
        return None


class NotVerifiedFilter(QueueFilter):
    title = "verification"
    parameter_name = "stale"
    choice = "Not verified for 12 months"
    queue = "stale"


class ChangedByMemberFilter(QueueFilter):
    title = "member changes"
    parameter_name = "changed"
    choice = "Changed by a member since the last review"
    queue = "changed_by_member_since_review"


class NoCapabilitiesFilter(QueueFilter):
    title = "capabilities"
    parameter_name = "no_capabilities"
    choice = "No capabilities"
    queue = "without_capabilities"


class ExpiringCertificatesFilter(QueueFilter):
    title = "certificates"
    parameter_name = "expiring"
    choice = f"Expired or expiring within {EXPIRY_WARNING_DAYS} days"
    queue = "with_certificates_expiring"
