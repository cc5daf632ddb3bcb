"""CSV export of a buyer search: every matching company, streamed, safe to open in Excel."""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from members.facets import BAND_SLUGS
from members.models import Company, CompanyCertification, CompanyFramework

CHUNK_SIZE = 2000
# Cells starting with these are formulas to a spreadsheet (CSV injection): prefix them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
COLUMNS = [
    "Name",
    "Profile URL",
    "Website",
    "Summary",
    "Clusters",
    "Capabilities",
    "Region",
    "Size",
    "SME",
    "Current certifications (valid until)",
    "Frameworks (lot, expires)",
    "Sectors",
    "Contact email",
    "Last verified",
]


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _dated(name: str, date: datetime.date | None) -> str:
    return f"{name} ({date.isoformat()})" if date else f"{name} (no expiry)"


def _grouped(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for company_id, text in rows:
        grouped[company_id].append(text)
    return grouped


def _related_names(ids: list[int], field: str, target: str) -> dict[int, list[str]]:
    through = Company._meta.get_field(field).remote_field.through
    rows = (
        through.objects.filter(company_id__in=ids)
        .order_by(f"{target}__name")
        .values_list("company_id", f"{target}__name")
    )
    return _grouped(rows)


def _chunk_rows(ids: list[int], profile_base: str) -> Iterator[list[str]]:
    """The export rows of these companies (in this order): plain values, no model instances."""
    today = timezone.localdate()
    columns = ("pk", "name", "slug", "website", "summary", "region__name", "employee_band")
    columns += ("contact_email", "last_verified_at")
    companies = {row[0]: row for row in Company.objects.filter(pk__in=ids).values_list(*columns)}
    clusters = _related_names(ids, "clusters", "cluster")
    capabilities = _related_names(ids, "capabilities", "capability")
    sectors = _related_names(ids, "sectors", "sector")
    certifications = _grouped(
        (company_id, _dated(name, until))
        for company_id, name, until in CompanyCertification.objects.current(today)
        .filter(company_id__in=ids)
        .order_by("certification__position", "certification__name")
        .values_list("company_id", "certification__name", "valid_until")
    )
    frameworks = _grouped(
        (company_id, _dated(name + (f", {lot}" if lot else ""), until))
        for company_id, name, lot, until in CompanyFramework.objects.current(today)
        .filter(company_id__in=ids)
        .order_by("framework__position", "framework__name", "lot")
        .values_list("company_id", "framework__name", "lot", "valid_until")
    )
    for pk in ids:
        if pk not in companies:
            continue
        _, name, slug, website, summary, region, band, email, verified = companies[pk]
        yield [
            name,
            f"{profile_base}{slug}/",
            website,
            summary,
            "; ".join(clusters[pk]),
            "; ".join(capabilities[pk]),
            region or "",
            BAND_SLUGS.get(band, band),
            "Yes" if band in Company.SME_BANDS else "No",
            "; ".join(certifications[pk]),
            "; ".join(frameworks[pk]),
            "; ".join(sectors[pk]),
            email,
            timezone.localtime(verified).date().isoformat() if verified else "",
        ]


def profile_base(request: HttpRequest) -> str:
    """The absolute URL that a company's slug completes into its profile URL."""
    return request.build_absolute_uri(reverse("members:company_list"))


def export_filename(criteria: str, when: datetime.datetime) -> str:
    label = slugify(criteria)[:60] or "all"
    return f"companies-{label}-{when:%Y%m%d-%H%M}.csv"


def stream_rows(
    company_ids: Sequence[int],
    *,
    preamble: list[list[str]],
    profile_base: str,
) -> Iterator[str]:
    """The CSV text, a line at a time, loading companies a chunk at a time."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in preamble:
        yield writer.writerow([neutralise(cell) for cell in row])
    yield writer.writerow(COLUMNS)
    for start in range(0, len(company_ids), CHUNK_SIZE):
        chunk = [int(pk) for pk in company_ids[start : start + CHUNK_SIZE]]
        for cells in _chunk_rows(chunk, profile_base):
            yield writer.writerow([neutralise(cell) for cell in cells])
