"""CSV export of companies (a search, a shortlist): streamed, flat in memory, safe in Excel.

Rows are built from plain values a chunk of companies at a time, never from model instances.
The facet columns come from the facet registry: each facet's CSV column lists the labels of the
options a company holds (or, for certifications and frameworks, the dated detail), saying what a
held one includes ("Cyber Essentials Plus (2027-01-31, includes Cyber Essentials)").
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator, Sequence

import numpy as np
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from members.models import Company, verification_is_stale
from members.search.engine import SearchResult, describe
from members.search.facets import FACETS, Facet, held_labels, includes_notes
from members.search.forms import ParsedSearch
from members.search.index import Snapshot

CHUNK_SIZE = 2000
# A cell whose first character other than blanks (spaces, tabs, no-break and zero-width spaces)
# is one of these is a formula to a spreadsheet (CSV injection), as is one starting with a tab or
# carriage return: prefix it with an apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
BLANKS = "\\s\u200b\u200c\u200d\u2060\ufeff"  # \s: every Unicode space, no-break ones too
# The start of such a cell (members.resources uses it too, for the staff import and export).
FORMULA_START = (
    f"[{re.escape(''.join(CONTROL_STARTS))}]|[{BLANKS}]*[{re.escape(''.join(FORMULA_STARTS))}]"
)
FORMULA = re.compile(FORMULA_START)
BOM = "\ufeff"
OWN_COLUMNS = (
    "pk",
    "name",
    "slug",
    "website",
    "summary",
    "contact_name",
    "contact_email",
    "contact_phone",
    "town",
    "companies_house_number",
    "last_verified_at",
)
COLUMNS = [
    "Name",
    "Profile URL",
    "Website",
    "Summary",
    *(facet.column for facet in FACETS),
    "Contact name",
    "Contact email",
    "Phone",
    "Town",
    "Companies House number",
    "Last verified",
    "Due for review",
]
NOT_VERIFIED = "Not yet verified"
FILENAME_LABEL_LENGTH = 60


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if FORMULA.match(text):
        return "'" + text
    return text


def criteria_in_words(search: ParsedSearch, result: SearchResult) -> str:
    """The search criteria in words, for the file, its name and a printed results page."""
    criteria = describe(search.params, search.snapshot, result.sort)
    if result.corrected_from:
        criteria += f" (spelling corrected to \u201c{result.text}\u201d)"
    return criteria


def results_url(request: HttpRequest, search: ParsedSearch, page: int = 1) -> str:
    """The results page of this search (not the export's address), absolute."""
    query = search.query_string
    if page > 1:
        query = f"{query}&page={page}" if query else f"page={page}"
    path = reverse("members:company_list") + (f"?{query}" if query else "")
    return request.build_absolute_uri(path)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _facet_cells(
    facet: Facet, snapshot: Snapshot, today: datetime.date, ids: list[int]
) -> dict[int, str]:
    """A facet's column for these companies: the labels of the options each holds (read from
    the facet index, as the filters count them), or the facet's own detail (dates, lots)."""
    includes = snapshot.includes(facet.param)
    if facet.detail is not None:
        notes = includes_notes(snapshot.options(facet.param), includes)
        return {pk: "; ".join(texts) for pk, texts in facet.detail(today, ids, notes).items()}
    held = snapshot.held(facet.param, ids)
    return {
        pk: "; ".join(held_labels(options, includes)) for pk, options in zip(ids, held, strict=True)
    }


def _chunk_rows(ids: list[int], snapshot: Snapshot, profile_base: str) -> Iterator[list[str]]:
    """The rows of these companies, in this order, from a fixed number of queries."""
    today = timezone.localdate()
    own = {row[0]: row for row in Company.objects.filter(pk__any=ids).values_list(*OWN_COLUMNS)}
    facet_cells = [_facet_cells(facet, snapshot, today, ids) for facet in FACETS]
    for pk in ids:
        if pk not in own:
            continue
        _, name, slug, website, summary, *contact, verified = own[pk]
        yield [
            name,
            f"{profile_base}{slug}/",
            website,
            summary,
            *(cells.get(pk, "") for cells in facet_cells),
            *contact,
            timezone.localtime(verified).date().isoformat() if verified else NOT_VERIFIED,
            "Yes" if verification_is_stale(verified) else "No",
        ]


def stream_rows(
    company_ids: Sequence[int] | np.ndarray,
    *,
    preamble: list[list[str]],
    profile_base: str,
    snapshot: Snapshot,
) -> Iterator[str]:
    """The CSV text, a chunk of companies at a time (one write to the client per chunk)."""
    writer = csv.writer(_Echo())
    head = [writer.writerow([neutralise(cell) for cell in row]) for row in preamble]
    yield BOM + "".join(head) + writer.writerow(COLUMNS)
    for start in range(0, len(company_ids), CHUNK_SIZE):
        chunk = [int(pk) for pk in company_ids[start : start + CHUNK_SIZE]]
        yield "".join(
            writer.writerow([neutralise(cell) for cell in cells])
            for cells in _chunk_rows(chunk, snapshot, profile_base)
        )


def export_filename(label: str, when: datetime.datetime) -> str:
    """A safe file name (ASCII letters, digits and hyphens) that says what is in the file."""
    slug = slugify(label)
    if len(slug) > FILENAME_LABEL_LENGTH:
        # Cut between words; a single longer word is cut where it must be.
        head = slug[: FILENAME_LABEL_LENGTH + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else head[:FILENAME_LABEL_LENGTH]
    return f"companies-{slug.strip('-') or 'all'}-{when:%Y%m%d-%H%M}.csv"


def csv_response(
    request: HttpRequest,
    *,
    company_ids: Sequence[int] | np.ndarray,
    preamble: list[list[str]],
    filename_label: str,
    snapshot: Snapshot,
) -> StreamingHttpResponse:
    """The one CSV download: search results and shortlists alike."""
    profile_base = request.build_absolute_uri(reverse("members:company_list"))
    response = StreamingHttpResponse(
        stream_rows(company_ids, preamble=preamble, profile_base=profile_base, snapshot=snapshot),
        content_type="text/csv; charset=utf-8",
    )
    filename = export_filename(filename_label, timezone.localtime())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response
