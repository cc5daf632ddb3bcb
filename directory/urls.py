from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from directory import views
from directory.sitemaps import SITEMAPS

admin.site.site_header = "Capability directory: curation"
admin.site.site_title = "Directory curation"
admin.site.index_title = "Clusters, companies and reference lists"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("clusters/", include("clusters.urls")),
    path("companies/", include("members.urls")),
    path("shortlist/", include("members.urls_shortlist")),
    path("members/", include("members.urls_area")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "directory.views.page_not_found"
handler500 = "directory.views.server_error"
