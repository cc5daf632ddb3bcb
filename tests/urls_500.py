"""The site's URLs plus one that fails, to see the friendly 500 page (tests only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from directory.urls import handler404, handler500
from directory.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Something deep inside went wrong (a deliberate test failure).")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
