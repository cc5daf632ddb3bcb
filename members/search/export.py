"""CSV export of companies (a search, a shortlist): streamed, flat in memory, safe in Excel.

Rows are built from plain values a chunk of companies at a time, never from model instances.
The facet columns come from the facet registry: each facet's CSV column lists the labels of the
options a company holds (or, for certifications and frameworks, the dated detail), saying what a
held one includes ("Cyber Essentials Plus (2027-01-31, includes Cyber Essentials)").
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator, Sequence

import numpy as np
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from members.models import Company
from members.search.facets import FACETS, Facet, held_labels, includes_notes
from members.search.index import Snapshot

CHUNK_SIZE = 2000
# Cells starting with these are formulas to a spreadsheet (CSV injection): prefix them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
OWN_COLUMNS = ("pk", "name", "slug", "website", "summary", "contact_email", "last_verified_at")
COLUMNS = [
    "Name",
    "Profile URL",
    "Website",
    "Summary",
    *(facet.column for facet in FACETS),
    "Contact email",
    "Last verified",
]
FILENAME_LABEL_LENGTH = 60


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


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
        _, name, slug, website, summary, email, verified = own[pk]
        yield [
            name,
            f"{profile_base}{slug}/",
            website,
            summary,
            *(cells.get(pk, "") for cells in facet_cells),
            email,
            timezone.localtime(verified).date().isoformat() if verified else "",
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
    slug = slugify(label)[:FILENAME_LABEL_LENGTH].strip("-") or "all"
    return f"companies-{slug}-{when:%Y%m%d-%H%M}.csv"


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
