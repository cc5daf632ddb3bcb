from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from clusters.models import Cluster
from members.models import Company


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "clusters:list", "members:company_list", "accessibility", "about"]

    def location(self, item: str) -> str:
        return reverse(item)


class ClusterSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Cluster]:
        return Cluster.objects.active()


class CompanySitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> QuerySet[Company]:
        return Company.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Company) -> datetime:
        return item.updated_at


SITEMAPS = {"pages": StaticSitemap, "clusters": ClusterSitemap, "companies": CompanySitemap}
