from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from members.shortlist import shortlist_ids


def site(request: HttpRequest) -> dict[str, object]:
    """The site name, the header search box's text and the shortlist, for every page."""
    q = request.GET.get("q", "") if request.resolver_match else ""
    shortlisted = shortlist_ids(request.session) if hasattr(request, "session") else []
    return {
        "site_name": settings.SITE_NAME,
        # The auth views put their own "site_name" (the request's host) in the context, so the
        # templates show this one, which nothing overrides.
        "directory_name": settings.SITE_NAME,
        "header_q": q[:200].replace("\x00", ""),
        "shortlisted_ids": set(shortlisted),
        "shortlist_count": len(shortlisted),
    }
