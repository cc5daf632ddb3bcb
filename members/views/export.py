"""The CSV export of a buyer search: every matching company, not just one page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from directory.limits import export_slot, rate_limited
from members.search.engine import run_search
from members.search.export import criteria_in_words, csv_response, results_url
from members.search.forms import parse_search
from members.search.index import current_snapshot


@require_safe
@rate_limited("export")
@export_slot
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    search = parse_search(request.GET, current_snapshot())
    result = run_search(search.params, search.snapshot)
    criteria = criteria_in_words(search, result)
    preamble = [
        [settings.SITE_NAME, "Supplier search export"],
        ["Search criteria", criteria],
        ["Search URL", results_url(request, search)],
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
