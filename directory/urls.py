from __future__ import annotations

from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve

from accounts import views as accounts_views
from directory import views
from directory.sitemaps import SITEMAPS

# The admin's sign-in page sends people to allauth's, with its rate limits and second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

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
    path("accounts/", accounts_views.overview, name="account_overview"),
    # Django's names for the sign-in pages, so {% url 'login' %} and friends keep working. The
    # views are allauth's, the same ones its own names below reach at the same paths.
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    # In the public URL contract (Django's address for it); allauth's page is password/reset/.
    path(
        "accounts/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", permanent=True),
        name="password_reset",
    ),
    path("accounts/email/", accounts_views.email_addresses),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "directory.views.page_not_found"
handler500 = "directory.views.server_error"
