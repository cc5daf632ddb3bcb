"""The CSV export of a buyer search: every matching company, not just one page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from members.export import export_filename, profile_base, stream_rows
from members.facets import get_index
from members.filters import CompanyFilter
from members.search import describe_search, search_from_filter


@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    index = get_index()
    filterset = CompanyFilter(request.GET, index=index)
    notices = filterset.notices()
    search = search_from_filter(filterset)
    outcome = search.run(index)
    now = timezone.localtime()
    criteria = describe_search(search, index, outcome.sort)
    if outcome.corrected_from:
        criteria += f" (spelling corrected to \u201c{outcome.text}\u201d)"
    preamble = [
        [settings.SITE_NAME, "Supplier search export"],
        ["Search criteria", criteria],
        ["Search URL", request.build_absolute_uri()],
        ["Exported at", now.isoformat(timespec="seconds")],
        ["Companies", str(outcome.total)],
        *[["Note", notice] for notice in notices],
        [],
    ]

    response = StreamingHttpResponse(
        stream_rows(outcome.ordered_ids, preamble=preamble, profile_base=profile_base(request)),
        content_type="text/csv; charset=utf-8",
    )
    filename = export_filename(
        criteria if search.text or any(search.selected.values()) else "", now
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response
