"""CSV export of a buyer search: every matching company, streamed, safe to open in Excel."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator, Sequence

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from clusters.models import Capability
from members.facets import BAND_SLUGS
from members.models import Company, CompanyCertification, CompanyFramework

CHUNK_SIZE = 500
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


def export_queryset(company_ids: Sequence[int]) -> QuerySet[Company]:
    today = timezone.localdate()
    return (
        Company.objects.filter(pk__in=list(company_ids))
        .select_related("region")
        .prefetch_related(
            "clusters",
            "sectors",
            Prefetch("capabilities", queryset=Capability.objects.select_related("cluster")),
            Prefetch(
                "certifications",
                queryset=CompanyCertification.objects.current(today).select_related(
                    "certification"
                ),
                to_attr="current_certifications",
            ),
            Prefetch(
                "frameworks",
                queryset=CompanyFramework.objects.current(today).select_related("framework"),
                to_attr="current_frameworks",
            ),
        )
    )


def _dated(name: str, date: datetime.date | None) -> str:
    return f"{name} ({date.isoformat()})" if date else f"{name} (no expiry)"


def company_row(company: Company, profile_url: str) -> list[str]:
    frameworks = [
        _dated(f.framework.name + (f", {f.lot}" if f.lot else ""), f.valid_until)
        for f in company.current_frameworks
    ]
    verified = company.last_verified_at.date().isoformat() if company.last_verified_at else ""
    return [
        company.name,
        profile_url,
        company.website,
        company.summary,
        "; ".join(c.name for c in company.clusters.all()),
        "; ".join(c.name for c in company.capabilities.all()),
        company.region.name if company.region else "",
        BAND_SLUGS.get(company.employee_band, company.employee_band),
        "Yes" if company.is_sme else "No",
        "; ".join(
            _dated(c.certification.name, c.valid_until) for c in company.current_certifications
        ),
        "; ".join(frameworks),
        "; ".join(s.name for s in company.sectors.all()),
        company.contact_email,
        verified,
    ]


def export_filename(criteria: str, when: datetime.datetime) -> str:
    label = slugify(criteria)[:60] or "all"
    return f"companies-{label}-{when:%Y%m%d-%H%M}.csv"


def stream_rows(
    company_ids: Sequence[int],
    *,
    preamble: list[list[str]],
    profile_url: Callable[[Company], str],
) -> Iterator[str]:
    """The CSV text, a line at a time, loading companies a chunk at a time."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in preamble:
        yield writer.writerow([neutralise(cell) for cell in row])
    yield writer.writerow(COLUMNS)
    for start in range(0, len(company_ids), CHUNK_SIZE):
        chunk = [int(pk) for pk in company_ids[start : start + CHUNK_SIZE]]
        by_id = {company.pk: company for company in export_queryset(chunk)}
        for pk in chunk:
            company = by_id.get(pk)
            if company is not None:
                cells = company_row(company, profile_url(company))
                yield writer.writerow([neutralise(cell) for cell in cells])
