"""The CSV export of a buyer search: every matching company, not just one page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from members.search.engine import describe, run_search
from members.search.export import csv_response
from members.search.forms import parse_search
from members.search.index import current_snapshot


@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    search = parse_search(request.GET, current_snapshot())
    result = run_search(search.params, search.snapshot)
    criteria = describe(search.params, search.snapshot, result.sort)
    if result.corrected_from:
        criteria += f" (spelling corrected to \u201c{result.text}\u201d)"
    preamble = [
        [settings.SITE_NAME, "Supplier search export"],
        ["Search criteria", criteria],
        ["Search URL", request.build_absolute_uri()],
        ["Exported at", timezone.localtime().isoformat(timespec="seconds")],
        ["Companies", str(result.total)],
        *[["Note", notice] for notice in search.notices],
        [],
    ]
    return csv_response(
        request,
        company_ids=result.ordered_ids,
        preamble=preamble,
        filename_label=criteria if search.params.is_narrowed else "",
        snapshot=search.snapshot,
    )
