from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """The site name and the header search box's current text, for every page."""
    q = request.GET.get("q", "") if request.resolver_match else ""
    return {"site_name": settings.SITE_NAME, "header_q": q[:200].replace("\x00", "")}
